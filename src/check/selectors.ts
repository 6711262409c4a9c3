// Rule selectors (`office check`): which symbols of the call graph a rule's `from`, `to`, `via`, `except` or
// `through` text names. `office trace`'s endpoint forms mean exactly what they mean there; `*` in a name and file
// globs add sets of symbols.
import picomatch from 'picomatch';
import { fileMatches, matchEndpoint, notFoundNote, parseEndpoint } from '../code/endpoints.js';
import { compareSymbols, type GraphView } from '../code/graph.js';
import type { CodeSymbol } from '../code/model.js';

const GLOB_CHARS = /[*?[\]{}!]/;
const MODULE_NAME = '<module>';

/** What one selector text matches: an endpoint handed to the trace resolver as it is, or a file part and a name part. */
type Matcher =
  | { readonly type: 'endpoint'; readonly raw: string }
  | {
      readonly type: 'pattern';
      readonly file?: string;
      readonly name?: (symbol: CodeSymbol) => boolean;
      readonly empty: string;
    };

/** The symbols one selector matches, or why it matches none. */
export type SelectorMatch =
  | { readonly type: 'matched'; readonly symbols: readonly CodeSymbol[] }
  | { readonly type: 'empty'; readonly reason: string };

function normalisePath(path: string): string {
  return path
    .trim()
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}

/**
 * The files a file part names: a glob matches whole paths from the indexed folder; a path is compared by whole
 * segments as trace compares it — the file or folder at exactly that path when there is one, else every file or
 * folder whose last segments are those — and may leave out a file's extension.
 */
function filesSelected(raw: string, files: readonly string[]): Set<string> {
  const path = normalisePath(raw);
  if (GLOB_CHARS.test(path)) {
    const isMatch = picomatch(path, { dot: true });
    return new Set(files.filter((file) => isMatch(file)));
  }
  const exact = files.filter((file) => fileMatches(file, path, false) || file.startsWith(`${path}/`));
  if (exact.length > 0) return new Set(exact);
  return new Set(files.filter((file) => fileMatches(file, path) || file.includes(`/${path}/`)));
}

/** A name part with `*` wildcards, matched as trace matches names: dotted against qualified names (or a suffix). */
function nameTest(pattern: string): (symbol: CodeSymbol) => boolean {
  if (pattern === MODULE_NAME) return (symbol) => symbol.kind === 'module';
  const segment = (text: string) =>
    text
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]*');
  if (pattern.includes('.')) {
    const re = new RegExp(`(?:^|\\.)${segment(pattern)}$`);
    return (symbol) => symbol.kind !== 'module' && re.test(symbol.qualified_name);
  }
  const re = new RegExp(`^${segment(pattern)}$`);
  return (symbol) => symbol.kind !== 'module' && re.test(symbol.name);
}

function matcherOf(text: string): Matcher {
  const trimmed = text.trim();
  const colon = trimmed.lastIndexOf(':');
  if (colon < 0) {
    // A path or glob alone: every symbol of those files, their top-level code (`<module>`) included.
    if (trimmed.includes('/'))
      return { type: 'pattern', file: trimmed, empty: `no indexed file matches "${text}"` };
    if (!trimmed.includes('*')) return { type: 'endpoint', raw: trimmed };
    return { type: 'pattern', name: nameTest(trimmed), empty: `no symbol matches "${text}"` };
  }
  const filePart = trimmed.slice(0, colon);
  const namePart = trimmed.slice(colon + 1);
  if (!GLOB_CHARS.test(filePart) && !namePart.includes('*')) return { type: 'endpoint', raw: trimmed };
  return { type: 'pattern', file: filePart, name: nameTest(namePart), empty: `no symbol matches "${text}"` };
}

/** The symbols `text` selects in `graph` (file, line order), or why none. */
export function matchSelector(graph: GraphView, text: string): SelectorMatch {
  const matcher = matcherOf(text);
  if (matcher.type === 'endpoint') {
    const endpoint = parseEndpoint(matcher.raw);
    const symbols = matchEndpoint(graph, endpoint);
    return symbols.length > 0
      ? { type: 'matched', symbols }
      : { type: 'empty', reason: notFoundNote(graph, endpoint) };
  }
  let symbols = [...graph.symbols()];
  if (matcher.file !== undefined) {
    // Library code (an `external` hop) has no file, so no file part selects it.
    const files = filesSelected(matcher.file, [
      ...new Set(symbols.map((s) => s.file).filter((f) => f !== '')),
    ]);
    symbols = symbols.filter((symbol) => files.has(symbol.file));
  }
  if (matcher.name) symbols = symbols.filter(matcher.name);
  if (symbols.length === 0) return { type: 'empty', reason: matcher.empty };
  return { type: 'matched', symbols: symbols.sort(compareSymbols) };
}
