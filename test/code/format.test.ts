import { describe, expect, it } from 'vitest';
import {
  formatGraphDot,
  formatTrace,
  formatTraceDot,
  formatTraceMermaid,
  formatTraceText,
} from '../../src/code/format.js';
import { type TraceResult, traceResultSchema } from '../../src/code/service.js';

const checkout = {
  name: 'checkout',
  qualified_name: 'checkout',
  kind: 'function',
  file: 'src/checkout.ts',
  line: 12,
} as const;
const place = {
  name: 'place',
  qualified_name: 'OrderService.place',
  kind: 'method',
  file: 'src/orders.ts',
  line: 20,
} as const;
const charge = {
  name: 'charge',
  qualified_name: 'StripeGateway.charge',
  kind: 'method',
  file: 'src/stripe.ts',
  line: 8,
} as const;

const found: TraceResult = {
  status: 'found',
  from: checkout,
  to: charge,
  candidates: { from: [checkout], to: [charge] },
  paths: [
    {
      hops: [
        { ...checkout, call: null, edge: null },
        {
          ...place,
          call: { file: 'src/checkout.ts', line: 14, column: 5, text: 'await orders.place(cart)' },
          edge: 'method',
        },
        {
          ...charge,
          call: { file: 'src/orders.ts', line: 22, column: 11, text: 'return this.gateway.charge(total);' },
          edge: 'dispatch',
        },
      ],
    },
  ],
  notes: [],
  stats: {
    files: 12,
    symbols: 40,
    edges: 55,
    index_ms: 35,
    cache: 'hit',
    too_large: { max_file_bytes: 2_000_000, files: 0, largest: [] },
  },
};

const twoPaths: TraceResult = {
  ...found,
  paths: [
    found.paths[0]!,
    {
      hops: [
        found.paths[0]!.hops[0]!,
        {
          ...charge,
          call: { file: 'src/checkout.ts', line: 30, column: 3, text: 'gw.charge(1)' },
          edge: 'heuristic',
        },
      ],
    },
  ],
};

describe('text format', () => {
  it('prints a header, each hop with file:line, each call with file:line:column, code and kind, and stats', () => {
    expect(formatTraceText(found)).toBe(
      [
        'checkout → StripeGateway.charge: 1 call path',
        '  1. checkout  src/checkout.ts:12',
        '  2. OrderService.place  src/orders.ts:20',
        '     ↳ src/checkout.ts:14:5  await orders.place(cart)  [method]',
        '  3. StripeGateway.charge  src/stripe.ts:8',
        '     ↳ src/orders.ts:22:11  return this.gateway.charge(total);  [dispatch]',
        '12 files, 40 symbols, 55 calls indexed in 35 ms (cache hit)',
        '',
      ].join('\n'),
    );
  });

  it('numbers several paths and marks heuristic calls', () => {
    const text = formatTraceText(twoPaths);
    expect(text).toContain('checkout → StripeGateway.charge: 2 call paths\npath 1 (2 calls)\n');
    expect(text).toContain(
      'path 2 (1 call)\n  1. checkout  src/checkout.ts:12\n  2. StripeGateway.charge  src/stripe.ts:8\n',
    );
    expect(text).toContain('↳ src/checkout.ts:30:3  gw.charge(1)  [heuristic]');
  });

  it("prints a hop's reasons (--why) under its call site, oldest first", () => {
    const hops = found.paths[0]!.hops.map((hop, i) =>
      i === 1 ? { ...hop, why: ['an instance of OrderService', 'its method .place'] } : hop,
    );
    const result = { ...found, paths: [{ hops }] };
    expect(traceResultSchema.parse(result)).toEqual(result);
    const lines = formatTraceText(result).split('\n');
    const at = lines.findIndex((line) => line.includes('OrderService.place  src/orders.ts:20'));
    expect(lines[at + 2]).toBe('       why: an instance of OrderService → its method .place');
    expect(formatTraceText(found)).not.toContain('why:');
  });

  it('lists candidates and notes when ambiguous', () => {
    const other = { ...charge, qualified_name: 'PaypalGateway.charge', file: 'src/paypal.ts' };
    const text = formatTraceText({
      ...found,
      status: 'ambiguous',
      from: null,
      to: null,
      candidates: { from: [checkout], to: [charge, other] },
      paths: [],
      notes: ['qualify the names'],
    });
    expect(text).toContain(
      'to candidates:\n  - StripeGateway.charge  src/stripe.ts:8  (method)\n  - PaypalGateway.charge  src/paypal.ts:8  (method)',
    );
    expect(text).toContain('note: qualify the names');
    expect(text).not.toContain('from candidates');
  });
});

describe('a hop called at several places', () => {
  const twoSites = structuredClone(found);
  twoSites.paths[0]!.hops[2]!.calls = [
    {
      file: 'src/orders.ts',
      line: 22,
      column: 11,
      text: 'return this.gateway.charge(total);',
      edge: 'dispatch',
    },
    { file: 'src/orders.ts', line: 31, column: 7, text: 'this.gateway.charge(fee);', edge: 'dispatch' },
  ];

  it('shows the first call site and says how many more, with a hint when asked for one', () => {
    const text = formatTraceText(twoSites, undefined, { hint: true });
    expect(text).toContain(
      '     ↳ src/orders.ts:22:11  return this.gateway.charge(total);  [dispatch]  +1 more\n',
    );
    expect(text).not.toContain('this.gateway.charge(fee)');
    expect(text).toContain('+N more: the same call is made at N more places; --all-sites lists them');
    expect(formatTraceText(found, undefined, { hint: true })).not.toContain('+N more');
  });

  it('lists every call site with allSites', () => {
    const text = formatTraceText(twoSites, undefined, { allSites: true, hint: true });
    expect(text).toContain(
      [
        '  3. StripeGateway.charge  src/stripe.ts:8',
        '     ↳ src/orders.ts:22:11  return this.gateway.charge(total);  [dispatch]',
        '     ↳ src/orders.ts:31:7  this.gateway.charge(fee);  [dispatch]',
      ].join('\n'),
    );
    expect(text).not.toContain('more');
  });

  it('says how many more in the diagrams', () => {
    expect(formatTraceMermaid(twoSites)).toContain('· src/orders.ts:22 (+1 more)');
    expect(formatTraceDot(twoSites)).toContain('src/orders.ts:22 (+1 more)"');
  });
});

describe('json format', () => {
  it('is exactly the TraceResult shape', () => {
    const parsed = traceResultSchema.parse(JSON.parse(formatTrace(found, 'json')));
    expect(parsed).toEqual(found);
  });
});

describe('mermaid format', () => {
  it('is a sequenceDiagram with one participant per hop and one labelled arrow per call', () => {
    expect(formatTraceMermaid(found)).toBe(
      [
        'sequenceDiagram',
        '  participant p1 as checkout (src/checkout.ts:12)',
        '  participant p2 as OrderService.place (src/orders.ts:20)',
        '  participant p3 as StripeGateway.charge (src/stripe.ts:8)',
        '  p1->>p2: await orders.place(cart) · src/checkout.ts:14',
        '  p2->>p3: return this.gateway.charge(total)#59; · src/orders.ts:22',
        '',
      ].join('\n'),
    );
  });

  it('shows several paths as alternatives, heuristic calls dotted', () => {
    const text = formatTraceMermaid(twoPaths);
    expect(text).toContain('  alt path 1\n    p1->>p2');
    expect(text).toContain('  else path 2\n    p1-->>p3: gw.charge(1) · src/checkout.ts:30\n  end\n');
  });

  it('escapes characters Mermaid reads as syntax', () => {
    const generic = structuredClone(found);
    generic.paths[0]!.hops[1]!.call!.text = 'container.get<Repo>().save(#1)';
    expect(formatTraceMermaid(generic)).toContain('container.get#60;Repo#62;().save(#35;1)');
  });
});

describe('dot format', () => {
  it('is a digraph with a node per hop and a labelled edge per call', () => {
    const dot = formatTraceDot(twoPaths);
    expect(dot.startsWith('digraph trace {\n')).toBe(true);
    expect(dot).toContain('"src/checkout.ts#checkout:12" [label="checkout\\nsrc/checkout.ts:12"];');
    expect(dot).toContain(
      '"src/checkout.ts#checkout:12" -> "src/orders.ts#OrderService.place:20" [label="await orders.place(cart)\\nsrc/checkout.ts:14"];',
    );
    expect(dot).toContain('[label="gw.charge(1)\\nsrc/checkout.ts:30", style=dashed];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('renders a graph with one cluster per file and escaped labels', () => {
    const dot = formatGraphDot({
      symbols: [
        { id: 'a.ts#f', name: 'f', qualified_name: 'f', kind: 'function', file: 'a.ts', line: 1 },
        { id: 'b.ts#"g"', name: 'g', qualified_name: 'g', kind: 'function', file: 'b.ts', line: 2 },
      ],
      edges: [{ from: 'a.ts#f', to: 'b.ts#"g"', call: { file: 'a.ts', line: 1, column: 2 }, edge: 'direct' }],
      instantiations: [{ from: 'a.ts#f', class: 'b.ts#Cart', call: { file: 'a.ts', line: 3, column: 5 } }],
    });
    expect(dot).toContain('subgraph cluster_0 {\n    label="a.ts";');
    expect(dot).toContain('"a.ts#f" -> "b.ts#\\"g\\"" [label="direct a.ts:1"];');
    expect(dot).toContain('"a.ts#f" -> "b.ts#Cart" [label="new a.ts:3", style=dotted];');
  });
});
