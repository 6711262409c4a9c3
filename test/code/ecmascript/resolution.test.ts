import { describe, expect, it } from 'vitest';
import { linkFixture } from './fixture-graph.js';

describe('JS/TS adapter name and module resolution', () => {
  it('lets a parameter or block-scoped local named like an import shadow it', async () => {
    const fixture = await linkFixture('ts-shadowing');
    const at = (snippet: string) => fixture.lineOf('main.ts', snippet);
    const edges = fixture.edges();
    expect(edges.filter((edge) => edge.startsWith('main.ts#withCallback '))).toEqual([]);
    expect(edges).toEqual(
      expect.arrayContaining([
        `main.ts#usesImport -> store.ts#save [direct] :${at('save(load())')}`,
        `main.ts#usesImport -> store.ts#load [direct] :${at('save(load())')}`,
        `main.ts#blockScoped -> main.ts#blockScoped.save [direct] :${at("save('local')")}`,
        `main.ts#blockScoped -> main.ts#blockScoped.save~2 [direct] :${at("save('other')")}`,
        `main.ts#blockScoped -> store.ts#save [direct] :${at("save('imported')")}`,
        `main.ts#hoisted -> main.ts#hoisted.load [direct] :${at('  load();')}`,
      ]),
    );
    expect(
      edges.filter((edge) => edge.startsWith('main.ts#blockScoped ') && edge.includes('store.ts')),
    ).toHaveLength(1);
    expect(edges.some((edge) => edge.startsWith('main.ts#hoisted ') && edge.includes('store.ts'))).toBe(
      false,
    );
  });

  it('links mutual recursion across modules and recursion through methods', async () => {
    const fixture = await linkFixture('ts-cycles');
    expect(fixture.edges()).toEqual(
      expect.arrayContaining([
        `parity.ts#isEven -> parity-odd.ts#isOdd [direct] :${fixture.lineOf('parity.ts', 'isOdd(n - 1)')}`,
        `parity-odd.ts#isOdd -> parity.ts#isEven [direct] :${fixture.lineOf('parity-odd.ts', 'isEven(n - 1)')}`,
        `tree.ts#TreeNode.count -> tree.ts#TreeNode.count [method] :${fixture.lineOf('tree.ts', 'child.count()')}`,
        `tree.ts#factorial -> tree.ts#factorial [direct] :${fixture.lineOf('tree.ts', 'factorial(n - 1)')}`,
      ]),
    );
  });

  it('resolves a callback parameter typed only by its context through the checker', async () => {
    const fixture = await linkFixture('ts-cycles');
    const line = fixture.lineOf('tree.ts', 'child.depth()');
    expect(fixture.edges()).not.toContain(
      `tree.ts#TreeNode.depth -> tree.ts#TreeNode.depth [method] :${line}`,
    );
    const refined = await fixture.graph.refine!({ outgoingFrom: ['tree.ts#TreeNode.depth'] });
    expect(fixture.format(refined)).toEqual([
      `tree.ts#TreeNode.depth -> tree.ts#TreeNode.depth [method] :${line}`,
    ]);
  });

  it('types what comes out of typed Maps, WeakMaps and arrays, without the checker', async () => {
    const fixture = await linkFixture('ts-containers');
    const at = (snippet: string) => fixture.lineOf('session.ts', snippet);
    expect(
      fixture
        .edges()
        .filter((edge) => edge.startsWith('session.ts#'))
        .sort(),
    ).toEqual(
      [
        `session.ts#Session.push -> lanes.ts#Lane.fail [method] :${at("entry.lane.fail('limit')")}`,
        `session.ts#Session.retry -> lanes.ts#Lane.end [method] :${at('this.attempts.get(key)?.end()')}`,
        `session.ts#Session.drain -> lanes.ts#Lane.end [method] :${at('this.queue.find(')}`,
        `session.ts#Session.drain -> lanes.ts#Lane.fail [method] :${at(".at(0)?.fail('drained')")}`,
        `session.ts#Session.drain -> lanes.ts#Lane.end [method] :${at('entry.lane.end()')}`,
      ].sort(),
    );
    // The same-named methods of the decoy class are never reached.
    expect(fixture.edges().some((edge) => edge.includes('Pipe'))).toBe(false);
  });

  it('follows re-export chains: renamed, default, export * and export * as namespace', async () => {
    const fixture = await linkFixture('ts-reexports');
    const at = (snippet: string) => fixture.lineOf('main.ts', snippet);
    // `new Hasher()` runs no code of the tree (Hasher declares no constructor): no edge, but its value flows on.
    expect(fixture.edges().sort()).toEqual(
      [
        `main.ts#run -> lib/core.ts#hash [direct] :${at("digest('a')")}`,
        `main.ts#run -> lib/core.ts#salt [method] :${at('util.salt()')}`,
        `main.ts#run -> lib/hasher.ts#Hasher.digest [method] :${at("digest('b')")}`,
        `main.ts#run -> lib/core.ts#hash [method] :${at("api.util.hash('c')")}`,
      ].sort(),
    );
  });

  it('resolves packages inside the tree through package.json exports and main, and index files', async () => {
    const fixture = await linkFixture('ts-packages');
    const main = 'packages/app/src/main.ts';
    expect(fixture.edges().sort()).toEqual(
      [
        `${main}#main -> packages/app/src/util/index.ts#helper [direct] :${fixture.lineOf(main, 'helper();')}`,
        `${main}#main -> packages/core/src/money.ts#cents [direct] :${fixture.lineOf(main, 'format(cents(1))')}`,
        `${main}#main -> packages/core/src/index.ts#startCore [direct] :${fixture.lineOf(main, 'startCore()')}`,
      ].sort(),
    );
    // A package outside the tree is external: no edge, and nothing left for the checker.
    expect(fixture.graph.refine).toBeUndefined();
  });
});
