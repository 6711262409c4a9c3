// `--format vimgrep`: one `file:line:column:text` line per hop and per call site, the lines vim's :cexpr and
// ripgrep's --vimgrep use, with paths as the caller's view shows them.
import { describe, expect, it } from 'vitest';
import type { ShowPath } from '../../src/code/format.js';
import { formatNeighboursVimgrep, formatTraceVimgrep } from '../../src/code/format-vimgrep.js';
import type { IndexStats, NeighboursResult, TraceResult } from '../../src/code/service.js';

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
const legacy = {
  name: 'charge',
  qualified_name: 'LegacyGateway.charge',
  kind: 'method',
  file: 'src/legacy.ts',
  line: 3,
} as const;
const stats: IndexStats = {
  files: 3,
  symbols: 4,
  edges: 3,
  index_ms: 1,
  cache: 'hit',
  too_large: { max_file_bytes: 2_000_000, files: 0, largest: [] },
};

const toPlace = {
  ...place,
  call: { file: 'src/checkout.ts', line: 14, column: 5, text: 'await orders.place(cart)' },
  edge: 'method',
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
        toPlace,
        {
          ...charge,
          call: {
            file: 'src/orders.ts',
            line: 22,
            column: 11,
            text: 'return this.gateway\n    .charge(total);',
          },
          edge: 'dispatch',
        },
      ],
    },
    {
      hops: [
        { ...checkout, call: null, edge: null },
        toPlace,
        {
          ...legacy,
          call: { file: 'src/orders.ts', line: 30, column: 7, text: 'charge(total)' },
          edge: 'heuristic',
        },
      ],
    },
  ],
  notes: [],
  stats,
};

/** A view that marks the paths it was asked for, to show every path goes through it. */
const fromSub: ShowPath = (file, line, column) => `../${file}:${line}:${column}`;

describe('trace as vimgrep', () => {
  it('gives the start, then each call at its call site with caller, callee and code; each line once', () => {
    expect(formatTraceVimgrep(found, fromSub).split('\n')).toEqual([
      '../src/checkout.ts:12:1:checkout',
      '../src/checkout.ts:14:5:checkout → OrderService.place: await orders.place(cart)',
      '../src/orders.ts:22:11:OrderService.place → StripeGateway.charge: return this.gateway .charge(total);',
      '../src/orders.ts:30:7:OrderService.place → LegacyGateway.charge (by name only): charge(total)',
      '',
    ]);
  });

  it('lists the candidates of an ambiguous name at their declarations', () => {
    const ambiguous: TraceResult = {
      ...found,
      status: 'ambiguous',
      to: null,
      paths: [],
      candidates: { from: [checkout], to: [charge, legacy] },
    };
    expect(formatTraceVimgrep(ambiguous, fromSub)).toBe(
      '../src/stripe.ts:8:1:to candidate StripeGateway.charge (method)\n' +
        '../src/legacy.ts:3:1:to candidate LegacyGateway.charge (method)\n',
    );
  });

  it('prints nothing when no path connects (the notes go to stderr)', () => {
    const none: TraceResult = { ...found, status: 'not_found', paths: [], notes: ['no call path'] };
    expect(formatTraceVimgrep(none, fromSub)).toBe('');
  });
});

describe('callers and callees as vimgrep', () => {
  const calls = [
    {
      symbol: checkout,
      call: { file: 'src/checkout.ts', line: 14, column: 5, text: 'await orders.place(cart)' },
      edge: 'method',
    },
    {
      symbol: legacy,
      call: { file: 'src/legacy.ts', line: 9, column: 3, text: 'place(x)' },
      edge: 'heuristic',
    },
  ] as const;
  const callers: NeighboursResult = {
    status: 'found',
    symbol: place,
    candidates: [place],
    direction: 'callers',
    calls: [...calls],
    notes: [],
    stats,
  };

  it('callers: one line per call site, the caller first', () => {
    expect(formatNeighboursVimgrep(callers, fromSub)).toBe(
      '../src/checkout.ts:14:5:checkout → OrderService.place: await orders.place(cart)\n' +
        '../src/legacy.ts:9:3:LegacyGateway.charge → OrderService.place (by name only): place(x)\n',
    );
  });

  it('callees: the symbol asked about is the caller', () => {
    const callees: NeighboursResult = {
      ...callers,
      symbol: checkout,
      direction: 'callees',
      calls: [{ ...calls[0], symbol: place }],
    };
    expect(formatNeighboursVimgrep(callees, fromSub)).toBe(
      '../src/checkout.ts:14:5:checkout → OrderService.place: await orders.place(cart)\n',
    );
  });

  it('a tree: every call site of every link, depth first, the caller first in each line', () => {
    const node = (
      symbol: typeof checkout | typeof place | typeof charge,
      sites: NeighboursResult['calls'],
    ) => ({
      ...symbol,
      edge: sites[0]?.edge ?? null,
      call: sites[0]?.call ?? null,
      calls: sites.map((site) => ({ ...site.call, edge: site.edge })),
      cycle: false,
      more: 0,
      children: [] as unknown[],
    });
    const siteOf = (file: string, line: number, text: string) =>
      ({ symbol: charge, call: { file, line, column: 3, text }, edge: 'method' }) as const;
    // charge ← place (two call sites) ← checkout
    const placeNode = node(place, [
      siteOf('src/orders.ts', 22, 'gw.charge(a)'),
      siteOf('src/orders.ts', 30, 'gw.charge(b)'),
    ]);
    placeNode.children = [node(checkout, [siteOf('src/checkout.ts', 14, 'orders.place(cart)')])];
    const root = { ...node(charge, []), children: [placeNode] };
    const tree: NeighboursResult = {
      ...callers,
      symbol: charge,
      calls: [],
      tree: root as NeighboursResult['tree'],
    };
    expect(formatNeighboursVimgrep(tree, fromSub)).toBe(
      '../src/orders.ts:22:3:OrderService.place → StripeGateway.charge: gw.charge(a)\n' +
        '../src/orders.ts:30:3:OrderService.place → StripeGateway.charge: gw.charge(b)\n' +
        '../src/checkout.ts:14:3:checkout → OrderService.place: orders.place(cart)\n',
    );
  });

  it('an unknown name prints nothing; an ambiguous one lists the candidates', () => {
    expect(
      formatNeighboursVimgrep({ ...callers, status: 'not_found', symbol: null, calls: [] }, fromSub),
    ).toBe('');
    expect(
      formatNeighboursVimgrep(
        { ...callers, status: 'ambiguous', symbol: null, calls: [], candidates: [charge, legacy] },
        fromSub,
      ),
    ).toBe(
      '../src/stripe.ts:8:1:symbol candidate StripeGateway.charge (method)\n' +
        '../src/legacy.ts:3:1:symbol candidate LegacyGateway.charge (method)\n',
    );
  });
});
