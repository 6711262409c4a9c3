// ES5 classes in JavaScript: methods from an object literal assigned to a prototype, merged with Object.assign or
// given as property descriptors, and inheritance through util.inherits, Object.create and Object.setPrototypeOf. Calls on instances resolve
// precisely (kind `method`), to an override where there is one, and never to same-named decoys.
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureGraph, linkFixture } from './fixture-graph.js';

describe('JS/TS adapter on ES5 classes', () => {
  let es5: FixtureGraph;
  beforeAll(async () => {
    es5 = await linkFixture('js-es5');
  });

  const at = (path: string, snippet: string): number => es5.lineOf(path, snippet);

  it('makes the properties of `F.prototype = {...}` and `Object.assign(F.prototype, {...})` methods of F', () => {
    expect(es5.edges()).toEqual(
      expect.arrayContaining([
        `app.js#checkout -> cached.js#CachedStore.warm [method] :${at('app.js', 'store.warm()')}`,
        `cached.js#CachedStore.warm -> cached.js#CachedStore.flush [method] :${at('cached.js', 'this.flush()')}`,
        `base.js#Store.save -> base.js#writeRow [direct] :${at('base.js', 'return writeRow')}`,
      ]),
    );
    expect(es5.symbol('base.js#Store.save')).toMatchObject({ qualified_name: 'Store.save', line: 7 });
  });

  it('follows util.inherits, Object.create and Object.setPrototypeOf to the base class', () => {
    expect(es5.edges()).toEqual(
      expect.arrayContaining([
        `cached.js#CachedStore.flush -> base.js#Store.save [method] :${at('cached.js', 'this.save(')}`,
        `queue.js#Mirror.copy -> base.js#Store.save [method] :${at('queue.js', 'this.save(')}`,
        `app.js#checkout -> queue.js#Mirror.copy [method] :${at('app.js', '.copy()')}`,
      ]),
    );
  });

  it('makes descriptor values of Object.create and Object.defineProperty methods, and getters symbols', () => {
    expect(es5.edges()).toEqual(
      expect.arrayContaining([
        `app.js#checkout -> journal.js#Journal.replay [method] :${at('app.js', '.replay()')}`,
        `journal.js#Journal.replay -> journal.js#Journal.append [method] :${at('journal.js', 'this.append(')}`,
        `journal.js#Journal.append -> base.js#Store.save [method] :${at('journal.js', 'this.save(')}`,
        `journal.js#Journal.size -> journal.js#countRows [direct] :${at('journal.js', 'countRows(this.db)')}`,
      ]),
    );
    expect(es5.edges().filter((edge) => edge.startsWith('journal.js#<module>'))).toEqual([]);
  });

  it('calls the override on an instance of the subclass, not the base method', () => {
    const line = at('app.js', 'queue.save(order)');
    const fromCheckout = es5
      .edges()
      .filter((edge) => edge.startsWith('app.js#') && edge.endsWith(`:${line}`));
    expect(fromCheckout).toEqual([`app.js#checkout -> queue.js#Queue.save [method] :${line}`]);
  });

  it('keeps same-named methods of unrelated constructors and objects out, with no name-only guesses', () => {
    const edges = es5.edges();
    expect(edges.filter((edge) => edge.includes('decoys.js'))).toEqual([]);
    expect(edges.filter((edge) => edge.includes('[heuristic]'))).toEqual([]);
    // Passing the constructors to util.inherits shapes classes; it is not a callback of the module.
    expect(edges.filter((edge) => edge.startsWith('cached.js#<module>'))).toEqual([]);
  });
});
