// Caller and callee trees printed: text, Mermaid, dot and the HTML page each draw precise and heuristic links apart,
// mark cycles, and say how many callers lie past the depth.
import { describe, expect, it } from 'vitest';
import type { CallTreeNode, NeighboursResult, PublicSite } from '../../src/code/service.js';
import { neighboursResultSchema } from '../../src/code/service.js';
import { formatTree, formatTreeDot, formatTreeMermaid, formatTreeText } from '../../src/code/tree-format.js';
import { callTreeReportHtml } from '../../src/report/call-tree-report.js';

const site = (file: string, line: number, text: string, edge: PublicSite['edge'] = 'direct'): PublicSite => ({
  file,
  line,
  column: 3,
  text,
  edge,
});

function node(
  qualified_name: string,
  file: string,
  line: number,
  calls: PublicSite[],
  fields: Partial<CallTreeNode> = {},
): CallTreeNode {
  const first = calls[0];
  return {
    name: qualified_name.split('.').at(-1)!,
    qualified_name,
    kind: 'function',
    file,
    line,
    edge: first?.edge ?? null,
    call: first ? { file: first.file, line: first.line, column: first.column, text: first.text } : null,
    calls,
    cycle: false,
    more: 0,
    children: [],
    ...fields,
  };
}

const retry = node('retry', 'src/retry.ts', 3, [site('src/retry.ts', 4, 'charge(1)')], {
  children: [
    node('settle', 'src/retry.ts', 8, [site('src/retry.ts', 9, 'retry()')], {
      children: [node('retry', 'src/retry.ts', 3, [site('src/retry.ts', 5, 'settle()')], { cycle: true })],
    }),
  ],
});
const tree = node('charge', 'src/card.ts', 1, [], {
  children: [
    node(
      'Stripe.pay',
      'src/stripe.ts',
      4,
      [site('src/stripe.ts', 6, 'charge(a)'), site('src/stripe.ts', 8, 'charge(b)')],
      {
        children: [
          node('untyped', 'src/untyped.js', 1, [site('src/untyped.js', 2, 'g.pay()', 'heuristic')], {
            more: 2,
          }),
        ],
      },
    ),
    retry,
  ],
});

const result: NeighboursResult = {
  status: 'found',
  symbol: { name: 'charge', qualified_name: 'charge', kind: 'function', file: 'src/card.ts', line: 1 },
  candidates: [],
  direction: 'callers',
  calls: [],
  depth: 3,
  tree,
  notes: [],
  stats: {
    files: 4,
    symbols: 6,
    edges: 6,
    index_ms: 5,
    cache: 'hit',
    too_large: { max_file_bytes: 2_000_000, files: 0, largest: [] },
  },
};

describe('tree text', () => {
  it('draws the tree with each link’s first call site, dotted heuristic branches, the cycle and what is left out', () => {
    expect(formatTreeText(result, undefined, { hint: true })).toBe(
      [
        'callers of charge, 3 levels: 5 callers',
        'charge  src/card.ts:1',
        '├── Stripe.pay  src/stripe.ts:4',
        '│   ↳ src/stripe.ts:6:3  charge(a)  [direct]  +1 more',
        '│   └┄┄ untyped  src/untyped.js:1  (+2 more callers not shown)',
        '│       ↳ src/untyped.js:2:3  g.pay()  [heuristic]',
        '└── retry  src/retry.ts:3',
        '    ↳ src/retry.ts:4:3  charge(1)  [direct]',
        '    └── settle  src/retry.ts:8',
        '        ↳ src/retry.ts:9:3  retry()  [direct]',
        '        └── retry  src/retry.ts:3  ↻ cycle (already above)',
        '            ↳ src/retry.ts:5:3  settle()  [direct]',
        '+N more: the same call is made at N more places; --all-sites lists them',
        '4 files, 6 symbols, 6 calls indexed in 5 ms (cache hit)',
        '',
      ].join('\n'),
    );
  });

  it('lists every call site with allSites, and says a leaf at the depth has more past it', () => {
    const deep = structuredClone(result);
    deep.depth = 2;
    const text = formatTreeText(deep, undefined, { allSites: true, hint: true });
    expect(text).toContain(
      '│   ↳ src/stripe.ts:6:3  charge(a)  [direct]\n│   ↳ src/stripe.ts:8:3  charge(b)  [direct]\n',
    );
    expect(text).toContain('untyped  src/untyped.js:1  (+2 more callers past depth 2)');
    expect(text).not.toContain('+N more');
  });

  it('says when the symbol is not found', () => {
    const text = formatTreeText({
      ...result,
      status: 'not_found',
      symbol: null,
      tree: null,
      notes: ['no symbol "x"'],
    });
    expect(text).toContain('no callers: the symbol was not found\nnote: no symbol "x"\n');
  });
});

describe('tree diagrams', () => {
  it('Mermaid: call arrows solid when precise, dotted when heuristic, the cycle labelled', () => {
    const text = formatTreeMermaid(result);
    expect(text.startsWith('flowchart LR\n  n1[["charge<br/>src/card.ts:1"]]\n')).toBe(true);
    expect(text).toContain('  n2 -->|"direct src/stripe.ts:6 (+1 more)"| n1\n');
    expect(text).toContain('  n3 -.->|"heuristic src/untyped.js:2"| n2\n');
    expect(text).toContain('  n4["retry<br/>src/retry.ts:3"]\n');
    // The cycle is drawn as an arrow back to the symbol already drawn, not as a second node.
    expect(text).toContain('  n4 -->|"↻ cycle · direct src/retry.ts:5"| n5\n');
    expect(text.match(/retry<br\/>/g)).toHaveLength(1);
  });

  it('dot: heuristic links dashed, the cycle red, the asked symbol bold', () => {
    const text = formatTreeDot(result);
    expect(text.startsWith('digraph callers {\n')).toBe(true);
    expect(text).toContain('"src/card.ts#charge:1" [label="charge\\nsrc/card.ts:1", style=bold];');
    expect(text).toContain('"src/untyped.js#untyped:1" [label="untyped\\nsrc/untyped.js:1\\n+2 more"];');
    expect(text).toContain(
      '"src/untyped.js#untyped:1" -> "src/stripe.ts#Stripe.pay:4" [label="heuristic src/untyped.js:2", style=dashed];',
    );
    expect(text).toContain(
      '"src/stripe.ts#Stripe.pay:4" -> "src/card.ts#charge:1" [label="direct src/stripe.ts:6 (+1 more)"];',
    );
    expect(text).toContain('[label="↻ cycle · direct src/retry.ts:5", color="#cf222e", constraint=false];');
  });

  it('callees point the other way: from the symbol to what it calls', () => {
    const callees = { ...result, direction: 'callees' as const };
    expect(formatTreeDot(callees)).toContain('"src/card.ts#charge:1" -> "src/stripe.ts#Stripe.pay:4"');
    expect(formatTreeMermaid(callees)).toContain('  n1 -->|"direct src/stripe.ts:6 (+1 more)"| n2\n');
  });

  it('JSON is exactly the result', () => {
    expect(neighboursResultSchema.parse(JSON.parse(formatTree(result, 'json')))).toEqual(result);
  });
});

describe('tree page', () => {
  it('nests the tree, every call site listed, links styled by kind, the cycle marked', () => {
    const html = callTreeReportHtml(result, new Date('2026-11-24T00:00:00Z'));
    expect(html).toContain('<h1>office callers of charge</h1>');
    expect(html).toContain(
      '<li class="edge-precise" data-edge="direct"><details open><summary><span class="name">Stripe.pay</span>',
    );
    expect(html).toContain('src/stripe.ts:8:3  charge(b)');
    expect(html).toContain(
      '<li class="edge-heuristic" data-edge="heuristic"><span class="name">untyped</span>',
    );
    expect(html).toContain('<span class="cycle">↻ cycle (already above)</span>');
    expect(html).toMatch(/\.tree li\.edge-heuristic \{ border-left: 2px dashed/);
    expect(html).toMatch(/\.tree li\.edge-precise \{ border-left: 2px solid/);
    expect(html).not.toContain('<script');
  });
});
