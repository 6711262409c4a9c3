// Benchmark of the code index: cold, warm and one-file-edited `trace` on real trees, against `tsc --noEmit`
// (TypeScript 6 through ts-morph's bundled compiler, TypeScript 7 native) on the same files. The 10,000-file tree
// has its own script, bench/big-tree.ts, measured against the parse floor instead of tsc.
//
//   node bench/code-index.ts            (Node 24: node_modules/.bin first on PATH)
//
// Each measurement runs in its own child process; peak RSS is the child's `process.resourceUsage().maxRSS`
// (for native tsc, GNU time's %M). Results go to bench/RESULTS.md; scratch files to bench/.work/.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Corpus {
  readonly name: string;
  /** Source tree, relative to the repository. */
  readonly source: string;
  readonly language: 'ts' | 'js';
  readonly from: string;
  readonly to: string;
}

const CORPORA: readonly Corpus[] = [
  {
    name: 'zod',
    source: 'node_modules/zod/src',
    language: 'ts',
    from: 'v3/types.ts:ZodType.parse',
    to: 'addIssueToContext',
  },
  {
    name: 'openai',
    source: 'node_modules/openai/src',
    language: 'ts',
    from: 'resources/chat/completions/completions.ts:Completions.create',
    to: 'OpenAI.fetchWithTimeout',
  },
  {
    name: 'undici',
    source: 'node_modules/undici/lib',
    language: 'js',
    from: 'fetch',
    to: 'httpNetworkFetch',
  },
  {
    name: 'domino',
    source: 'node_modules/@mixmark-io/domino',
    language: 'js',
    from: 'lib/HTMLParser.js:htmlparser.parse',
    to: 'lib/EventTarget.js:EventTarget',
  },
];

const REPO = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(REPO, 'bench', '.work');
const BUILD = join(WORK, 'build');
const SELF = fileURLToPath(import.meta.url);
const TS6_LIB = join(WORK, 'ts6-lib');

/** Writes TypeScript 6's lib files (kept in memory by ts-morph) where the TS 6 child can read them. */
function writeTs6Libs(): void {
  const require = createRequire(import.meta.url);
  const common = require(join(REPO, 'node_modules', '@ts-morph', 'common'));
  mkdirSync(TS6_LIB, { recursive: true });
  for (const lib of common.getLibFiles() as { fileName: string; text: string }[]) {
    writeFileSync(join(TS6_LIB, lib.fileName), lib.text);
  }
}

interface Measured {
  wall_ms: number;
  max_rss_mb: number;
  [key: string]: unknown;
}

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Child: one trace through the compiled service, timed from before the import to the answer. */
async function childTrace(dir: string, from: string, to: string): Promise<void> {
  const started = performance.now();
  const url = pathToFileURL(join(BUILD, 'src', 'code', 'code-service.js')).href;
  const { createCodeIndexService } = await import(url);
  const result = await createCodeIndexService().trace({ dir, from, to, maxPaths: 1 });
  process.stdout.write(
    JSON.stringify({
      wall_ms: Math.round(performance.now() - started),
      max_rss_mb: rssMb(),
      status: result.status,
      hops: result.paths[0]?.hops.length ?? 0,
      path: result.paths[0]?.hops.map((h: { qualified_name: string }) => h.qualified_name).join(' → ') ?? '',
      first_file: result.paths[0]?.hops[0]?.file ?? null,
      notes: result.notes,
      stats: result.stats,
    }),
  );
}

/** Child: index only, no query (so no lazy refinement). */
async function childIndex(dir: string): Promise<void> {
  const started = performance.now();
  const url = pathToFileURL(join(BUILD, 'src', 'code', 'code-service.js')).href;
  const { createCodeIndexService } = await import(url);
  const stats = await createCodeIndexService().index(dir);
  process.stdout.write(
    JSON.stringify({ wall_ms: Math.round(performance.now() - started), max_rss_mb: rssMb(), stats }),
  );
}

/** Child: TypeScript 6 (ts-morph's bundled compiler) type-checks the project, as `tsc --noEmit` would. */
function childTsc6(tsconfig: string): void {
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const ts = require(join(REPO, 'node_modules', '@ts-morph', 'common', 'dist', 'typescript.js'));
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
  );
  // ts-morph's compiler keeps its lib .d.ts files inside a JS module, not next to typescript.js.
  const host = ts.createCompilerHost(parsed.options);
  host.getDefaultLibLocation = () => TS6_LIB;
  host.getDefaultLibFileName = (options: unknown) => join(TS6_LIB, ts.getDefaultLibFileName(options));
  const program = ts.createProgram(parsed.fileNames, parsed.options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).length;
  process.stdout.write(
    JSON.stringify({
      wall_ms: Math.round(performance.now() - started),
      max_rss_mb: rssMb(),
      version: ts.version,
      files: parsed.fileNames.length,
      diagnostics,
    }),
  );
}

/** Runs per measurement (the median is reported): the machine is shared, so single runs are noisy. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(list: readonly Measured[]): Measured {
  return [...list].sort((a, b) => a.wall_ms - b.wall_ms)[Math.floor(list.length / 2)]!;
}

function runNode(args: string[]): Measured {
  const out = execFileSync(process.execPath, [SELF, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out) as Measured;
}

function tsc7(tsconfig: string): Measured {
  const started = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', join(REPO, 'node_modules', '.bin', 'tsc'), '-p', tsconfig],
    // tsc's diagnostics can pass spawnSync's 1 MB buffer (which kills the child): only time's line is kept.
    { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wall = Math.round(performance.now() - started);
  const rssKb = Number(run.stderr.trim().split('\n').at(-1));
  const version = execFileSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['--version'], {
    encoding: 'utf8',
  }).trim();
  return { wall_ms: wall, max_rss_mb: Math.round(rssKb / 1024), version, exit: run.status };
}

function filesOf(dir: string, language: Corpus['language']): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (
        language === 'ts'
          ? /\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')
          : /\.(c|m)?js$/.test(name)
      )
        out.push(p);
    }
  };
  walk(dir);
  return out;
}

function prepare(corpus: Corpus): { dir: string; tsconfig: string; files: string[]; bytes: number } {
  const base = join(WORK, corpus.name);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, '.git'), { recursive: true });
  const dir = join(base, 'src');
  cpSync(join(REPO, corpus.source), dir, { recursive: true });
  if (corpus.language === 'ts') writeFileSync(join(base, 'package.json'), '{ "type": "module" }\n');
  const tsconfig = join(base, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          noEmit: true,
          skipLibCheck: true,
          strict: true,
          target: 'es2022',
          lib: ['es2023', 'dom', 'dom.iterable'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
          ...(corpus.language === 'js' ? { allowJs: true, checkJs: true } : {}),
        },
        include: corpus.language === 'ts' ? ['src/**/*.ts'] : ['src/**/*.js'],
      },
      null,
      2,
    ),
  );
  const files = filesOf(dir, corpus.language);
  return { dir, tsconfig, files, bytes: files.reduce((sum, f) => sum + statSync(f).size, 0) };
}

function machine(): string {
  const node = process.version;
  const free = execFileSync('free', ['-g'], { encoding: 'utf8' }).trim();
  return [
    `- date: ${new Date().toISOString()}`,
    `- nproc: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} (${cpus()[0]?.model ?? 'unknown cpu'})`,
    `- memory: ${Math.round(totalmem() / 2 ** 30)} GiB total, ${Math.round(freemem() / 2 ** 30)} GiB free at start`,
    `- node: ${node}`,
    `- load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
    '',
    '```',
    free,
    '```',
  ].join('\n');
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'child') return childTrace(args[0]!, args[1]!, args[2]!);
  if (mode === 'tsc6') return childTsc6(args[0]!);
  if (mode === 'index') return childIndex(args[0]!);

  const machineAtStart = machine();
  mkdirSync(WORK, { recursive: true });
  writeTs6Libs();
  process.stderr.write('building the project with tsc into bench/.work/build ...\n');
  spawnSync(
    join(REPO, 'node_modules', '.bin', 'tsc'),
    ['-p', 'tsconfig.json', '--outDir', BUILD, '--noCheck'],
    {
      cwd: REPO,
      stdio: 'inherit',
    },
  );
  const rows: string[] = [];
  const details: string[] = [];
  for (const corpus of CORPORA) {
    const { dir, tsconfig, files, bytes } = prepare(corpus);
    const mb = bytes / 2 ** 20;
    process.stderr.write(`${corpus.name}: ${files.length} files, ${mb.toFixed(1)} MB\n`);
    const trace = () => runNode(['child', dir, corpus.from, corpus.to]);
    const clearCache = () => rmSync(join(dir, '..', '.office'), { recursive: true, force: true });
    const runs: Record<'indexOnly' | 'cold' | 'warm' | 'edited' | 'ts6' | 'ts7', Measured[]> = {
      indexOnly: [],
      cold: [],
      warm: [],
      edited: [],
      ts6: [],
      ts7: [],
    };
    let firstFile = files[0]!;
    for (let run = 0; run < RUNS; run++) {
      clearCache();
      runs.indexOnly.push(runNode(['index', dir]));
      clearCache();
      const cold = trace();
      runs.cold.push(cold);
      runs.warm.push(trace());
      // Edit the file the path starts in (its refinements are then stale too), or any file if nothing was found.
      if (typeof cold.first_file === 'string') firstFile = join(dir, cold.first_file);
      appendFileSync(firstFile, `\n// edited by the benchmark, run ${run + 1}\n`);
      runs.edited.push(trace());
      runs.ts6.push(runNode(['tsc6', tsconfig]));
      runs.ts7.push(tsc7(tsconfig));
    }
    const indexOnly = median(runs.indexOnly);
    const cold = median(runs.cold);
    const warm = median(runs.warm);
    const edited = median(runs.edited);
    const ts6 = median(runs.ts6);
    const ts7 = median(runs.ts7);
    const spread = (list: Measured[]) => list.map((m) => m.wall_ms).join(' / ');
    const perSecond = (m: Measured) => Math.round(files.length / (m.wall_ms / 1000));
    const ratio = (m: Measured, t: Measured) => (m.wall_ms / t.wall_ms).toFixed(2);
    for (const [label, m] of [
      ['cold index only (no query)', indexOnly],
      ['cold index + trace', cold],
      ['warm trace', warm],
      ['one file edited, trace', edited],
    ] as const) {
      rows.push(
        `| ${corpus.name} | ${label} | ${m.wall_ms} | ${perSecond(m)} | ${m.max_rss_mb} | ` +
          `${(m.stats as { cache: string }).cache} | ${ratio(m, ts6)} | ${ratio(m, ts7)} |`,
      );
    }
    rows.push(
      `| ${corpus.name} | tsc --noEmit (TS ${ts6.version}) | ${ts6.wall_ms} | ${perSecond(ts6)} | ${ts6.max_rss_mb} | | 1.00 | |`,
    );
    rows.push(
      `| ${corpus.name} | tsc --noEmit (${ts7.version}) | ${ts7.wall_ms} | ${perSecond(ts7)} | ${ts7.max_rss_mb} | | | 1.00 |`,
    );
    details.push(
      `### ${corpus.name} (\`${corpus.source}\`: ${files.length} files, ${mb.toFixed(1)} MB)`,
      '',
      `- query: \`office trace ${corpus.from} ${corpus.to}\` → ${cold.status}, ${cold.hops} hops: ${cold.path || '(none)'}`,
      `- notes: ${JSON.stringify(cold.notes)}`,
      `- index: ${JSON.stringify(cold.stats)}`,
      `- edited file: \`${relative(dir, firstFile)}\` (a comment appended)`,
      `- tsc 6 diagnostics: ${ts6.diagnostics} over ${ts6.files} files; tsc 7 exit ${ts7.exit}`,
      `- every run's wall ms: index only ${spread(runs.indexOnly)}; cold ${spread(runs.cold)}; ` +
        `warm ${spread(runs.warm)}; edited ${spread(runs.edited)}; tsc 6 ${spread(runs.ts6)}; tsc 7 ${spread(runs.ts7)}`,
      '',
    );
  }
  const report = [
    '# Code index benchmark',
    '',
    'Written by `node bench/code-index.ts` (Node 24 first on PATH). Each measurement is one child process,',
    `run ${RUNS} times; the table shows the median run (wall time and its peak RSS), every run's time is listed`,
    "below. Wall time includes loading the modules. Ratios are our wall time over tsc's on the same files",
    '(below 1 means faster than tsc). files/s counts every source file of the tree. The machine is shared',
    'with other work (see the load average): compare rows of one run rather than runs of different days.',
    '',
    '## Machine',
    '',
    machineAtStart,
    `- load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
    '',
    '## Results',
    '',
    '| tree | run | wall ms | files/s | peak RSS MB | cache | ÷ tsc 6 | ÷ tsc 7 |',
    '|---|---|---:|---:|---:|---|---:|---:|',
    ...rows,
    '',
    ...details,
  ].join('\n');
  const results = join(REPO, 'bench', 'RESULTS.md');
  writeFileSync(results, `${report}\n${laterSections(results)}`);
  process.stdout.write(`${report}\n`);
}

/**
 * What RESULTS.md holds after this benchmark's own part (its title, `## Machine`, `## Results` and the `###`
 * details): sections other benchmarks appended and earlier runs kept by hand, which a new run must not drop.
 */
function laterSections(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const later = /^## (?!Machine$|Results$)/m.exec(text);
  return later ? `\n${text.slice(later.index)}` : '';
}

await main();
