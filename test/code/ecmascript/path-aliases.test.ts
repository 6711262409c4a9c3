// JS/TS module resolution through tsconfig `paths`/`baseUrl` (with `extends`) and package.json `imports`: through
// the adapter seam on the ts-aliases fixture and small trees in temp dirs, and end to end through the code service.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../../src/code/code-service.js';
import { ecmascriptAdapter } from '../../../src/code/ecmascript/index.js';
import type { LinkedGraph } from '../../../src/code/model.js';
import type { TraceResult } from '../../../src/code/service.js';
import { fixtureFiles, fixturesDir, formatEdge, linkFixture, sourceFile } from './fixture-graph.js';

let scratch: string;
/** TypeScript's `${configDir}` template, written out literally in configs. */
const CONFIG_DIR = '$' + '{configDir}';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'office-path-aliases-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Writes `files` (relative path → text) under a fresh directory of the scratch dir; returns its path. */
async function writeTree(name: string, files: Record<string, string>): Promise<string> {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** Extracts and links the given source files of `root` through the adapter, as the indexer would. */
async function linkTree(root: string, paths: readonly string[]): Promise<LinkedGraph> {
  const files = paths.map((path) => sourceFile(root, path));
  return ecmascriptAdapter.link(
    files.map((file) => ({ file, facts: ecmascriptAdapter.extract(file) })),
    { root, readText: (path) => files.find((file) => file.path === path)!.text },
  );
}

const edgesOf = (graph: LinkedGraph) => graph.edges.map(formatEdge).sort();
const targetsOf = (graph: LinkedGraph) => graph.edges.map((edge) => edge.to).sort();

describe('JS/TS adapter: tsconfig paths, baseUrl and package.json imports', () => {
  it('links a call through each alias form to the file TypeScript resolves it to', async () => {
    const fixture = await linkFixture('ts-aliases');
    const checkout = 'src/app/checkout.ts';
    const at = (path: string, snippet: string) => fixture.lineOf(path, snippet);
    expect(
      fixture
        .edges()
        .filter((edge) => !edge.startsWith('src/lib/mailer.ts#'))
        .sort(),
    ).toEqual(
      [
        // "@/*": ["src/*"]
        `${checkout}#checkout -> src/orders/place.ts#placeOrder [direct] :${at(checkout, 'placeOrder(cart)')}`,
        // "@/legacy/*" has the longer prefix: legacy/audit.ts, not src/legacy/audit.ts
        `${checkout}#checkout -> legacy/audit.ts#audit [direct] :${at(checkout, 'audit(order.id)')}`,
        // "~/lib/*": the first target generated/lib/mailer.ts does not exist, the second does
        `${checkout}#checkout -> src/lib/mailer.ts#sendReceipt [direct] :${at(checkout, 'sendReceipt(')}`,
        // "~/lib/*": the first target exists and wins over src/lib/schema.ts
        `${checkout}#checkout -> generated/lib/schema.ts#describeSchema [direct] :${at(checkout, 'describeSchema(order.id)')}`,
        // a bare specifier under baseUrl
        `${checkout}#checkout -> src/util/money.ts#formatCents [direct] :${at(checkout, 'formatCents(')}`,
        // "@/*" to a directory: its index file
        `src/orders/place.ts#placeOrder -> src/payments/index.ts#chargeCard [direct] :${at('src/orders/place.ts', 'chargeCard(cart.total)')}`,
        // package.json "imports": { "#db": ... }
        `src/orders/place.ts#placeOrder -> src/db/index.ts#saveOrder [direct] :${at('src/orders/place.ts', 'saveOrder(')}`,
        // the exact pattern "@payments" beats the in-tree package named "@payments"
        `src/app/refund.ts#refund -> src/payments/index.ts#chargeCard [direct] :${at('src/app/refund.ts', 'chargeCard(-amount)')}`,
      ].sort(),
    );
  });

  it('never links a decoy: a node_modules package named like the alias, an in-tree package, an external one', async () => {
    const root = join(scratch, 'decoys');
    await cp(join(fixturesDir, 'ts-aliases'), root, { recursive: true });
    // Even when its files are handed to link, a package under node_modules named `@/payments` loses to `@/*`.
    await writeTree('decoys/node_modules/@/payments', {
      'package.json': JSON.stringify({ name: '@/payments', main: 'index.ts' }),
      'index.ts': 'export function chargeCard(amount: number): string {\n  return String(amount);\n}\n',
    });
    const paths = [
      ...fixtureFiles('ts-aliases').map((file) => file.path),
      'node_modules/@/payments/index.ts',
    ];
    const graph = await linkTree(root, paths);
    const targets = targetsOf(graph);
    for (const decoy of ['node_modules/', 'vendor/', 'src/legacy/', 'src/lib/schema.ts'])
      expect(targets.filter((to) => to.startsWith(decoy))).toEqual([]);
    // `stripe-lite` is external: its chargeCard call gets no edge, not even from the checker.
    expect(graph.edges.filter((edge) => edge.from.startsWith('src/app/payout.ts'))).toEqual([]);
    const refined = await graph.refine!({ outgoingFrom: ['src/app/payout.ts#payout'] });
    expect(refined).toEqual([]);
  });

  it('lets the TypeScript checker resolve imports through the same aliases', async () => {
    const fixture = await linkFixture('ts-aliases');
    const line = fixture.lineOf('src/app/notify.ts', "mailer.send('shipped')");
    const edge = `src/app/notify.ts#notifyAll -> src/lib/mailer.ts#Mailer.send [method] :${line}`;
    expect(fixture.edges()).not.toContain(edge);
    const refined = await fixture.graph.refine!({ outgoingFrom: ['src/app/notify.ts#notifyAll'] });
    expect(fixture.format(refined)).toEqual([edge]);
  });

  it('takes paths relative to the config declaring them, or to baseUrl, and the configDir template from the config in use', async () => {
    const root = await writeTree('bases', {
      'tsconfig.json': '{ "extends": "./configs/base.json" }',
      'configs/base.json': JSON.stringify({
        compilerOptions: { paths: { '@lib/*': ['../lib/*'], '@app/*': [`${CONFIG_DIR}/app/*`] } },
      }),
      'lib/greet.ts': 'export function greet(): string {\n  return "hi";\n}\n',
      'app/util.ts': 'export function util(): number {\n  return 1;\n}\n',
      'app/main.ts':
        "import { util } from '@app/util';\nimport { greet } from '@lib/greet';\n\nexport function main(): void {\n  greet();\n  util();\n}\n",
      // A subproject whose config sets baseUrl: the inherited paths now start from it.
      'web/tsconfig.json': '{ "extends": "../configs/base.json", "compilerOptions": { "baseUrl": "./src" } }',
      'web/lib/greet.ts': 'export function greet(): string {\n  return "web";\n}\n',
      'web/src/main.ts':
        "import { greet } from '@lib/greet';\n\nexport function webMain(): void {\n  greet();\n}\n",
    });
    const graph = await linkTree(root, [
      'app/main.ts',
      'app/util.ts',
      'lib/greet.ts',
      'web/lib/greet.ts',
      'web/src/main.ts',
    ]);
    expect(edgesOf(graph)).toEqual([
      'app/main.ts#main -> app/util.ts#util [direct] :6',
      'app/main.ts#main -> lib/greet.ts#greet [direct] :5',
      'web/src/main.ts#webMain -> web/lib/greet.ts#greet [direct] :4',
    ]);
  });

  it('follows extends through a package in node_modules and an array of configs, the later one winning', async () => {
    const root = await writeTree('extends', {
      'node_modules/@acme/tsconfig/package.json': '{ "name": "@acme/tsconfig", "tsconfig": "base.json" }',
      // baseUrl is inherited from the package; its `paths` are replaced by the later config's.
      'node_modules/@acme/tsconfig/base.json': `{ "compilerOptions": { "baseUrl": "${CONFIG_DIR}", "paths": { "@core": ["never-used.ts"] } } }`,
      'tsconfig.paths.json': '{ "compilerOptions": { "paths": { "@core": ["./core/index.ts"] } } }',
      'tsconfig.json': '{ "extends": ["@acme/tsconfig", "./tsconfig.paths.json"] }',
      'core/index.ts': 'export function boot(): void {}\n',
      'core/extra.ts': 'export function extra(): void {}\n',
      'app/main.ts':
        "import { boot } from '@core';\nimport { extra } from 'core/extra';\n\nexport function main(): void {\n  boot();\n  extra();\n}\n",
    });
    const graph = await linkTree(root, ['app/main.ts', 'core/extra.ts', 'core/index.ts']);
    expect(edgesOf(graph)).toEqual([
      'app/main.ts#main -> core/extra.ts#extra [direct] :6',
      'app/main.ts#main -> core/index.ts#boot [direct] :5',
    ]);
  });

  it('gives each file the aliases of its own nearest tsconfig, including one above the indexed directory', async () => {
    const root = await writeTree('monorepo', {
      'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./app/src/*"] } } }',
      'app/src/helpers.ts': 'export function help(): string {\n  return "app";\n}\n',
      'app/src/main.ts':
        "import { help } from '@/helpers';\n\nexport function appMain(): void {\n  help();\n}\n",
      // Comments and trailing commas, as in real tsconfig files.
      'api/tsconfig.json':
        '{\n  // own aliases\n  "compilerOptions": { "paths": { "@/*": ["./lib/*"], }, },\n}\n',
      'api/lib/helpers.ts': 'export function help(): string {\n  return "api";\n}\n',
      'api/main.ts': "import { help } from '@/helpers';\n\nexport function apiMain(): void {\n  help();\n}\n",
    });
    const graph = await linkTree(root, [
      'api/lib/helpers.ts',
      'api/main.ts',
      'app/src/helpers.ts',
      'app/src/main.ts',
    ]);
    expect(edgesOf(graph)).toEqual([
      'api/main.ts#apiMain -> api/lib/helpers.ts#help [direct] :4',
      'app/src/main.ts#appMain -> app/src/helpers.ts#help [direct] :4',
    ]);
    // Indexing app/src alone: the tsconfig above it still maps `@/*` into the indexed directory.
    const inner = await linkTree(join(root, 'app/src'), ['helpers.ts', 'main.ts']);
    expect(edgesOf(inner)).toEqual(['main.ts#appMain -> helpers.ts#help [direct] :4']);
  });

  it('takes the aliases of the referenced project that includes a file under a solution-style tsconfig', async () => {
    // The layout of a Vite app: the root config only references the app's and the build tool's configs.
    const root = await writeTree('solution', {
      'tsconfig.json':
        '{ "files": [], "references": [{ "path": "./tsconfig.node.json" }, { "path": "./tsconfig.app.json" }] }',
      'tsconfig.node.json':
        '{ "include": ["vite.config.ts"], "compilerOptions": { "paths": { "@/*": ["./build/*"] } } }',
      'tsconfig.app.json': '{ "include": ["src"], "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
      'src/lib/utils.ts': 'export function cn(): string {\n  return "";\n}\n',
      'build/lib/utils.ts': 'export function cn(): string {\n  return "build";\n}\n',
      'src/App.tsx': "import { cn } from '@/lib/utils';\n\nexport function App() {\n  return cn();\n}\n",
    });
    const graph = await linkTree(root, ['build/lib/utils.ts', 'src/App.tsx', 'src/lib/utils.ts']);
    expect(edgesOf(graph)).toEqual(['src/App.tsx#App -> src/lib/utils.ts#cn [direct] :4']);
  });

  it('follows rootDirs, moduleSuffixes and customConditions as TypeScript does', async () => {
    const files = {
      'src/app.ts': [
        "import { gen } from './schema';",
        "import { view } from './view';",
        "import { core } from 'corepkg';",
        'export function app() {',
        '  gen();',
        '  view();',
        '  core();',
        '}',
        '',
      ].join('\n'),
      // Only under the other root dir: found through rootDirs.
      'generated/schema.ts': 'export function gen() {}\n',
      // `.native` is tried before the plain file.
      'src/view.native.ts': 'export function view() {}\n',
      'src/view.ts': 'export function view() {}\n',
      // The custom condition comes before `default`.
      'packages/corepkg/package.json': JSON.stringify({
        name: 'corepkg',
        exports: { '.': { 'office-source': './src/index.ts', default: './dist/index.js' } },
      }),
      'packages/corepkg/src/index.ts': 'export function core() {}\n',
      'packages/corepkg/dist/index.js': 'export function core() {}\n',
    };
    const sources = Object.keys(files).filter((path) => /\.(ts|js)$/.test(path));
    const withOptions = await writeTree('resolution-options', {
      ...files,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          rootDirs: ['src', `${CONFIG_DIR}/generated`],
          moduleSuffixes: ['.native', ''],
          customConditions: ['office-source'],
        },
      }),
    });
    expect(targetsOf(await linkTree(withOptions, sources))).toEqual([
      'generated/schema.ts#gen',
      'packages/corepkg/src/index.ts#core',
      'src/view.native.ts#view',
    ]);
    const without = await writeTree('resolution-options-unset', { ...files, 'tsconfig.json': '{}' });
    expect(targetsOf(await linkTree(without, sources))).toEqual([
      'packages/corepkg/dist/index.js#core',
      'src/view.ts#view',
    ]);
  });

  it('ignores a tsconfig that is not valid JSON or extends itself in a cycle, and still links the rest', async () => {
    const files = {
      'lib.ts': 'export function work(): void {}\n',
      'main.ts':
        "import { work } from '@lib';\nimport { work as direct } from './lib.ts';\n\nexport function main(): void {\n  work();\n  direct();\n}\n",
    };
    const broken = await writeTree('broken', {
      ...files,
      'tsconfig.json': '{ "compilerOptions": { "paths": { "@lib": ["./lib.ts"] } ',
    });
    expect(edgesOf(await linkTree(broken, ['lib.ts', 'main.ts']))).toEqual([
      'main.ts#main -> lib.ts#work [direct] :6',
    ]);
    const cyclic = await writeTree('cyclic', {
      ...files,
      'tsconfig.json': '{ "extends": "./a.json" }',
      'a.json': '{ "extends": "./b.json" }',
      'b.json': '{ "extends": "./a.json", "compilerOptions": { "paths": { "@lib": ["./lib.ts"] } } }',
    });
    expect(edgesOf(await linkTree(cyclic, ['lib.ts', 'main.ts']))).toEqual([
      'main.ts#main -> lib.ts#work [direct] :5',
      'main.ts#main -> lib.ts#work [direct] :6',
    ]);
  });
});

describe('trace through path aliases', () => {
  let dir: string;

  beforeAll(async () => {
    dir = join(scratch, 'workspace', 'ts-aliases');
    await cp(join(fixturesDir, 'ts-aliases'), dir, { recursive: true });
    await mkdir(join(dir, '.git'));
  });

  const hops = (result: TraceResult) =>
    result.paths.map((path) => path.hops.map((hop) => `${hop.file}#${hop.qualified_name}`));

  it('finds checkout → placeOrder → chargeCard, then follows an edited tsconfig on the next index', async () => {
    const service = createCodeIndexService();
    const before = await service.trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(before.status).toBe('found');
    expect(hops(before)).toEqual([
      ['src/app/checkout.ts#checkout', 'src/orders/place.ts#placeOrder', 'src/payments/index.ts#chargeCard'],
    ]);
    expect(await service.verifyPaths(dir, before.paths)).toEqual({ ok: true, problems: [] });

    // An exact `@/payments` pattern now sends placeOrder's import to the vendored package.
    const basePath = join(dir, 'tsconfig.base.json');
    const base = await readFile(basePath, 'utf8');
    await writeFile(
      basePath,
      base.replace('"@/*": ["src/*"],', '"@/*": ["src/*"],\n      "@/payments": ["vendor/payments-sdk"],'),
    );
    const expected = [
      [
        'src/app/checkout.ts#checkout',
        'src/orders/place.ts#placeOrder',
        'vendor/payments-sdk/index.ts#chargeCard',
      ],
    ];
    // A fresh process finds the graph cached on disk before the edit, and the same process its last index in
    // memory: both are keyed by the config files too, so neither is served stale.
    const fresh = await createCodeIndexService().trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(hops(fresh)).toEqual(expected);
    const after = await service.trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(hops(after)).toEqual(expected);

    // package.json `imports` count as well: `#db` pointed elsewhere drops placeOrder → saveOrder.
    const manifestPath = join(dir, 'package.json');
    await writeFile(
      manifestPath,
      (await readFile(manifestPath, 'utf8')).replace('src/db/index.ts', 'src/db/gone.ts'),
    );
    const callees = await service.callees(dir, 'placeOrder');
    expect(callees.calls.map((call) => call.symbol.qualified_name)).toEqual(['chargeCard']);
  });
});
