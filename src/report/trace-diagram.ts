// Call path diagram (the headline job, drawn): a trace result as an SVG — each hop a box with its file:line, each
// call an arrow labelled with its call site and kind. Precise, heuristic, external (into library code) and callback
// (library code calling back into the tree) calls are drawn differently. Pure: the trace JSON in, SVG text out;
// the web page, `office trace --format html` and `office report` all show this same picture.
import type { Hop, TraceResult } from '../code/service.js';
import { clip, escapeXml } from './markup.js';

/** How each edge kind is drawn; the legend lists them in this order. */
export const EDGE_STYLES = {
  precise: { stroke: '#1f6feb', dash: '', label: 'precise (direct, method, constructor, dispatch)' },
  heuristic: { stroke: '#bf8700', dash: '7 5', label: 'heuristic (by name only)' },
  external: { stroke: '#8250df', dash: '2 4', label: 'external (handed to library code)' },
  callback: { stroke: '#1a7f37', dash: '10 4 2 4', label: 'callback (library code calls back)' },
} as const;
export type EdgeStyle = keyof typeof EDGE_STYLES;

export function edgeStyleOf(kind: Hop['edge']): EdgeStyle {
  if (kind === 'heuristic' || kind === 'external' || kind === 'callback') return kind;
  return 'precise';
}

const CHAR = 7.3;
const FONT = "12px ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";
const BOX_H = 40;
const GAP = 62;
const PAD = 20;

const isExternal = (hop: Hop): boolean => hop.kind === 'external' || hop.file === '';

function hopPlace(hop: Hop): string {
  return isExternal(hop) ? 'library code (outside the tree)' : `${hop.file}:${hop.line}`;
}

function text(x: number, y: number, body: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeXml(body)}</text>`;
}

/** The diagram of every path of `result` (a note box when there is none). */
export function traceDiagramSvg(result: TraceResult): string {
  const parts: string[] = [];
  let y = PAD;
  let width = 360;
  const title =
    result.status === 'found'
      ? `${result.from?.qualified_name ?? '?'} → ${result.to?.qualified_name ?? '?'}: ${result.paths.length} call path${result.paths.length === 1 ? '' : 's'}`
      : `no call path (${result.status})`;
  parts.push(text(PAD, y + 12, title, 'class="title" font-weight="bold"'));
  width = Math.max(width, PAD * 2 + title.length * CHAR);
  y += 30;
  if (result.paths.length === 0) {
    for (const note of [
      ...result.notes,
      ...(result.notes.length === 0 ? ['nothing connects the two names'] : []),
    ]) {
      parts.push(text(PAD, y + 12, clip(note, 140), 'class="note"'));
      width = Math.max(width, PAD * 2 + Math.min(note.length, 140) * CHAR);
      y += 20;
    }
  }
  result.paths.forEach((path, p) => {
    if (result.paths.length > 1) {
      parts.push(text(PAD, y + 12, `path ${p + 1} (${path.hops.length} hops)`, 'class="path-title"'));
      y += 24;
    }
    parts.push(`<g class="path" data-path="${p + 1}">`);
    path.hops.forEach((hop, h) => {
      if (h > 0 && hop.call) {
        const style = edgeStyleOf(hop.edge);
        const { stroke, dash } = EDGE_STYLES[style];
        const x = PAD + 24;
        const site = `[${hop.edge ?? 'call'}] ${hop.call.file}:${hop.call.line}:${hop.call.column}`;
        const code = clip(hop.call.text, 110);
        parts.push(
          `<g class="edge edge-${style}" data-edge="${escapeXml(hop.edge ?? 'call')}">` +
            `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + GAP - 8}" stroke="${stroke}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
            `<path d="M ${x - 5} ${y + GAP - 10} L ${x} ${y + GAP - 1} L ${x + 5} ${y + GAP - 10} Z" fill="${stroke}"/>` +
            text(x + 16, y + 24, site, `class="site" fill="${stroke}"`) +
            text(x + 16, y + 42, code, 'class="code"') +
            '</g>',
        );
        width = Math.max(width, x + 16 + Math.max(site.length, code.length) * CHAR + PAD);
        y += GAP;
      } else if (h > 0) {
        y += 16;
      }
      const external = isExternal(hop);
      const name = hop.qualified_name;
      const place = hopPlace(hop);
      const boxW = Math.max(name.length, place.length) * CHAR + 24;
      parts.push(
        `<g class="hop${external ? ' hop-external' : ''}" data-hop="${escapeXml(name)}">` +
          `<rect x="${PAD}" y="${y}" width="${boxW}" height="${BOX_H}" rx="6" fill="${external ? '#f6f8fa' : '#ffffff'}" stroke="${external ? '#8250df' : '#57606a'}"${external ? ' stroke-dasharray="4 3"' : ''}/>` +
          text(PAD + 12, y + 16, name, 'font-weight="bold"') +
          text(PAD + 12, y + 32, place, 'class="place" fill="#57606a"') +
          '</g>',
      );
      width = Math.max(width, PAD + boxW + PAD);
      y += BOX_H;
    });
    parts.push('</g>');
    y += 24;
  });
  // The legend: one short line of each style, so a reader of a printout can tell them apart.
  parts.push('<g class="legend">');
  for (const [style, { stroke, dash, label }] of Object.entries(EDGE_STYLES)) {
    parts.push(
      `<line x1="${PAD}" y1="${y + 6}" x2="${PAD + 40}" y2="${y + 6}" stroke="${stroke}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} data-legend="${style}"/>`,
      text(PAD + 50, y + 10, label, 'class="legend-label"'),
    );
    width = Math.max(width, PAD + 50 + label.length * CHAR + PAD);
    y += 18;
  }
  parts.push('</g>');
  const height = y + PAD;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="trace-diagram" role="img" aria-label="${escapeXml(title)}" ` +
    `width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" ` +
    `font-family="${escapeXml(FONT.split(' ').slice(1).join(' '))}" font-size="12">` +
    `<title>${escapeXml(title)}</title>${parts.join('')}</svg>`
  );
}
