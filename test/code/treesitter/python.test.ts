import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonAdapter } from '../../../src/code/treesitter/index.js';
import { fixturesDir, type LinkedFixture, linkDirectory, sourceFile } from './link-fixture.js';

const shop = join(fixturesDir, 'py-shop');
let linked: LinkedFixture;

beforeAll(async () => {
  linked = await linkDirectory(pythonAdapter, shop);
});

describe('python adapter on the shop fixture', () => {
  it('follows checkout to charge_card through a nested function, a factory and the gateway the factory passed in', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'checkout -> make_service (direct) @13',
        'checkout -> checkout.pay (direct) @14',
        'checkout.pay -> OrderService.place (method) @11',
        'OrderService.place -> CardGateway.charge (method) @19',
        'CardGateway.charge -> charge_card (direct) @18',
      ]),
    );
    // The value that reaches `self.gateway` is a CardGateway: the annotation's other subclasses are not called.
    expect(
      linked.edges.filter((e) => e.startsWith('OrderService.place -> ') && e.includes('.charge')),
    ).toEqual(['OrderService.place -> CardGateway.charge (method) @19']);
  });

  it('links constructor calls to __init__ (inherited when the class has none of its own), and a class without one to nothing', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'make_service -> OrderService.__init__ (constructor) @18',
        'make_service -> CardGateway.__init__ (constructor) @18',
        'BaseService.log -> Loader.__init__ (constructor) @8',
      ]),
    );
    expect(linked.edges.filter((e) => e.startsWith('print_report -> '))).toEqual([
      'print_report -> Reporter.charge (method) @14',
    ]);
    expect(linked.symbol('src/store/shop/orders.py', 'OrderService.__init__')?.kind).toBe('constructor');
  });

  it('types the value of a constructor call, so a chained call is a method call on that class', () => {
    expect(linked.edges).toContain('BaseService.log -> Loader.write (method) @8');
  });

  it('finds inherited methods, super() calls, recursion, cls() in a classmethod and static methods through the class', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'OrderService.place -> BaseService.log (method) @18',
        'CardGateway.__init__ -> PaymentGateway.__init__ (method) @15',
        'OrderService.total -> OrderService.total (method) @24',
        'charge_card -> charge_card (direct) @3',
        'OrderService.create -> OrderService.__init__ (constructor) @28',
        'summary -> OrderService.describe (method) @40',
        'OrderService.describe -> format_total (direct) @32',
      ]),
    );
  });

  it('resolves `import a.b as c` with an annotated local, `from ..pkg import` through a package __init__ re-export', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'checkout_again -> OrderService.place (method) @23',
        'refund -> charge_card (direct) @5',
      ]),
    );
    const refund = linked.graph.edges.find((e) => linked.symbols.get(e.from)?.qualified_name === 'refund');
    expect(refund?.to).toBe('src/store/payments/card.py#charge_card');
  });

  it('gives module-level code, class bodies included, to <module>: a decorator runs where the class statement runs', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        '<module> -> checkout (direct) @36',
        '<module> -> audited (direct) @15',
        '<module> -> audited.wrap (direct) @15',
      ]),
    );
    expect(linked.graph.edges.filter((e) => e.from === 'src/store/shop/orders.py#OrderService')).toEqual([]);
    expect(linked.symbol('app.py', '<module>')?.kind).toBe('module');
  });

  it('never joins the decoys: the legacy charge_card and the unrelated Reporter.charge', () => {
    const intoLegacy = linked.graph.edges.filter(
      (e) => e.to.startsWith('legacy/') && !e.from.startsWith('legacy/'),
    );
    expect(intoLegacy).toEqual([]);
    const toReporterCharge = linked.graph.edges.filter(
      (e) => e.to === 'src/store/reports.py#Reporter.charge',
    );
    expect(toReporterCharge.map((e) => e.from)).toEqual(['src/store/reports.py#print_report']);
  });

  it('guesses by name only for an unknown receiver, marks the edge heuristic, and never beside a precise edge', () => {
    const guesses = linked.graph.edges.filter((e) => e.kind === 'heuristic');
    expect(guesses.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'src/store/reports.py#export -> src/store/reports.py#Reporter.flush_rows',
    ]);
    expect(guesses[0]?.note).toMatch(/by name only/);
  });

  it('links a function handed to library code through that code: caller -> threading.Thread -> the function', () => {
    expect(linked.edges.filter((e) => e.includes('drain_queue') && !e.startsWith('drain_queue'))).toEqual([
      'threading.Thread -> drain_queue (callback) @27',
    ]);
    expect(linked.edges).toContain('start_worker -> threading.Thread (external) @27');
    const hop = linked.graph.symbols.find((s) => s.kind === 'external');
    expect(hop).toMatchObject({ name: 'threading.Thread', file: '' });
    // Nothing pretends start_worker calls drain_queue itself.
    expect(linked.edges.some((e) => e.startsWith('start_worker -> drain_queue'))).toBe(false);
  });

  it('records call sites with the line text', () => {
    const edge = linked.graph.edges.find(
      (e) => e.to === 'src/store/payments/card.py#charge_card' && e.from.endsWith('#CardGateway.charge'),
    );
    expect(edge?.call).toEqual({
      file: 'src/store/payments/gateways.py',
      line: 18,
      column: 21,
      text: 'return card.charge_card(amount)',
    });
  });
});

describe('python modules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'office-py-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves imports when the indexed directory is itself a package', async () => {
    await cp(join(shop, 'src', 'store'), join(dir, 'store'), { recursive: true });
    const inner = await linkDirectory(pythonAdapter, join(dir, 'store'));
    // Nothing in the package builds an OrderService with a concrete gateway: the annotation speaks, and dispatches.
    expect(inner.edges).toEqual(
      expect.arrayContaining([
        'OrderService.place -> CardGateway.charge (dispatch) @19',
        'OrderService.place -> PaypalGateway.charge (dispatch) @19',
        'refund -> charge_card (direct) @5',
        'CardGateway.charge -> charge_card (direct) @18',
      ]),
    );
  });

  it('extracts the same facts for the same text wherever the file is (facts are cached by content hash)', () => {
    const text = 'from .a import b\n\nclass C(B):\n    def m(self):\n        return b(self)\n';
    const here = pythonAdapter.extract(sourceFile('x/one.py', text));
    const there = pythonAdapter.extract(sourceFile('y/z/two.py', text));
    expect(there).toEqual(here);
    expect(JSON.parse(JSON.stringify(here))).toEqual(here);
  });

  it('parses a file with syntax errors without throwing and keeps what it can', () => {
    const facts = pythonAdapter.extract(
      sourceFile('broken.py', 'def ok():\n    go()\n\ndef broken(:\n    pass\n'),
    );
    expect(facts.defs.map((d) => d.qn)).toContain('ok');
    expect(facts.flow.o.some((op) => op.o === 'call' && op.x === 'go')).toBe(true);
  });
});
