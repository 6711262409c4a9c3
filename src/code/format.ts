// Output formats (code intelligence): the public JSON of symbols, paths and graphs, and their text, Mermaid
// and Graphviz renderings. Pure functions of the public shapes.
import { compareSites, compareSymbols, type GraphView } from './graph.js';
import { type CallEdge, type CodeSymbol, edgeCost } from './model.js';
import type { CallPath } from './paths.js';
import type { GraphJson, Hop, IndexStats, PublicSite, PublicSymbol, TraceResult } from './service.js';

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

const siteOf = (edge: CallEdge): PublicSite => ({
  file: edge.call.file,
  line: edge.call.line,
  column: edge.call.column,
  text: edge.call.text,
  edge: edge.kind,
});

/** Most precise first, then by place. */
export function compareEdges(a: CallEdge, b: CallEdge): number {
  return edgeCost(a.kind) - edgeCost(b.kind) || compareSites(a.call, b.call);
}

/**
 * Every call site of `edges` (the calls between one pair of symbols), the most precise and earliest first; `first`,
 * when given (the call a path went through), leads.
 */
export function sitesOf(edges: readonly CallEdge[], first?: CallEdge): PublicSite[] {
  const rest = edges.filter((edge) => !first || compareSites(edge.call, first.call) !== 0).sort(compareEdges);
  return (first ? [first, ...rest] : rest).map(siteOf);
}

/**
 * The hops of a path; with the graph, each hop also lists in `calls` every call site from the hop before it (the
 * path's own call first).
 */
export function hopsOf(path: CallPath, graph?: GraphView): Hop[] {
  return path.steps.map(({ symbol, edge }) => ({
    ...publicSymbol(symbol),
    call: edge
      ? { file: edge.call.file, line: edge.call.line, column: edge.call.column, text: edge.call.text }
      : null,
    edge: edge ? edge.kind : null,
    ...(graph
      ? {
          calls: edge
            ? sitesOf(
                graph.outgoing(edge.from).filter((other) => other.to === edge.to),
                edge,
              )
            : [],
        }
      : {}),
  }));
}

export function graphJson(graph: GraphView): GraphJson {
  const symbols = [...graph.symbols()].sort(compareSymbols);
  const edges = [...graph.edges()].sort((a, b) =>
    a.from < b.from ? -1 : a.from > b.from ? 1 : compareSites(a.call, b.call),
  );
  const classes = new Set(symbols.filter((symbol) => symbol.kind === 'class').map((symbol) => symbol.id));
  const site = (edge: CallEdge) => ({ file: edge.call.file, line: edge.call.line, column: edge.call.column });
  return {
    symbols: symbols.map((symbol) => ({ id: symbol.id, ...publicSymbol(symbol) })),
    edges: edges
      .filter((edge) => !classes.has(edge.to))
      .map((edge) => ({ from: edge.from, to: edge.to, call: site(edge), edge: edge.kind })),
    instantiations: edges
      .filter((edge) => classes.has(edge.to))
      .map((edge) => ({ from: edge.from, class: edge.to, call: site(edge) })),
  };
}

export function formatStats(stats: IndexStats): string {
  return (
    `${stats.files} files, ${stats.symbols} symbols, ${stats.edges} calls indexed in ${stats.index_ms} ms ` +
    `(cache ${stats.cache}${stats.linked ? `; ${stats.linked.join(', ')} linked again, whole tree` : ''})`
  );
}

const at = (place: { file: string; line: number }): string => `${place.file}:${place.line}`;

/**
 * How text output shows a path (relative to the indexed directory) with a line and column: as is by default; the
 * CLI passes one that makes it relative to the current folder and a hyperlink on terminals that support them.
 */
export type ShowPath = (file: string, line?: number, column?: number) => string;
export const asIndexed: ShowPath = (file, line, column) =>
  `${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}`;

/** How text output shows the call sites of a link: the first (and `+N more`), or every one. */
export interface SiteOptions {
  /** List every call site, not only the first. */
  readonly allSites?: boolean;
}

/**
 * The lines of a link's call sites under `indent`: the first with `+N more` when there are several, or all of them
 * with `allSites`. `calls` may be absent (results stored before it existed): then the one `call` is all there is.
 */
export function siteLines(
  call: { file: string; line: number; column: number; text: string },
  edge: string | null,
  calls: readonly PublicSite[] | undefined,
  indent: string,
  show: ShowPath,
  options: SiteOptions = {},
): string[] {
  const line = (site: { file: string; line: number; column: number; text: string }, kind: string | null) =>
    `${indent}↳ ${show(site.file, site.line, site.column)}  ${site.text}  [${kind ?? 'call'}]`;
  const sites = calls && calls.length > 0 ? calls : [{ ...call, edge }];
  if (options.allSites) return sites.map((site) => line(site, site.edge));
  const more = sites.length - 1;
  return [`${line(call, edge)}${more > 0 ? `  +${more} more` : ''}`];
}

/** The closing hint of text output that left call sites out (`any`), or none. */
export function moreSitesHint(any: boolean): string[] {
  return any ? ['+N more: the same call is made at N more places; --all-sites lists them'] : [];
}

function textOfHops(hops: readonly Hop[], show: ShowPath, options: SiteOptions): string[] {
  const lines: string[] = [];
  hops.forEach((hop, i) => {
    lines.push(`  ${i + 1}. ${hop.qualified_name}  ${show(hop.file, hop.line)}`);
    if (hop.call) lines.push(...siteLines(hop.call, hop.edge, hop.calls, '     ', show, options));
    if (hop.why && hop.why.length > 0) lines.push(`       why: ${hop.why.join(' → ')}`);
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

/**
 * A header line, each path's hops with the calls between them, notes, and the index statistics. `hint` adds a line
 * saying how to see the call sites left out (for a command that has `--all-sites`).
 */
export function formatTraceText(
  result: TraceResult,
  show: ShowPath = asIndexed,
  options: SiteOptions & { readonly hint?: boolean } = {},
): string {
  const lines: string[] = [];
  const ends = `${result.from?.qualified_name ?? '?'} → ${result.to?.qualified_name ?? '?'}`;
  if (result.status === 'found') {
    const count = result.paths.length;
    lines.push(`${ends}: ${count} call path${count === 1 ? '' : 's'}`);
    result.paths.forEach((path, i) => {
      // Counted in calls, as --max-depth is: a path through 4 functions makes 3 calls.
      const calls = path.hops.length - 1;
      if (count > 1) lines.push(`path ${i + 1} (${calls} call${calls === 1 ? '' : 's'})`);
      lines.push(...textOfHops(path.hops, show, options));
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
  if (options.hint && !options.allSites) {
    lines.push(...moreSitesHint(result.paths.some((p) => p.hops.some((h) => (h.calls?.length ?? 0) > 1))));
  }
  lines.push(formatStats(result.stats));
  return `${lines.join('\n')}\n`;
}

/** ` (+N more)` after a call site shown in a diagram, when the link has N more. */
export const moreSuffix = (calls: readonly unknown[] | undefined): string =>
  calls && calls.length > 1 ? ` (+${calls.length - 1} more)` : '';

/** Mermaid text needs `#`, `;`, `<` and `>` as entity codes. */
export function mermaidText(text: string): string {
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
      const label = hop.call
        ? `${hop.call.text} · ${at(hop.call)}${moreSuffix(hop.calls)}`
        : hop.qualified_name;
      const arrow = hop.edge === 'heuristic' ? '-->>' : '->>';
      lines.push(`  ${several ? '  ' : ''}${caller}${arrow}${ids.get(hopKey(hop))!}: ${mermaidText(label)}`);
    }
    if (several && i === result.paths.length - 1) lines.push('  end');
  });
  return `${lines.join('\n')}\n`;
}

export function dotString(text: string): string {
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
        `${hop.call.text}\n${at(hop.call)}${moreSuffix(hop.calls)}`,
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

export function formatTrace(
  result: TraceResult,
  format: TraceFormat,
  show?: ShowPath,
  options: SiteOptions & { readonly hint?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'mermaid':
      return formatTraceMermaid(result);
    case 'dot':
      return formatTraceDot(result);
    default:
      return formatTraceText(result, show, options);
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
  for (const made of graph.instantiations) {
    lines.push(
      `  ${dotString(made.from)} -> ${dotString(made.class)} [label=${dotString(`new ${at(made.call)}`)}, style=dotted];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function formatGraph(graph: GraphJson, format: GraphFormat): string {
  return format === 'dot' ? formatGraphDot(graph) : `${JSON.stringify(graph, null, 2)}\n`;
}
