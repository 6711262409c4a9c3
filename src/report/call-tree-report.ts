// `office callers|callees … --format html` (a call hierarchy, printed): the tree as nested lists that open and close
// (HTML details, no script), each link with its call sites, drawn in the trace diagram's edge styles. One
// self-contained file.
import type { CallTreeNode, NeighboursResult, PublicSymbol } from '../code/service.js';
import { escapeXml } from './markup.js';
import { htmlPage } from './page.js';
import { EDGE_STYLES, edgeStyleOf } from './trace-diagram.js';

const TREE_STYLE = `<style>
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 1.4rem; }
ul.tree { padding-left: 0; }
.tree li { margin: .25rem 0; padding-left: .6rem; border-left: 2px solid transparent; }
${Object.entries(EDGE_STYLES)
  .map(
    ([style, { stroke, dash }]) =>
      `.tree li.edge-${style} { border-left: 2px ${dash ? 'dashed' : 'solid'} ${stroke}; } .tree li.edge-${style} .kind { color: ${stroke}; }`,
  )
  .join('\n')}
.tree .name { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.tree .place, .tree .site { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: #57606a; }
.tree .site { display: block; margin-left: 1rem; }
.tree .cycle { color: #cf222e; font-weight: 600; } .tree .more { color: #9a6700; }
.tree summary { cursor: pointer; }
.legend span { margin-right: 1.2rem; padding-left: .4rem; }
</style>`;

const placeOf = (symbol: PublicSymbol): string =>
  symbol.kind === 'external' || symbol.file === '' ? 'library code' : `${symbol.file}:${symbol.line}`;

function nodeHtml(node: CallTreeNode, noun: string): string {
  const sites = node.calls
    .map(
      (site) =>
        `<span class="site">↳ ${escapeXml(`${site.file}:${site.line}:${site.column}`)}  ${escapeXml(site.text)}  <span class="kind">[${escapeXml(site.edge)}]</span></span>`,
    )
    .join('');
  const marks =
    (node.cycle ? ' <span class="cycle">↻ cycle (already above)</span>' : '') +
    (node.more > 0
      ? ` <span class="more">+${node.more} more ${escapeXml(noun)}${node.more === 1 ? '' : 's'}</span>`
      : '');
  const head = `<span class="name">${escapeXml(node.qualified_name)}</span> <span class="place">${escapeXml(placeOf(node))}</span>${marks}`;
  const style = node.edge
    ? ` class="edge-${edgeStyleOf(node.edge)}" data-edge="${escapeXml(node.edge)}"`
    : '';
  if (node.children.length === 0) return `<li${style}>${head}${sites}</li>`;
  const children = node.children.map((child) => nodeHtml(child, noun)).join('');
  return `<li${style}><details open><summary>${head}</summary>${sites}<ul>${children}</ul></details></li>`;
}

export function callTreeReportHtml(result: NeighboursResult, generatedAt: Date = new Date()): string {
  const noun = result.direction === 'callers' ? 'caller' : 'callee';
  const title = `${result.direction} of ${result.symbol?.qualified_name ?? '?'}`;
  const legend = Object.values(EDGE_STYLES)
    .map(
      ({ stroke, dash, label }) =>
        `<span style="border-left: 2px ${dash ? 'dashed' : 'solid'} ${stroke}">${escapeXml(label)}</span>`,
    )
    .join('');
  const notes = result.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('');
  const candidates =
    result.candidates.length > 1
      ? `<ul>${result.candidates.map((c) => `<li class="mono">${escapeXml(`${c.qualified_name}  ${placeOf(c)}`)}</li>`).join('')}</ul>`
      : '';
  const s = result.stats;
  return htmlPage(
    `office ${title}`,
    TREE_STYLE +
      `<h1>office ${escapeXml(title)}</h1>` +
      `<p class="muted">status <span class="status">${escapeXml(result.status)}</span> · ${escapeXml(
        `${result.depth ?? 1} level${(result.depth ?? 1) === 1 ? '' : 's'}`,
      )} · ${escapeXml(generatedAt.toISOString())}</p>` +
      (result.tree ? `<ul class="tree">${nodeHtml(result.tree, noun)}</ul>` : candidates) +
      `<p class="legend muted">${legend}</p>` +
      (notes ? `<ul class="notes">${notes}</ul>` : '') +
      `<p class="muted">${s.files} files, ${s.symbols} symbols, ${s.edges} calls indexed in ${s.index_ms} ms (cache ${escapeXml(s.cache)})</p>`,
  );
}
