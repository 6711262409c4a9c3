import { describe, expect, it } from 'vitest';
import {
  choosePair,
  editDistance,
  matchEndpoint,
  notFoundNote,
  parseEndpoint,
  qualifyHint,
  uniqueEndpoint,
} from '../../src/code/endpoints.js';
import { UsageError } from '../../src/errors.js';
import { fn, graphOf } from './graph-builder.js';

const checkout = fn('src/checkout.ts', 'checkout', 3);
const place = fn('src/orders/service.ts', 'OrderService.place', 10, 'method');
const saveOrders = fn('src/orders/repo.ts', 'OrderRepo.save', 5, 'method');
const saveUsers = fn('src/users/repo.ts', 'UserRepo.save', 8, 'method');
const chargeCard = fn('src/payments/card.ts', 'chargeCard', 1);
const decoyCharge = fn('legacy/card.ts', 'chargeCard', 40);
const inner = fn('src/checkout.ts', 'checkout.validate', 5);
const moduleOf = { ...fn('src/checkout.ts', '<module>', 1, 'module'), name: '<module>' };
const graph = graphOf([checkout, place, saveOrders, saveUsers, chargeCard, decoyCharge, inner, moduleOf], []);
const ids = (symbols: { id: string }[]) => symbols.map((s) => s.id);

describe('parseEndpoint', () => {
  it('reads name, Class.method, path:name and path:Class.method', () => {
    expect(parseEndpoint('checkout')).toEqual({ raw: 'checkout', name: 'checkout' });
    expect(parseEndpoint('OrderService.place')).toEqual({
      raw: 'OrderService.place',
      name: 'OrderService.place',
    });
    expect(parseEndpoint('src/checkout.ts:checkout')).toMatchObject({
      file: 'src/checkout.ts',
      name: 'checkout',
    });
    expect(parseEndpoint('./src/orders/service.ts:OrderService.place')).toMatchObject({
      file: 'src/orders/service.ts',
      name: 'OrderService.place',
    });
  });

  it('refuses an endpoint without a name, saying how to write one', () => {
    expect(() => parseEndpoint('src/a.ts:')).toThrow(UsageError);
    expect(() => parseEndpoint('  ')).toThrow(/Class\.method/);
  });
});

describe('matchEndpoint', () => {
  it('matches a plain name against symbol names, not module symbols', () => {
    expect(ids(matchEndpoint(graph, parseEndpoint('checkout')))).toEqual([checkout.id]);
    expect(ids(matchEndpoint(graph, parseEndpoint('save')))).toEqual([saveOrders.id, saveUsers.id]);
  });

  it('matches Class.method and outer.inner against qualified names', () => {
    expect(ids(matchEndpoint(graph, parseEndpoint('OrderService.place')))).toEqual([place.id]);
    expect(ids(matchEndpoint(graph, parseEndpoint('checkout.validate')))).toEqual([inner.id]);
    expect(ids(matchEndpoint(graph, parseEndpoint('Repo.save')))).toEqual([]);
  });

  it('narrows by file: exact path, path suffix, or path without extension', () => {
    expect(ids(matchEndpoint(graph, parseEndpoint('src/payments/card.ts:chargeCard')))).toEqual([
      chargeCard.id,
    ]);
    expect(ids(matchEndpoint(graph, parseEndpoint('payments/card.ts:chargeCard')))).toEqual([chargeCard.id]);
    expect(ids(matchEndpoint(graph, parseEndpoint('legacy/card:chargeCard')))).toEqual([decoyCharge.id]);
    expect(ids(matchEndpoint(graph, parseEndpoint('card.ts:chargeCard')))).toEqual([
      decoyCharge.id,
      chargeCard.id,
    ]);
    expect(ids(matchEndpoint(graph, parseEndpoint('users/repo.ts:save')))).toEqual([saveUsers.id]);
  });

  it('names a file module symbol with <module>', () => {
    expect(ids(matchEndpoint(graph, parseEndpoint('src/checkout.ts:<module>')))).toEqual([moduleOf.id]);
  });
});

describe('file parts match whole path segments, an exact path first', () => {
  // Two builds of one module (esm/ and cjs/) and a vendored copy whose path ends like one of them.
  const esmFoo = fn('esm/x.js', 'foo', 1);
  const cjsFoo = fn('cjs/x.js', 'foo', 1);
  const libFoo = fn('lib/esm/x.js', 'foo', 1);
  const copies = graphOf([esmFoo, cjsFoo, libFoo], []);

  it('takes the file at exactly that path when there is one', () => {
    expect(ids(matchEndpoint(copies, parseEndpoint('esm/x.js:foo')))).toEqual([esmFoo.id]);
    expect(ids(matchEndpoint(copies, parseEndpoint('esm/x:foo')))).toEqual([esmFoo.id]);
    expect(ids(matchEndpoint(copies, parseEndpoint('lib/esm/x.js:foo')))).toEqual([libFoo.id]);
  });

  it('otherwise takes every file ending in those whole segments', () => {
    expect(ids(matchEndpoint(copies, parseEndpoint('x.js:foo')))).toEqual([cjsFoo.id, esmFoo.id, libFoo.id]);
    expect(ids(matchEndpoint(copies, parseEndpoint('sm/x.js:foo')))).toEqual([]);
  });

  it('suggests for each candidate a form that names it alone', () => {
    expect([esmFoo, cjsFoo, libFoo].map((s) => uniqueEndpoint(copies, s))).toEqual([
      'esm/x.js:foo',
      'cjs/x.js:foo',
      'lib/esm/x.js:foo',
    ]);
    expect(qualifyHint(copies, 'foo', [cjsFoo, esmFoo])).toBe(
      'write "foo" as one of: cjs/x.js:foo, esm/x.js:foo',
    );
  });

  it('suggests Class.method when the candidates share a file', () => {
    const aRun = fn('src/jobs.ts', 'A.run', 2, 'method');
    const bRun = fn('src/jobs.ts', 'B.run', 9, 'method');
    const jobs = graphOf([aRun, bRun], []);
    expect(ids(matchEndpoint(jobs, parseEndpoint('run')))).toEqual([aRun.id, bRun.id]);
    expect([aRun, bRun].map((s) => uniqueEndpoint(jobs, s))).toEqual(['A.run', 'B.run']);
  });
});

describe('path/file.ts:LINE endpoints', () => {
  const outer = { ...fn('src/app.ts', 'start', 3), end_line: 20 };
  const nested = { ...fn('src/app.ts', 'start.onTick', 8), column: 5, end_line: 12 };
  const sameLine = { ...fn('src/app.ts', 'start.cb', 8), column: 30, end_line: 8 };
  const app = graphOf([outer, nested, sameLine], []);

  it('reads the line', () => {
    expect(parseEndpoint('src/app.ts:10')).toMatchObject({ file: 'src/app.ts', line: 10 });
    expect(parseEndpoint('10')).not.toHaveProperty('line');
  });

  it('names the innermost symbol whose lines hold it', () => {
    expect(ids(matchEndpoint(app, parseEndpoint('src/app.ts:4')))).toEqual([outer.id]);
    expect(ids(matchEndpoint(app, parseEndpoint('app.ts:10')))).toEqual([nested.id]);
    expect(ids(matchEndpoint(app, parseEndpoint('src/app.ts:8')))).toEqual([sameLine.id]);
    expect(matchEndpoint(app, parseEndpoint('src/app.ts:30'))).toEqual([]);
  });

  it('says no symbol holds a line outside every one', () => {
    expect(notFoundNote(app, parseEndpoint('src/app.ts:30'))).toBe(
      'no function, method or class of src/app.ts holds line 30',
    );
  });
});

describe('notFoundNote', () => {
  it('suggests the closest names by edit distance', () => {
    expect(notFoundNote(graph, parseEndpoint('chargCard'))).toBe(
      'no symbol "chargCard"; closest: chargeCard',
    );
    expect(notFoundNote(graph, parseEndpoint('OrderService.plac'))).toContain('closest: OrderService.place');
  });

  it('suggests at most five names', () => {
    const many = graphOf(
      ['save1', 'save2', 'save3', 'save4', 'save5', 'save6'].map((n, i) => fn('a.ts', n, i + 1)),
      [],
    );
    const note = notFoundNote(many, parseEndpoint('save'));
    expect(note).toBe('no symbol "save"; closest: save1, save2, save3, save4, save5');
  });

  it('names the closest files when the file part matches no file', () => {
    expect(notFoundNote(graph, parseEndpoint('src/checkot.ts:checkout'))).toBe(
      'no indexed file matches "src/checkot.ts"; closest files: src/checkout.ts',
    );
  });

  it('looks for names within the file when the file exists', () => {
    expect(notFoundNote(graph, parseEndpoint('src/checkout.ts:checkou'))).toBe(
      'no symbol "checkou" in src/checkout.ts; closest: checkout',
    );
  });

  it('computes Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('choosePair', () => {
  const connects = (pairs: [string, string][]) => (from: { id: string }, to: { id: string }) =>
    pairs.some(([f, t]) => f === from.id && t === to.id) ? [`${from.id}->${to.id}`] : [];

  it('answers a unique pair that connects', () => {
    const choice = choosePair([checkout], [chargeCard], connects([[checkout.id, chargeCard.id]]));
    expect(choice).toMatchObject({
      type: 'found',
      from: checkout,
      to: chargeCard,
      paths: [`${checkout.id}->${chargeCard.id}`],
    });
    expect(choice.type === 'found' && choice.note).toBeFalsy();
  });

  it('says a unique pair that does not connect is not connected, not ambiguous', () => {
    expect(choosePair([checkout], [chargeCard], connects([]))).toMatchObject({ type: 'not_connected' });
  });

  it('answers the only connecting pair among several candidates, with a note naming the choice', () => {
    const choice = choosePair(
      [checkout],
      [decoyCharge, chargeCard],
      connects([[checkout.id, chargeCard.id]]),
    );
    expect(choice).toMatchObject({ type: 'found', to: chargeCard });
    expect(choice.type === 'found' && choice.note).toBe(
      '2 candidate pairs; only checkout (src/checkout.ts:3) reaches chargeCard (src/payments/card.ts:1)',
    );
  });

  it('is ambiguous when several pairs connect', () => {
    const choice = choosePair(
      [checkout],
      [decoyCharge, chargeCard],
      connects([
        [checkout.id, chargeCard.id],
        [checkout.id, decoyCharge.id],
      ]),
    );
    expect(choice).toMatchObject({ type: 'ambiguous' });
    expect(choice.type === 'ambiguous' && choice.connecting).toHaveLength(2);
  });

  it('is ambiguous when several candidates exist and no pair connects', () => {
    expect(choosePair([saveOrders, saveUsers], [chargeCard], connects([]))).toEqual({
      type: 'ambiguous',
      connecting: [],
    });
  });
});
