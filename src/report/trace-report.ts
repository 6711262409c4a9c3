// `office trace … --format html` (the headline job, printed): the call path diagram and each hop as a table, in one
// self-contained HTML file for CI artifacts.
import type { TraceResult } from '../code/service.js';
import { escapeXml } from './markup.js';
import { htmlPage } from './page.js';
import { traceDiagramSvg } from './trace-diagram.js';

/** The hops of every path as table rows: the symbol, where it is, and the call that reached it. */
export function hopsTable(result: TraceResult): string {
  if (result.paths.length === 0) return '';
  const rows = result.paths.flatMap((path, p) =>
    path.hops.map(
      (hop, h) =>
        `<tr><td>${result.paths.length > 1 ? `${p + 1}.` : ''}${h + 1}</td><td class="mono">${escapeXml(hop.qualified_name)}</td>` +
        `<td class="mono">${escapeXml(hop.file ? `${hop.file}:${hop.line}` : 'library code')}</td>` +
        `<td class="mono">${hop.call ? escapeXml(`${hop.call.file}:${hop.call.line}:${hop.call.column}  ${hop.call.text}`) : ''}</td>` +
        `<td>${escapeXml(hop.edge ?? '')}</td></tr>`,
    ),
  );
  return `<table><thead><tr><th>#</th><th>symbol</th><th>where</th><th>call site</th><th>edge</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function traceSection(result: TraceResult): string {
  const notes = result.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('');
  const s = result.stats;
  return (
    `<div class="diagram">${traceDiagramSvg(result)}</div>` +
    hopsTable(result) +
    (notes ? `<ul class="notes">${notes}</ul>` : '') +
    `<p class="muted">${s.files} files, ${s.symbols} symbols, ${s.edges} calls indexed in ${s.index_ms} ms (cache ${escapeXml(s.cache)})</p>`
  );
}

export function traceReportHtml(result: TraceResult, generatedAt: Date = new Date()): string {
  const title = `${result.from?.qualified_name ?? '?'} → ${result.to?.qualified_name ?? '?'}`;
  return htmlPage(
    `office trace: ${title}`,
    `<h1>office trace: ${escapeXml(title)}</h1>` +
      `<p class="muted">status <span class="status">${escapeXml(result.status)}</span> · ${escapeXml(generatedAt.toISOString())}</p>` +
      traceSection(result),
  );
}
