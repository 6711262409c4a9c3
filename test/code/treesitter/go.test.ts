import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goAdapter } from '../../../src/code/treesitter/index.js';
import { fixturesDir, type LinkedFixture, linkDirectory, sourceFile } from './link-fixture.js';

let linked: LinkedFixture;

beforeAll(async () => {
  linked = await linkDirectory(goAdapter, join(fixturesDir, 'go-shop'));
});

describe('go adapter on the shop fixture', () => {
  it('follows checkout to ChargeCard through go.mod import paths, a constructor function and an interface field', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'checkout -> NewService (direct) @20',
        'checkout -> NewCardGateway (direct) @20',
        'checkout -> Service.PlaceOrder (method) @21',
        'Service.PlaceOrder -> Gateway.Charge (method) @18',
        'Service.PlaceOrder -> CardGateway.Charge (dispatch) @18',
        'CardGateway.Charge -> ChargeCard (direct) @10',
      ]),
    );
  });

  it('dispatches an interface call to every type with a matching method set, and only to those', () => {
    const dispatched = linked.graph.edges.filter((e) => e.kind === 'dispatch').map((e) => e.to);
    expect(dispatched.sort()).toEqual([
      'payments/card.go#CardGateway.Charge',
      'payments/paypal.go#PaypalGateway.Charge',
    ]);
    expect(linked.graph.edges.find((e) => e.kind === 'dispatch')?.note).toBe(
      'dispatch through Gateway.Charge',
    );
  });

  it('finds methods promoted through an embedded struct, and recursion through a receiver', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'Service.PlaceOrder -> Auditor.Record (method) @17',
        'Service.PlaceOrder -> Service.total (method) @16',
        'Service.total -> Service.total (method) @25',
        'ChargeCard -> ChargeCard (direct) @15',
      ]),
    );
  });

  it('links a function passed as an argument as a callback of the caller', () => {
    expect(linked.edges.filter((e) => e.includes('(callback)'))).toEqual([
      'serve -> handleCheckout (callback) @25',
    ]);
  });

  it('gives package-level variable initialisers to a <module> symbol', () => {
    expect(linked.edges).toContain('<module> -> NewService (direct) @11');
    expect(linked.symbol('main.go', '<module>')?.kind).toBe('module');
  });

  it('never joins the decoys: legacy.ChargeCard, Reporter.Charge (other parameter type) and Ledger.Charge (other arity)', () => {
    const into = (prefix: string) =>
      linked.graph.edges.filter((e) => e.to.startsWith(prefix) && !e.from.startsWith(prefix));
    expect(into('legacy/')).toEqual([]);
    expect(
      linked.graph.edges.filter((e) => e.to === 'reports/report.go#Reporter.Charge').map((e) => e.from),
    ).toEqual(['reports/report.go#PrintReport']);
    expect(linked.graph.edges.filter((e) => e.to === 'payments/paypal.go#Ledger.Charge')).toEqual([]);
  });

  it('guesses by name only for a receiver of an unnamed interface type, marked heuristic', () => {
    const guesses = linked.graph.edges.filter((e) => e.kind === 'heuristic');
    expect(guesses.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'reports/report.go#Export -> reports/report.go#Reporter.FlushRows',
    ]);
  });
});

describe('go packages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'office-go-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(path: string, text: string): Promise<void> {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }

  it('maps an aliased import through a nested go.mod, types multi-value results and ranges over typed slices', async () => {
    await put('svc/go.mod', 'module example.org/svc\n');
    await put(
      'svc/store/store.go',
      [
        'package store',
        'type Item struct{}',
        'func (i Item) Price() int { return 1 }',
        'type Store struct{ items []Item }',
        'func Open(path string) (*Store, error) { return &Store{}, nil }',
        'func (s *Store) Items() []Item { return s.items }',
        '',
      ].join('\n'),
    );
    await put(
      'svc/main.go',
      [
        'package main',
        'import st "example.org/svc/store"',
        'func main() {',
        '\ts, err := st.Open("x")',
        '\t_ = err',
        '\tfor _, it := range s.Items() {',
        '\t\tit.Price()',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const result = await linkDirectory(goAdapter, dir);
    expect(result.edges).toEqual(
      expect.arrayContaining([
        'main -> Open (direct) @4',
        'main -> Store.Items (method) @6',
        'main -> Item.Price (method) @7',
      ]),
    );
  });

  it('extracts the same facts for the same text wherever the file is', () => {
    const text = 'package p\nimport "fmt"\nfunc F() { fmt.Println(G()) }\nfunc G() int { return 1 }\n';
    expect(goAdapter.extract(sourceFile('a/x.go', text))).toEqual(
      goAdapter.extract(sourceFile('b/c/y.go', text)),
    );
  });
});
