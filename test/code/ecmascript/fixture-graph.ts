// Test helper: links a fixture project through the JS/TS adapter's public seam and formats edges for assertions.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecmascriptAdapter } from '../../../src/code/ecmascript/index.js';
import type { CallEdge, CodeSymbol, LinkedGraph, SourceFile } from '../../../src/code/model.js';

export const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function sourceFile(
  root: string,
  path: string,
  text = readFileSync(join(root, path), 'utf8'),
): SourceFile {
  return { path, absPath: join(root, path), text, hash: createHash('sha256').update(text).digest('hex') };
}

/** Every file of a fixture the adapter reads, as the indexer would hand it over. */
export function fixtureFiles(name: string): SourceFile[] {
  const root = join(fixturesDir, name);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split('\\').join('/'))
    .filter(
      (path) => ecmascriptAdapter.extensions.some((ext) => path.endsWith(ext)) && !/\.d\.[mc]?ts$/.test(path),
    )
    .sort()
    .map((path) => sourceFile(root, path));
}

export interface FixtureGraph {
  readonly root: string;
  readonly files: SourceFile[];
  readonly graph: LinkedGraph;
  /** Every edge as `from-id -> to-id [kind] :line`. */
  edges(): string[];
  /** Edges among `edges` as above. */
  format(edges: readonly CallEdge[]): string[];
  symbol(id: string): CodeSymbol;
  /** The 1-based line of the first line of `path` containing `snippet`. */
  lineOf(path: string, snippet: string): number;
}

export function formatEdge(edge: CallEdge): string {
  return `${edge.from} -> ${edge.to} [${edge.kind}] :${edge.call.line}`;
}

export async function linkFixture(name: string): Promise<FixtureGraph> {
  const root = join(fixturesDir, name);
  const files = fixtureFiles(name);
  const inputs = files.map((file) => ({ file, facts: ecmascriptAdapter.extract(file) }));
  const graph = await ecmascriptAdapter.link(inputs, {
    root,
    readText: (path) => readFileSync(join(root, path), 'utf8'),
  });
  return {
    root,
    files,
    graph,
    edges: () => graph.edges.map(formatEdge),
    format: (edges) => edges.map(formatEdge),
    symbol(id) {
      const found = graph.symbols.find((symbol) => symbol.id === id);
      if (!found) throw new Error(`no symbol ${id}; symbols: ${graph.symbols.map((s) => s.id).join(', ')}`);
      return found;
    },
    lineOf(path, snippet) {
      const file = files.find((candidate) => candidate.path === path);
      const index = file?.text.split('\n').findIndex((line) => line.includes(snippet)) ?? -1;
      if (index < 0) throw new Error(`"${snippet}" is not in ${path}`);
      return index + 1;
    },
  };
}
