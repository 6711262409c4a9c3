// Rule selectors (`office check`): which symbols of the call graph a rule's `from`, `to`, `via`, `except` or
// `through` text names. `office trace`'s endpoint forms mean exactly what they mean there; `*` in a name and file
// globs add sets of symbols.
import picomatch from 'picomatch';
import { fileMatches, matchEndpoint, notFoundNote, parseEndpoint } from '../code/endpoints.js';
import type { GraphView } from '../code/graph.js';
import type { CodeSymbol } from '../code/model.js';

const GLOB_CHARS = /[*?[\]{}!]/;
const MODULE_NAME = '<module>';

/** What one selector text matches: a symbol test, or an endpoint handed to the trace resolver as it is. */
type Matcher =
  | { readonly type: 'endpoint'; readonly raw: string }
  | { readonly type: 'test'; readonly test: (symbol: CodeSymbol) => boolean; readonly describe: string };

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

/** A file part: a glob over the whole path relative to the indexed folder, or a path (suffix) as trace takes it. */
function fileTest(raw: string): (file: string) => boolean {
  const path = normalisePath(raw);
  if (GLOB_CHARS.test(path)) {
    const isMatch = picomatch(path, { dot: true });
    return (file) => file !== '' && isMatch(file);
  }
  // A folder selects the files below it; a file selects itself (with or without its extension, as in trace).
  return (file) =>
    file !== '' && (fileMatches(file, path) || file.startsWith(`${path}/`) || file.includes(`/${path}/`));
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
    if (trimmed.includes('/')) {
      // A path or glob alone: every symbol of those files, their top-level code (`<module>`) included.
      const inFile = fileTest(trimmed);
      return {
        type: 'test',
        test: (symbol) => inFile(symbol.file),
        describe: `no indexed file matches "${text}"`,
      };
    }
    if (!trimmed.includes('*')) return { type: 'endpoint', raw: trimmed };
    return { type: 'test', test: nameTest(trimmed), describe: `no symbol matches "${text}"` };
  }
  const filePart = trimmed.slice(0, colon);
  const namePart = trimmed.slice(colon + 1);
  if (!GLOB_CHARS.test(filePart) && !namePart.includes('*')) return { type: 'endpoint', raw: trimmed };
  const inFile = fileTest(filePart);
  const named = nameTest(namePart);
  return {
    type: 'test',
    test: (symbol) => inFile(symbol.file) && named(symbol),
    describe: `no symbol matches "${text}"`,
  };
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
  const symbols = [...graph.symbols()].filter(matcher.test);
  if (symbols.length > 0) return { type: 'matched', symbols };
  return { type: 'empty', reason: matcher.describe };
}
