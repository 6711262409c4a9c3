// Output for editors (code intelligence): `file:line:column:text` lines, the format of ripgrep's --vimgrep that
// vim's :cexpr / :cgetexpr, Emacs' grep-mode and VS Code's problem matchers read. One line per hop of a call path
// and per call site of callers/callees. Pure functions of the public shapes; paths go through the caller's view.
import type { ShowPath } from './format.js';
import type { CallTreeNode, Hop, NeighboursResult, PublicSymbol, TraceResult } from './service.js';

/** One line of text: a call's code may span lines, and a line break would start a new entry. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * A declaration's place. office records the line a symbol is declared on, not its column: column 1 stands in
 * (the format needs one, and an editor then opens the line).
 */
function declaredAt(symbol: PublicSymbol, show: ShowPath): string {
  return show(symbol.file, symbol.line, 1);
}

const heuristicMark = (edge: string | null): string => (edge === 'heuristic' ? ' (by name only)' : '');

function hopLines(hops: readonly Hop[], show: ShowPath): string[] {
  return hops.map((hop, i) => {
    const previous = hops[i - 1];
    if (!hop.call || !previous) return `${declaredAt(hop, show)}:${hop.qualified_name}`;
    const { file, line, column, text } = hop.call;
    return `${show(file, line, column)}:${previous.qualified_name} → ${hop.qualified_name}${heuristicMark(hop.edge)}: ${oneLine(text)}`;
  });
}

function candidateLines(label: string, candidates: readonly PublicSymbol[], show: ShowPath): string[] {
  if (candidates.length <= 1) return [];
  return candidates.map((c) => `${declaredAt(c, show)}:${label} candidate ${c.qualified_name} (${c.kind})`);
}

/** Never the same line twice: paths share their first hops, and an editor's list needs each place once. */
function unique(lines: readonly string[]): string {
  const seen = [...new Set(lines)];
  return seen.length > 0 ? `${seen.join('\n')}\n` : '';
}

/**
 * A trace: per path, the start's declaration, then each call on the way (at the call site, naming caller and
 * callee, with its code). Ambiguous: each candidate's declaration. Not found: nothing (the notes say why).
 */
export function formatTraceVimgrep(result: TraceResult, show: ShowPath): string {
  if (result.status === 'ambiguous') {
    return unique([
      ...candidateLines('from', result.candidates.from, show),
      ...candidateLines('to', result.candidates.to, show),
    ]);
  }
  return unique(result.paths.flatMap((path) => hopLines(path.hops, show)));
}

/** Callers or callees: one line per call site, naming caller and callee, with its code. */
export function formatNeighboursVimgrep(result: NeighboursResult, show: ShowPath): string {
  if (result.status === 'ambiguous') return unique(candidateLines('symbol', result.candidates, show));
  const symbol = result.symbol;
  if (result.status !== 'found' || !symbol) return '';
  // A tree (callers of callers, to --depth): every call site of every link, walked depth first.
  if (result.tree) {
    const lines: string[] = [];
    const walk = (parent: CallTreeNode): void => {
      for (const child of parent.children) {
        const [caller, callee] = result.direction === 'callers' ? [child, parent] : [parent, child];
        for (const site of child.calls)
          lines.push(
            `${show(site.file, site.line, site.column)}:${caller.qualified_name} → ${callee.qualified_name}${heuristicMark(site.edge)}: ${oneLine(site.text)}`,
          );
        walk(child);
      }
    };
    walk(result.tree);
    return unique(lines);
  }
  return unique(
    result.calls.map(({ symbol: other, call, edge }) => {
      const [caller, callee] = result.direction === 'callers' ? [other, symbol] : [symbol, other];
      return `${show(call.file, call.line, call.column)}:${caller.qualified_name} → ${callee.qualified_name}${heuristicMark(edge)}: ${oneLine(call.text)}`;
    }),
  );
}
