// The call path drawn: the SVG diagram (each edge kind drawn its own way, names escaped), and the self-contained
// HTML of `office trace --format html` and `office report <task>`.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hop, TraceResult } from '../../src/code/service.js';
import { EDGE_STYLES, traceDiagramSvg } from '../../src/report/trace-diagram.js';
import { FIXTURES, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

const hop = (name: string, file: string, edge: Hop['edge'], kind: Hop['kind'] = 'function'): Hop => ({
  name,
  qualified_name: name,
  kind,
  file,
  line: file ? 3 : 1,
  call: edge ? { file: 'a.ts', line: 7, column: 2, text: `${name}(x) // <script>alert(1)</script>` } : null,
  edge,
});

const result: TraceResult = {
  status: 'found',
  from: { name: 'main', qualified_name: 'main', kind: 'function', file: 'a.ts', line: 1 },
  to: { name: 'save', qualified_name: 'save', kind: 'function', file: 'd.ts', line: 3 },
  candidates: { from: [], to: [] },
  paths: [
    {
      hops: [
        hop('main', 'a.ts', null),
        hop('Repo.load', 'b.ts', 'method'),
        hop('setTimeout', '', 'external', 'external'),
        hop('onTimer', 'c.ts', 'callback'),
        hop('save', 'd.ts', 'heuristic'),
      ],
    },
  ],
  notes: [],
  stats: {
    files: 4,
    symbols: 5,
    edges: 4,
    index_ms: 3,
    cache: 'miss',
    too_large: { max_file_bytes: 2_000_000, files: 0, largest: [] },
  },
};

describe('the call path diagram', () => {
  it('draws precise, external, callback and heuristic calls each in its own style, library code as its own box', () => {
    const svg = traceDiagramSvg(result);
    const edges = [
      ...svg.matchAll(
        /<g class="edge edge-(\w+)" data-edge="(\w+)"><line [^>]*stroke="([^"]+)"[^>]*?(?: stroke-dasharray="([^"]+)")?\/>/g,
      ),
    ].map((m) => ({ style: m[1], kind: m[2], stroke: m[3], dash: m[4] ?? '' }));
    expect(edges).toEqual([
      { style: 'precise', kind: 'method', stroke: EDGE_STYLES.precise.stroke, dash: '' },
      {
        style: 'external',
        kind: 'external',
        stroke: EDGE_STYLES.external.stroke,
        dash: EDGE_STYLES.external.dash,
      },
      {
        style: 'callback',
        kind: 'callback',
        stroke: EDGE_STYLES.callback.stroke,
        dash: EDGE_STYLES.callback.dash,
      },
      {
        style: 'heuristic',
        kind: 'heuristic',
        stroke: EDGE_STYLES.heuristic.stroke,
        dash: EDGE_STYLES.heuristic.dash,
      },
    ]);
    expect(new Set(edges.map((e) => `${e.stroke} ${e.dash}`)).size).toBe(4);
    expect(svg).toMatch(
      /<g class="hop hop-external" data-hop="setTimeout">.*library code \(outside the tree\)/,
    );
    expect(svg).toContain('[callback] a.ts:7:2');
    expect(svg).toContain('b.ts:3');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});

describe('HTML reports', () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await makeWorkspace('office-report-');
    await cp(join(FIXTURES, 'ts-shop'), ws.path('shop'), { recursive: true });
  });
  afterEach(() => ws.cleanup());

  /** Self-contained: nothing is loaded from anywhere (no script, stylesheet link, image or frame source). */
  const expectSelfContained = (html: string) => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  };

  it('office trace --format html prints one self-contained page with the diagram and every hop', async () => {
    const run = await runOffice(
      ['trace', 'checkout', 'chargeCard', '--dir', ws.path('shop/src'), '--format', 'html'],
      {
        cwd: ws.root,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expectSelfContained(run.stdout);
    expect(run.stdout).toContain('<svg');
    for (const name of ['checkout', 'OrderService.place', 'StripeGateway.charge', 'chargeCard'])
      expect(run.stdout).toContain(`data-hop="${name}"`);
    expect(run.stdout).toContain('orders/order-service.ts:18:41');
  });

  it('office report writes a task as one self-contained page: status, plans, approvals, cost and the diagram', async () => {
    const run = await runOffice(
      ['run', '--json', '--offline', 'trace checkout to chargeCard in ./shop/src', '--dir', ws.root],
      { cwd: ws.root },
    );
    const taskId = JSON.parse(run.stdout).task_id;
    const report = await runOffice(
      ['report', taskId.slice(0, 18), '--dir', ws.root, '--output', 'report.html'],
      {
        cwd: ws.root,
      },
    );
    expect(report.code, report.stderr).toBe(0);
    const html = await readFile(ws.path('report.html'), 'utf8');
    expectSelfContained(html);
    expect(html).toContain(taskId);
    expect(html).toContain('<h2>call path</h2>');
    expect(html).toContain('data-hop="StripeGateway.charge"');
    expect(html).toContain('trace.p1');
    expect(html).toContain('0 model calls');
  });
});
