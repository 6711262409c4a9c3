// Test helper: runs a tree-sitter adapter over a fixture directory through the adapter seam (extract then link)
// and renders edges as `from -> to (kind) @line` strings a reader can check against the fixture.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type {
  CallEdge,
  CodeSymbol,
  LanguageAdapter,
  LinkedGraph,
  SourceFile,
} from '../../../src/code/model.js';

export const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures');

async function filesUnder(dir: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && extensions.some((ext) => e.name.endsWith(ext)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export interface LinkedFixture {
  readonly graph: LinkedGraph;
  readonly symbols: ReadonlyMap<string, CodeSymbol>;
  /** Every edge as `from.qualified_name -> to.qualified_name (kind) @line`. */
  readonly edges: readonly string[];
  /** The symbol with this qualified name in this file. */
  symbol(file: string, qualifiedName: string): CodeSymbol | undefined;
}

export function sourceFile(path: string, text: string): SourceFile {
  return { path, absPath: `/nowhere/${path}`, text, hash: createHash('sha256').update(text).digest('hex') };
}

export async function linkDirectory<F>(adapter: LanguageAdapter<F>, root: string): Promise<LinkedFixture> {
  const paths = await filesUnder(root, adapter.extensions);
  const files = await Promise.all(
    paths.map(async (absPath) => {
      const text = await readFile(absPath, 'utf8');
      const file: SourceFile = {
        path: relative(root, absPath).split(sep).join('/'),
        absPath,
        text,
        hash: createHash('sha256').update(text).digest('hex'),
      };
      // Facts go through JSON as they do through the cache.
      const facts = JSON.parse(JSON.stringify(adapter.extract(file))) as F;
      return { file, facts };
    }),
  );
  const graph = await adapter.link(files, {
    root,
    readText: (path) => files.find((f) => f.file.path === path)?.file.text ?? '',
  });
  const symbols = new Map(graph.symbols.map((s) => [s.id, s]));
  const render = (e: CallEdge) =>
    `${symbols.get(e.from)?.qualified_name} -> ${symbols.get(e.to)?.qualified_name} (${e.kind}) @${e.call.line}`;
  return {
    graph,
    symbols,
    edges: graph.edges.map(render),
    symbol: (file, qualifiedName) =>
      graph.symbols.find((s) => s.file === file && s.qualified_name === qualifiedName),
  };
}
