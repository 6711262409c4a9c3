import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { javaAdapter } from '../../../src/code/treesitter/index.js';
import { fixturesDir, type LinkedFixture, linkDirectory, sourceFile } from './link-fixture.js';

const base = 'src/main/java/com/shop';
let linked: LinkedFixture;

beforeAll(async () => {
  linked = await linkDirectory(javaAdapter, join(fixturesDir, 'java-shop'));
});

describe('java adapter on the shop fixture', () => {
  it('follows checkout to chargeCard through a wildcard import, `var x = new X()`, a field of an interface type and dispatch', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'App.checkout -> OrderService.constructor (constructor) @12',
        'App.checkout -> OrderService.placeOrder (method) @13',
        'OrderService.placeOrder -> PaymentGateway.charge (method) @19',
        'OrderService.placeOrder -> CardGateway.charge (dispatch) @19',
        'CardGateway.charge -> Cards.chargeCard (direct) @6',
      ]),
    );
  });

  it('dispatches from an interface method to implementations and overrides at every depth', () => {
    const dispatched = linked.graph.edges.filter((e) => e.kind === 'dispatch').map((e) => e.to.split('#')[1]);
    expect(dispatched.sort()).toEqual([
      'AbstractGateway.charge',
      'CardGateway.charge',
      'PaypalGateway.charge',
    ]);
  });

  it('links constructors by arity, super(...) to the superclass constructor, and `new X()` without one to the class', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'OrderService.constructor -> BaseService.constructor (constructor) @11',
        'App.checkout -> CardGateway (constructor) @12',
        'App.main -> App (constructor) @8',
      ]),
    );
    expect(linked.symbol(`${base}/orders/OrderService.java`, 'OrderService.constructor')?.kind).toBe(
      'constructor',
    );
  });

  it('keeps overloads apart (`~2`) and links each call by its argument count', () => {
    const file = `${base}/orders/OrderService.java`;
    const twoArgs = `${file}#OrderService.total`;
    const oneArg = `${file}#OrderService.total~2`;
    expect(linked.symbols.get(oneArg)?.line).toBe(29);
    const callsTo = (id: string) =>
      linked.graph.edges.filter((e) => e.to === id).map((e) => e.from.split('#')[1]);
    expect(callsTo(twoArgs).sort()).toEqual([
      'OrderService.placeOrder',
      'OrderService.total',
      'OrderService.total~2',
    ]);
    expect(callsTo(oneArg)).toEqual([]);
  });

  it('resolves overriding methods, super.m(), static calls through a class, static imports and recursion', () => {
    expect(linked.edges).toEqual(
      expect.arrayContaining([
        'OrderService.placeOrder -> OrderService.log (method) @17',
        'OrderService.log -> BaseService.log (method) @35',
        'BaseService.log -> Util.format (direct) @13',
        'OrderService.placeOrder -> Audit.record (direct) @18',
        'Cards.chargeCard -> Cards.chargeCard (direct) @9',
      ]),
    );
  });

  it('links a method reference as a callback of the method that passes it', () => {
    expect(linked.edges.filter((e) => e.includes('(callback)'))).toEqual([
      'App.schedule -> App.retry (callback) @17',
    ]);
  });

  it('never joins the decoys: Billing.chargeCard and the unrelated Reporter.charge', () => {
    expect(
      linked.graph.edges.filter((e) => e.to.includes('/legacy/') && !e.from.includes('/legacy/')),
    ).toEqual([]);
    expect(
      linked.graph.edges.filter((e) => e.to.endsWith('#Reporter.charge')).map((e) => e.from.split('#')[1]),
    ).toEqual(['Reporter.printReport']);
  });

  it('guesses by name only for an untyped lambda parameter, marked heuristic', () => {
    const guesses = linked.graph.edges.filter((e) => e.kind === 'heuristic');
    expect(guesses.map((e) => `${e.from.split('#')[1]} -> ${e.to.split('#')[1]}`)).toEqual([
      'Reporter.export -> Reporter.flushRows',
    ]);
  });

  it('extracts the same facts for the same text wherever the file is', () => {
    const text = 'package p;\nclass A { void m() { new B().n(); } }\n';
    expect(javaAdapter.extract(sourceFile('a/A.java', text))).toEqual(
      javaAdapter.extract(sourceFile('b/A.java', text)),
    );
  });
});
