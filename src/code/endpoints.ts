// Endpoint resolution (code intelligence): what `checkout`, `Class.method`, `src/a.ts:name` or `src/a.ts:42` names
// in an index, the shortest form that names one symbol alone, and which pair of candidates a trace answers.
import { UsageError } from '../errors.js';
import { compareSymbols, type GraphView } from './graph.js';
import type { CodeSymbol } from './model.js';

export interface Endpoint {
  /** As the user wrote it. */
  readonly raw: string;
  /** Relative path or path suffix, forward slashes, when given as `path:name`. */
  readonly file?: string;
  /** `name`, `Class.method` or `outer.inner`; for a line endpoint, the line as written. */
  readonly name: string;
  /** `path/file.ts:LINE`: the innermost symbol whose body holds this 1-based line. */
  readonly line?: number;
}

const MODULE_NAME = '<module>';

/** Splits `path/file.ts:Class.method` (or `path/file.ts:LINE`) into its file and name; a bare name has no file. */
export function parseEndpoint(raw: string): Endpoint {
  const text = raw.trim();
  const colon = text.lastIndexOf(':');
  const name = (colon >= 0 ? text.slice(colon + 1) : text).trim();
  const file = colon >= 0 ? normaliseFile(text.slice(0, colon)) : undefined;
  if (name === '' || file === '') {
    throw new UsageError(
      `"${raw}" does not name a symbol; write name, Class.method, path/file.ts:name, path/file.ts:Class.method ` +
        'or path/file.ts:LINE.',
    );
  }
  if (file === undefined) return { raw, name };
  const line = /^\d+$/.test(name) ? Number(name) : undefined;
  return line !== undefined && line >= 1 ? { raw, file, name, line } : { raw, file, name };
}

function normaliseFile(file: string): string {
  return file
    .trim()
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '');
}

function withoutExtension(file: string): string {
  const slash = file.lastIndexOf('/');
  const dot = file.lastIndexOf('.');
  return dot > slash + 1 ? file.slice(0, dot) : file;
}

/**
 * True when `file` (relative to the indexed dir) is `wanted` compared segment by segment: the same path, or, when
 * `suffix`, the same last segments; either may leave out the extension.
 */
export function fileMatches(file: string, wanted: string, suffix = true): boolean {
  const bare = withoutExtension(file);
  if (file === wanted || bare === wanted) return true;
  return suffix && (file.endsWith(`/${wanted}`) || bare.endsWith(`/${wanted}`));
}

/**
 * The indexed files an endpoint's file part names: the file at exactly that path when there is one (so that
 * `esm/x.js` is not also `lib/esm/x.js`), else every file whose last segments are those of the path.
 */
export function filesNamed(files: Iterable<string>, wanted: string): Set<string> {
  const all = [...new Set(files)];
  const exact = all.filter((file) => fileMatches(file, wanted, false));
  return new Set(exact.length > 0 ? exact : all.filter((file) => fileMatches(file, wanted)));
}

function nameMatches(symbol: CodeSymbol, name: string): boolean {
  if (name === MODULE_NAME) return symbol.kind === 'module';
  if (symbol.kind === 'module') return false;
  if (name.includes('.')) {
    return symbol.qualified_name === name || symbol.qualified_name.endsWith(`.${name}`);
  }
  return symbol.name === name;
}

/** Of a file's symbols, the innermost whose lines hold `line` (a module symbol only when nothing else does). */
function innermostAt(symbols: readonly CodeSymbol[], line: number): CodeSymbol | undefined {
  const holding = symbols.filter((s) => s.line <= line && line <= s.end_line);
  const inner = holding.filter((s) => s.kind !== 'module');
  const pool = inner.length > 0 ? inner : holding;
  // Latest start first (then rightmost): a nested symbol starts after, or on the same line right of, its parent.
  return pool.sort((a, b) => b.line - a.line || b.column - a.column || a.end_line - b.end_line)[0];
}

/** Every symbol the endpoint names, in file and line order. */
export function matchEndpoint(graph: GraphView, endpoint: Endpoint): CodeSymbol[] {
  if (endpoint.file !== undefined) {
    const files = [...filesNamed(graph.symbolFiles(), endpoint.file)];
    if (endpoint.line !== undefined) {
      const line = endpoint.line;
      return files.flatMap((file) => innermostAt(graph.symbolsInFile(file), line) ?? []).sort(compareSymbols);
    }
    return files
      .flatMap((file) => graph.symbolsInFile(file).filter((symbol) => nameMatches(symbol, endpoint.name)))
      .sort(compareSymbols);
  }
  return symbolsMatching(graph, endpoint.name).sort(compareSymbols);
}

/**
 * Symbols a name alone matches, looked up by their last name segment; a whole scan only for `<module>` and for a
 * name no symbol ends with (a computed member, `Class[Symbol.iterator]`).
 */
function symbolsMatching(graph: GraphView, name: string): CodeSymbol[] {
  const scan = (): CodeSymbol[] => [...graph.symbols()].filter((symbol) => nameMatches(symbol, name));
  if (name === MODULE_NAME) return scan();
  const found = graph.symbolsNamed(name.slice(name.lastIndexOf('.') + 1)).filter((s) => nameMatches(s, name));
  return found.length > 0 || !name.includes('.') ? found : scan();
}

/**
 * The shortest endpoint that names `symbol` alone in `graph`: its name or `Class.method` when that is unique
 * (candidates sharing a file differ there), else the fewest trailing path segments before it, else `path:LINE`.
 */
export function uniqueEndpoint(graph: GraphView, symbol: CodeSymbol): string {
  const only = (text: string): boolean => {
    const matches = matchEndpoint(graph, parseEndpoint(text));
    return matches.length === 1 && matches[0]!.id === symbol.id;
  };
  const name = symbol.kind === 'module' ? MODULE_NAME : symbol.qualified_name;
  if (symbol.kind !== 'module' && only(name)) return name;
  const segments = symbol.file.split('/');
  for (let n = 1; n <= segments.length; n++) {
    const text = `${segments.slice(-n).join('/')}:${name}`;
    if (only(text)) return text;
  }
  const atLine = `${symbol.file}:${symbol.line}`;
  return only(atLine) ? atLine : `${symbol.file}:${name}`;
}

/** "write X as one of: a, b": the forms that name each candidate alone. */
export function qualifyHint(graph: GraphView, written: string, candidates: readonly CodeSymbol[]): string {
  return `write "${written}" as one of: ${candidates.map((c) => uniqueEndpoint(graph, c)).join(', ')}`;
}

/**
 * A note for an endpoint that matched nothing: the closest names (edit distance over names and qualified
 * names, within the endpoint's file when that file exists), or the closest files when the file is unknown.
 */
export function notFoundNote(graph: GraphView, endpoint: Endpoint, limit = 5): string {
  const symbols = [...graph.symbols()];
  if (endpoint.file !== undefined) {
    const files = filesNamed(
      symbols.map((s) => s.file),
      endpoint.file,
    );
    const inFile = symbols.filter((s) => files.has(s.file));
    if (inFile.length === 0) {
      const files = closest(endpoint.file, new Set(symbols.map((s) => s.file)), limit);
      return `no indexed file matches "${endpoint.file}"${files.length ? `; closest files: ${files.join(', ')}` : ''}`;
    }
    if (endpoint.line !== undefined) {
      return `no function, method or class of ${endpoint.file} holds line ${endpoint.line}`;
    }
    const names = closest(endpoint.name, namePool(inFile), limit);
    return `no symbol "${endpoint.name}" in ${endpoint.file}${names.length ? `; closest: ${names.join(', ')}` : ''}`;
  }
  const names = closest(endpoint.name, namePool(symbols), limit);
  return `no symbol "${endpoint.name}"${names.length ? `; closest: ${names.join(', ')}` : ''}`;
}

/** The closest names to `query` in the index, for find_symbol's suggestions. */
export function closestNames(graph: GraphView, query: string, limit = 5): string[] {
  return closest(query, namePool(graph.symbols()), limit);
}

function namePool(symbols: Iterable<CodeSymbol>): Set<string> {
  const pool = new Set<string>();
  for (const symbol of symbols) {
    if (symbol.kind === 'module') continue;
    pool.add(symbol.name);
    pool.add(symbol.qualified_name);
  }
  return pool;
}

function closest(query: string, pool: Iterable<string>, limit: number): string[] {
  const q = query.toLowerCase();
  const scored: { text: string; distance: number }[] = [];
  for (const text of pool) scored.push({ text, distance: editDistance(q, text.toLowerCase()) });
  scored.sort((a, b) => a.distance - b.distance || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  // Past half the query's length a "suggestion" is noise.
  const cutoff = Math.max(2, Math.ceil(q.length / 2));
  return scored
    .filter((s) => s.distance <= cutoff)
    .slice(0, limit)
    .map((s) => s.text);
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Which (from, to) pair a trace answers, decided from the candidates and which pairs connect. */
export type PairChoice<P> =
  | {
      readonly type: 'found';
      readonly from: CodeSymbol;
      readonly to: CodeSymbol;
      readonly paths: P[];
      readonly note?: string;
    }
  | { readonly type: 'not_connected'; readonly from: CodeSymbol; readonly to: CodeSymbol }
  | { readonly type: 'ambiguous'; readonly connecting: ReadonlyArray<readonly [CodeSymbol, CodeSymbol]> };

export function describeSymbol(symbol: CodeSymbol): string {
  return `${symbol.qualified_name} (${symbol.file}:${symbol.line})`;
}

/**
 * Tries every (from, to) pair: a unique pair answers whether or not it connects; among several, exactly one
 * connecting pair answers with a note naming the choice, and several or none is ambiguous.
 */
export function choosePair<P>(
  fromCandidates: readonly CodeSymbol[],
  toCandidates: readonly CodeSymbol[],
  connect: (from: CodeSymbol, to: CodeSymbol) => P[],
): PairChoice<P> {
  const connecting: { from: CodeSymbol; to: CodeSymbol; paths: P[] }[] = [];
  for (const from of fromCandidates) {
    for (const to of toCandidates) {
      const paths = connect(from, to);
      if (paths.length > 0) connecting.push({ from, to, paths });
    }
  }
  const unique = fromCandidates.length === 1 && toCandidates.length === 1;
  if (unique) {
    const [only] = connecting;
    return only
      ? { type: 'found', ...only }
      : { type: 'not_connected', from: fromCandidates[0]!, to: toCandidates[0]! };
  }
  if (connecting.length === 1) {
    const only = connecting[0]!;
    return {
      type: 'found',
      ...only,
      note:
        `${fromCandidates.length * toCandidates.length} candidate pairs; only ${describeSymbol(only.from)} ` +
        `reaches ${describeSymbol(only.to)}`,
    };
  }
  return { type: 'ambiguous', connecting: connecting.map((c) => [c.from, c.to] as const) };
}
