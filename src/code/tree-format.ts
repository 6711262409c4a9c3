// Caller and callee tree formats (code intelligence): a callers/callees result as an indented text tree, a Mermaid
// flowchart or a Graphviz digraph. Precise and heuristic links are drawn apart in each; cycles are marked. Pure
// functions of the public shapes.
import {
  asIndexed,
  dotString,
  formatStats,
  mermaidText,
  moreSitesHint,
  moreSuffix,
  type ShowPath,
  type SiteOptions,
  siteLines,
} from './format.js';
import type { CallTreeNode, NeighboursResult, PublicSymbol } from './service.js';

export const treeFormats = ['text', 'json', 'mermaid', 'dot'] as const;
export type TreeFormat = (typeof treeFormats)[number];

const isExternal = (symbol: PublicSymbol): boolean => symbol.kind === 'external' || symbol.file === '';
const placeOf = (symbol: PublicSymbol, show: ShowPath): string =>
  isExternal(symbol) ? 'library code' : show(symbol.file, symbol.line);
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What one level of the tree is, for a person: the caller of its parent, or a callee. */
const nounOf = (result: NeighboursResult): string => (result.direction === 'callers' ? 'caller' : 'callee');

function countNodes(node: CallTreeNode): number {
  return 1 + node.children.reduce((sum, child) => sum + countNodes(child), 0);
}

function anySites(node: CallTreeNode): boolean {
  return node.calls.length > 1 || node.children.some(anySites);
}

/**
 * The tree as text: the symbol, then each caller (callee) under its parent with the call linking them. Heuristic
 * links are drawn dotted (`├┄┄`), cycles end in `↻ cycle`, and a node with callers (callees) left out says how many.
 */
export function formatTreeText(
  result: NeighboursResult,
  show: ShowPath = asIndexed,
  options: SiteOptions & { readonly hint?: boolean } = {},
): string {
  const lines: string[] = [];
  const noun = nounOf(result);
  const depth = result.depth ?? 1;
  const tree = result.tree;
  if (result.status === 'found' && result.symbol && tree) {
    const count = countNodes(tree) - 1;
    lines.push(
      `${result.direction} of ${result.symbol.qualified_name}, ${plural(depth, 'level')}: ${plural(count, noun)}`,
    );
    const moreText = (node: CallTreeNode, level: number): string =>
      node.more > 0
        ? `  (+${plural(node.more, `more ${noun}`)}${level >= depth ? ` past depth ${depth}` : ' not shown'})`
        : '';
    lines.push(`${tree.qualified_name}  ${placeOf(tree, show)}${moreText(tree, 0)}`);
    const walk = (node: CallTreeNode, prefix: string, level: number): void => {
      node.children.forEach((child, i) => {
        const last = i === node.children.length - 1;
        const dotted = child.edge === 'heuristic';
        const branch = `${last ? '└' : '├'}${dotted ? '┄┄' : '──'} `;
        const under = `${prefix}${last ? '    ' : '│   '}`;
        lines.push(
          `${prefix}${branch}${child.qualified_name}  ${placeOf(child, show)}` +
            `${child.cycle ? '  ↻ cycle (already above)' : ''}${moreText(child, level + 1)}`,
        );
        if (child.call) lines.push(...siteLines(child.call, child.edge, child.calls, under, show, options));
        walk(child, under, level + 1);
      });
    };
    walk(tree, '', 0);
    if (tree.children.length === 0) lines.push(`  (no ${noun}s)`);
  } else if (result.status === 'ambiguous') {
    lines.push('ambiguous: the name matches several symbols; the notes say how to name each alone');
    lines.push(...result.candidates.map((c) => `  - ${c.qualified_name}  ${placeOf(c, show)}  (${c.kind})`));
  } else {
    lines.push(`no ${result.direction}: the symbol was not found`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (options.hint && !options.allSites && tree) lines.push(...moreSitesHint(anySites(tree)));
  lines.push(formatStats(result.stats));
  return `${lines.join('\n')}\n`;
}

const keyOf = (symbol: PublicSymbol): string => `${symbol.file}#${symbol.qualified_name}:${symbol.line}`;

interface DrawnLink {
  readonly caller: string;
  readonly callee: string;
  readonly node: CallTreeNode;
}

/**
 * The symbols of the tree (one per symbol, however often it appears) and its links in the direction of the call,
 * each drawn once, in tree order.
 */
function drawing(result: NeighboursResult): {
  symbols: Map<string, { symbol: CallTreeNode; more: number; root: boolean }>;
  links: DrawnLink[];
} {
  const symbols = new Map<string, { symbol: CallTreeNode; more: number; root: boolean }>();
  const links = new Map<string, DrawnLink>();
  const visit = (node: CallTreeNode, parent: CallTreeNode | undefined): void => {
    const key = keyOf(node);
    const seen = symbols.get(key);
    if (!seen) symbols.set(key, { symbol: node, more: node.more, root: parent === undefined });
    else if (node.more > seen.more) seen.more = node.more;
    if (parent) {
      const [caller, callee] = result.direction === 'callers' ? [key, keyOf(parent)] : [keyOf(parent), key];
      const id = `${caller}\0${callee}`;
      if (!links.has(id)) links.set(id, { caller, callee, node });
    }
    for (const child of node.children) visit(child, node);
  };
  if (result.tree) visit(result.tree, undefined);
  return { symbols, links: [...links.values()] };
}

const linkLabel = (node: CallTreeNode): string =>
  `${node.cycle ? '↻ cycle · ' : ''}${node.edge ?? 'call'} ${node.call ? `${node.call.file}:${node.call.line}` : ''}${moreSuffix(node.calls)}`;

/** A flowchart, arrows in the direction of the calls: precise links solid, heuristic ones dotted, cycles labelled. */
export function formatTreeMermaid(result: NeighboursResult): string {
  const lines = ['flowchart LR'];
  const { symbols, links } = drawing(result);
  const ids = new Map<string, string>();
  for (const [key, { symbol, more, root }] of symbols) {
    const id = `n${ids.size + 1}`;
    ids.set(key, id);
    const where = isExternal(symbol) ? 'library code' : `${symbol.file}:${symbol.line}`;
    const extra = more > 0 ? `<br/>+${more} more` : '';
    const label = `"${mermaidText(symbol.qualified_name)}<br/>${mermaidText(where)}${extra}"`;
    lines.push(`  ${id}${root ? `[[${label}]]` : `[${label}]`}`);
  }
  if (symbols.size === 0) {
    lines.push(
      `  none["${mermaidText([result.status, ...result.notes].join(' / ')).replace(/"/g, '#quot;')}"]`,
    );
  }
  for (const link of links) {
    const arrow = link.node.edge === 'heuristic' ? '-.->' : '-->';
    const label = mermaidText(linkLabel(link.node)).replace(/"/g, '#quot;');
    lines.push(`  ${ids.get(link.caller)!} ${arrow}|"${label}"| ${ids.get(link.callee)!}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A digraph, arrows in the direction of the calls: heuristic links dashed, cycles red, the tree's symbol bold. */
export function formatTreeDot(result: NeighboursResult): string {
  const lines = [
    `digraph ${result.direction} {`,
    '  rankdir=LR;',
    '  node [shape=box, fontname="monospace"];',
  ];
  const { symbols, links } = drawing(result);
  for (const [key, { symbol, more, root }] of symbols) {
    const where = isExternal(symbol) ? 'library code' : `${symbol.file}:${symbol.line}`;
    const label = `${symbol.qualified_name}\n${where}${more > 0 ? `\n+${more} more` : ''}`;
    lines.push(`  ${dotString(key)} [label=${dotString(label)}${root ? ', style=bold' : ''}];`);
  }
  for (const link of links) {
    const style = [
      ...(link.node.edge === 'heuristic' ? ['style=dashed'] : []),
      ...(link.node.cycle ? ['color="#cf222e"', 'constraint=false'] : []),
    ];
    lines.push(
      `  ${dotString(link.caller)} -> ${dotString(link.callee)} [label=${dotString(linkLabel(link.node))}${style.length > 0 ? `, ${style.join(', ')}` : ''}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function formatTree(
  result: NeighboursResult,
  format: TreeFormat,
  show?: ShowPath,
  options: SiteOptions & { readonly hint?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'mermaid':
      return formatTreeMermaid(result);
    case 'dot':
      return formatTreeDot(result);
    default:
      return formatTreeText(result, show, options);
  }
}
