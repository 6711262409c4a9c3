// Output formats (code intelligence): the public JSON of symbols, paths and graphs, and their text, Mermaid
// and Graphviz renderings. Pure functions of the public shapes.
import { compareSites, compareSymbols, type GraphView } from './graph.js';
import type { CodeSymbol } from './model.js';
import type { CallPath } from './paths.js';
import type { GraphJson, Hop, IndexStats, PublicSymbol, TraceResult } from './service.js';

export const traceFormats = ['text', 'json', 'mermaid', 'dot'] as const;
export type TraceFormat = (typeof traceFormats)[number];
export const graphFormats = ['json', 'dot'] as const;
export type GraphFormat = (typeof graphFormats)[number];

export function publicSymbol(symbol: CodeSymbol): PublicSymbol {
  return {
    name: symbol.name,
    qualified_name: symbol.qualified_name,
    kind: symbol.kind,
    file: symbol.file,
    line: symbol.line,
  };
}

export function hopsOf(path: CallPath): Hop[] {
  return path.steps.map(({ symbol, edge }) => ({
    ...publicSymbol(symbol),
    call: edge
      ? { file: edge.call.file, line: edge.call.line, column: edge.call.column, text: edge.call.text }
      : null,
    edge: edge ? edge.kind : null,
  }));
}

export function graphJson(graph: GraphView): GraphJson {
  const symbols = [...graph.symbols()].sort(compareSymbols);
  const edges = [...graph.edges()].sort((a, b) =>
    a.from < b.from ? -1 : a.from > b.from ? 1 : compareSites(a.call, b.call),
  );
  return {
    symbols: symbols.map((symbol) => ({ id: symbol.id, ...publicSymbol(symbol) })),
    edges: edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      call: { file: edge.call.file, line: edge.call.line, column: edge.call.column },
      edge: edge.kind,
    })),
  };
}

export function formatStats(stats: IndexStats): string {
  return (
    `${stats.files} files, ${stats.symbols} symbols, ${stats.edges} calls indexed in ${stats.index_ms} ms ` +
    `(cache ${stats.cache})`
  );
}

const at = (place: { file: string; line: number }): string => `${place.file}:${place.line}`;

/**
 * How text output shows a path (relative to the indexed directory) with a line and column: as is by default; the
 * CLI passes one that makes it relative to the current folder and a hyperlink on terminals that support them.
 */
export type ShowPath = (file: string, line?: number, column?: number) => string;
const asIndexed: ShowPath = (file, line, column) =>
  `${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}`;

function textOfHops(hops: readonly Hop[], show: ShowPath): string[] {
  const lines: string[] = [];
  hops.forEach((hop, i) => {
    lines.push(`  ${i + 1}. ${hop.qualified_name}  ${show(hop.file, hop.line)}`);
    if (hop.call) {
      lines.push(
        `     ↳ ${show(hop.call.file, hop.call.line, hop.call.column)}  ${hop.call.text}  [${hop.edge ?? 'call'}]`,
      );
    }
  });
  return lines;
}

function textOfCandidates(label: string, candidates: readonly PublicSymbol[], show: ShowPath): string[] {
  if (candidates.length <= 1) return [];
  return [
    `${label} candidates:`,
    ...candidates.map((c) => `  - ${c.qualified_name}  ${show(c.file, c.line)}  (${c.kind})`),
  ];
}

/** A header line, each path's hops with the calls between them, notes, and the index statistics. */
export function formatTraceText(result: TraceResult, show: ShowPath = asIndexed): string {
  const lines: string[] = [];
  const ends = `${result.from?.qualified_name ?? '?'} → ${result.to?.qualified_name ?? '?'}`;
  if (result.status === 'found') {
    const count = result.paths.length;
    lines.push(`${ends}: ${count} call path${count === 1 ? '' : 's'}`);
    result.paths.forEach((path, i) => {
      // Counted in calls, as --max-depth is: a path through 4 functions makes 3 calls.
      const calls = path.hops.length - 1;
      if (count > 1) lines.push(`path ${i + 1} (${calls} call${calls === 1 ? '' : 's'})`);
      lines.push(...textOfHops(path.hops, show));
    });
  } else if (result.status === 'ambiguous') {
    lines.push('ambiguous: an endpoint names several symbols; the notes say how to name each alone');
    lines.push(
      ...textOfCandidates('from', result.candidates.from, show),
      ...textOfCandidates('to', result.candidates.to, show),
    );
  } else {
    lines.push(result.from && result.to ? `${ends}: no call path` : 'no call path: a symbol was not found');
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push(formatStats(result.stats));
  return `${lines.join('\n')}\n`;
}

/** Mermaid text needs `#`, `;`, `<` and `>` as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[#;<>]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\s+/g, ' ');
}

const hopKey = (hop: PublicSymbol): string => `${hop.file}#${hop.qualified_name}:${hop.line}`;

/** A sequenceDiagram: one participant per symbol on the paths, one arrow per call; several paths as alternatives. */
export function formatTraceMermaid(result: TraceResult): string {
  const lines = ['sequenceDiagram'];
  const ids = new Map<string, string>();
  for (const path of result.paths) {
    for (const hop of path.hops) {
      if (ids.has(hopKey(hop))) continue;
      const id = `p${ids.size + 1}`;
      ids.set(hopKey(hop), id);
      lines.push(`  participant ${id} as ${mermaidText(`${hop.qualified_name} (${at(hop)})`)}`);
    }
  }
  if (result.paths.length === 0) {
    lines.push('  participant trace');
    lines.push(`  Note over trace: ${mermaidText([result.status, ...result.notes].join(' / '))}`);
  }
  result.paths.forEach((path, i) => {
    const several = result.paths.length > 1;
    if (several) lines.push(`  ${i === 0 ? 'alt' : 'else'} path ${i + 1}`);
    for (let h = 1; h < path.hops.length; h++) {
      const caller = ids.get(hopKey(path.hops[h - 1]!))!;
      const hop = path.hops[h]!;
      const label = hop.call ? `${hop.call.text} · ${at(hop.call)}` : hop.qualified_name;
      const arrow = hop.edge === 'heuristic' ? '-->>' : '->>';
      lines.push(`  ${several ? '  ' : ''}${caller}${arrow}${ids.get(hopKey(hop))!}: ${mermaidText(label)}`);
    }
    if (several && i === result.paths.length - 1) lines.push('  end');
  });
  return `${lines.join('\n')}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A digraph of the paths' hops; heuristic calls dashed. */
export function formatTraceDot(result: TraceResult): string {
  const lines = ['digraph trace {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const path of result.paths) {
    path.hops.forEach((hop, i) => {
      const key = hopKey(hop);
      if (!nodes.has(key)) {
        nodes.add(key);
        lines.push(`  ${dotString(key)} [label=${dotString(`${hop.qualified_name}\n${at(hop)}`)}];`);
      }
      const previous = path.hops[i - 1];
      if (!previous || !hop.call) return;
      const line = `  ${dotString(hopKey(previous))} -> ${dotString(key)} [label=${dotString(
        `${hop.call.text}\n${at(hop.call)}`,
      )}${hop.edge === 'heuristic' ? ', style=dashed' : ''}];`;
      if (!edges.has(line)) {
        edges.add(line);
        lines.push(line);
      }
    });
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function formatTrace(result: TraceResult, format: TraceFormat, show?: ShowPath): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'mermaid':
      return formatTraceMermaid(result);
    case 'dot':
      return formatTraceDot(result);
    default:
      return formatTraceText(result, show);
  }
}

/** The whole call graph as a digraph, one cluster per file; heuristic calls dashed. */
export function formatGraphDot(graph: GraphJson): string {
  const lines = ['digraph calls {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  const byFile = new Map<string, GraphJson['symbols']>();
  for (const symbol of graph.symbols) byFile.set(symbol.file, [...(byFile.get(symbol.file) ?? []), symbol]);
  let cluster = 0;
  for (const [file, symbols] of byFile) {
    lines.push(`  subgraph cluster_${cluster++} {`, `    label=${dotString(file)};`);
    for (const symbol of symbols) {
      lines.push(
        `    ${dotString(symbol.id)} [label=${dotString(`${symbol.qualified_name}\n:${symbol.line}`)}];`,
      );
    }
    lines.push('  }');
  }
  for (const edge of graph.edges) {
    const style = edge.edge === 'heuristic' ? ', style=dashed' : '';
    lines.push(
      `  ${dotString(edge.from)} -> ${dotString(edge.to)} [label=${dotString(`${edge.edge} ${at(edge.call)}`)}${style}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function formatGraph(graph: GraphJson, format: GraphFormat): string {
  return format === 'dot' ? formatGraphDot(graph) : `${JSON.stringify(graph, null, 2)}\n`;
}
