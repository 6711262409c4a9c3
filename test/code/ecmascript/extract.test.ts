import { describe, expect, it } from 'vitest';
import { ecmascriptAdapter } from '../../../src/code/ecmascript/index.js';
import { ecmascriptFactsSchema } from '../../../src/code/ecmascript/facts.js';
import type { LanguageAdapter, SourceFile } from '../../../src/code/model.js';
import { fixtureFiles, formatEdge, sourceFile } from './fixture-graph.js';

const root = '/nonexistent-root';
/** As the indexer sees it: facts may come back from a cache on disk, so they are unknown until checked. */
const adapter: LanguageAdapter = ecmascriptAdapter;

async function linkTexts(texts: Record<string, string>, facts?: (file: SourceFile) => unknown) {
  const files = Object.entries(texts).map(([path, text]) => sourceFile(root, path, text));
  const inputs = files.map((file) => ({
    file,
    facts: facts ? facts(file) : adapter.extract(file),
  }));
  const graph = await adapter.link(inputs, {
    root,
    readText: (path) => {
      throw new Error(`${path} is not in this test`);
    },
  });
  return { graph, edges: graph.edges.map(formatEdge) };
}

describe('JS/TS adapter extraction', () => {
  it('produces facts that survive a JSON round trip and depend only on the text', () => {
    for (const file of [...fixtureFiles('ts-shop'), ...fixtureFiles('js-shop')]) {
      const facts = ecmascriptAdapter.extract(file);
      const copy = ecmascriptAdapter.extract({
        ...file,
        path: `elsewhere/${file.path}`,
        absPath: '/elsewhere',
      });
      expect(copy).toEqual(facts);
      expect(ecmascriptFactsSchema.parse(JSON.parse(JSON.stringify(facts)))).toEqual(facts);
    }
  });

  it('reads <Type>value casts in .ts files and JSX in .tsx files', async () => {
    const { graph, edges } = await linkTexts({
      'repo.ts': 'export class Repo { save(): void {} }\n',
      'cast.ts':
        "import { Repo } from './repo';\nexport function run(x: unknown) {\n  const repo = <Repo>x;\n  repo.save();\n}\n",
      'view.tsx':
        "import { run } from './cast';\nexport function Button() {\n  return <button onClick={run}>Run</button>;\n}\n",
    });
    // The handler goes to the DOM element (library code), which calls it back: Button -> <button> -> run.
    expect(edges).toEqual([
      'cast.ts#run -> repo.ts#Repo.save [method] :4',
      'view.tsx#Button -> <external>#<button>@view.tsx:3:11 [external] :3',
      '<external>#<button>@view.tsx:3:11 -> cast.ts#run [callback] :3',
    ]);
    expect(graph.symbols.map((symbol) => symbol.id)).toContain('view.tsx#Button');
  });

  it('reads legacy CommonJS that only parses as a script', async () => {
    const { edges } = await linkTexts({
      'legacy.js':
        'var scope = {};\nwith (scope) { }\nfunction helper() { return 010; }\nfunction main() { helper(); }\nmodule.exports = main;\n',
      'use.cjs': "const main = require('./legacy');\nfunction start() { main(); }\n",
    });
    expect(edges).toEqual([
      'legacy.js#main -> legacy.js#helper [direct] :4',
      'use.cjs#start -> legacy.js#main [direct] :2',
    ]);
  });

  it('keeps a file that cannot be parsed as a module symbol, without failing the others', async () => {
    const broken = sourceFile(root, 'broken.ts', 'export function (((( {\n');
    const facts = ecmascriptAdapter.extract(broken);
    expect(facts.err).toBeDefined();
    const { graph } = await linkTexts({
      'broken.ts': broken.text,
      'fine.ts': 'export function ok() { ok(); }\n',
    });
    expect(
      graph.symbols.filter((symbol) => symbol.file === 'broken.ts').map((symbol) => symbol.kind),
    ).toEqual(['module']);
    expect(graph.edges.map(formatEdge)).toEqual(['fine.ts#ok -> fine.ts#ok [direct] :1']);
  });

  it('re-extracts facts that are not valid facts of this version (a stale or corrupt cache)', async () => {
    const texts = {
      'a.ts': "import { b } from './b';\nexport function a() { b(); }\n",
      'b.ts': 'export function b() {}\n',
    };
    const stale = (file: SourceFile) =>
      file.path === 'a.ts' ? { v: 'ecmascript-facts-0', calls: 'nope' } : ecmascriptAdapter.extract(file);
    const { edges } = await linkTexts(texts, stale);
    expect(edges).toEqual(['a.ts#a -> b.ts#b [direct] :2']);
  });
});
