// The JS/TS value-flow analysis one language feature at a time, on the js-flow fixture: each feature's true edges,
// and the decoys (same names, same shapes) it must leave alone.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../../src/code/code-service.js';
import { traceResultSchema } from '../../../src/code/service.js';
import { type FixtureGraph, fixturesDir, linkFixture } from './fixture-graph.js';

let fixture: FixtureGraph;
let edges: string[];

beforeAll(async () => {
  fixture = await linkFixture('js-flow');
  edges = fixture.edges();
});

/** Every edge leaving `id`, in a stable order. */
const from = (id: string) => edges.filter((edge) => edge.startsWith(`${id} -> `)).sort();
/** Every edge into `id`. */
const into = (id: string) => edges.filter((edge) => edge.split(' -> ')[1]?.startsWith(`${id} [`)).sort();

describe('JS/TS value flow, feature by feature', () => {
  it('links a callback passed through a parameter to each function passed, never to one nobody passes', () => {
    const at = (snippet: string) => fixture.lineOf('callbacks.js', snippet);
    expect(from('callbacks.js#checkout')).toEqual([
      `callbacks.js#checkout -> callbacks.js#run [direct] :${at('run(saveOrder)')}`,
    ]);
    expect(from('callbacks.js#notify')).toEqual([
      `callbacks.js#notify -> callbacks.js#run [direct] :${at('run(sendMail)')}`,
    ]);
    expect(from('callbacks.js#run')).toEqual([
      `callbacks.js#run -> callbacks.js#saveOrder [direct] :${at('return cb()')}`,
      `callbacks.js#run -> callbacks.js#sendMail [direct] :${at('return cb()')}`,
    ]);
    expect(into('callbacks.js#auditLog')).toEqual([]);
  });

  it('calls what a called factory returns and what a closure captured, not what an uncalled factory returns', () => {
    const at = (snippet: string) => fixture.lineOf('factories.js', snippet);
    expect(from('factories.js#pay')).toEqual([
      `factories.js#pay -> factories.js#chargeCard [direct] :${at('charge();')}`,
      `factories.js#pay -> factories.js#makeCharger [direct] :${at('= makeCharger()')}`,
    ]);
    expect(from('factories.js#payLater')).toEqual([
      `factories.js#payLater -> factories.js#captureCharge [direct] :${at('captureCharge(chargeCard)')}`,
      `factories.js#payLater -> factories.js#captureCharge.later [direct] :${at('later();')}`,
    ]);
    expect(from('factories.js#captureCharge.later')).toEqual([
      `factories.js#captureCharge.later -> factories.js#chargeCard [direct] :${at('return action()')}`,
    ]);
    expect(into('factories.js#refundCard')).toEqual([]);
  });

  it('calls functions read back from object fields and array elements, by their key or index', () => {
    const at = (snippet: string) => fixture.lineOf('tables.js', snippet);
    expect(from('tables.js#onSave')).toEqual([
      `tables.js#onSave -> tables.js#save [method] :${at('handlers.save()')}`,
    ]);
    // `table['csv']` and `table.csv` are the same key; what a key nobody can spell stored (purge) is not read.
    expect(from('tables.js#onExport')).toEqual([
      `tables.js#onExport -> tables.js#exportCsv [method] :${at("table['csv']()")}`,
    ]);
    expect(from('tables.js#onNamed')).toEqual([
      `tables.js#onNamed -> tables.js#exportCsv [method] :${at('table.csv()')}`,
    ]);
    expect(into('tables.js#purge')).toEqual([]);
    expect(from('tables.js#onFirst')).toEqual([
      `tables.js#onFirst -> tables.js#first [method] :${at('fns[0]()')}`,
    ]);
    expect(from('tables.js#onAny')).toEqual([
      `tables.js#onAny -> tables.js#first [direct] :${at('fns[i]()')}`,
      `tables.js#onAny -> tables.js#second [direct] :${at('fns[i]()')}`,
    ]);
    // An array index read sees what was stored at an unknown index.
    expect(from('tables.js#onLate')).toEqual([
      `tables.js#onLate -> tables.js#first [method] :${at('queue[0]()')}`,
      `tables.js#onLate -> tables.js#late [method] :${at('queue[0]()')}`,
    ]);
  });

  it('calls the function behind bind, call and apply, and nothing never bound', () => {
    const at = (snippet: string) => fixture.lineOf('binding.js', snippet);
    expect(from('binding.js#viaBind')).toEqual([
      `binding.js#viaBind -> binding.js#greet [direct] :${at("bound('ann')")}`,
    ]);
    expect(from('binding.js#viaCall')).toEqual([
      `binding.js#viaCall -> binding.js#shout [direct] :${at('shout.call(')}`,
    ]);
    expect(from('binding.js#viaApply')).toEqual([
      `binding.js#viaApply -> binding.js#whisper [direct] :${at('whisper.apply(')}`,
    ]);
    expect(into('binding.js#mutter')).toEqual([]);
  });

  it('runs class decorators where the class is defined, and calls the class a decorator returns', () => {
    const at = (snippet: string) => fixture.lineOf('decorators.ts', snippet);
    expect(from('decorators.ts#<module>')).toEqual([
      `decorators.ts#<module> -> decorators.ts#logged [direct] :${at('@logged')}`,
      `decorators.ts#<module> -> decorators.ts#register [direct] :${at('@register')}`,
      `decorators.ts#<module> -> decorators.ts#traced [direct] :${at('@traced')}`,
    ]);
    // `register` hands the class back unchanged: the calls are the class's own.
    expect(from('decorators.ts#runPlain')).toEqual([
      `decorators.ts#runPlain -> decorators.ts#Plain [constructor] :${at('new Plain().run()')}`,
      `decorators.ts#runPlain -> decorators.ts#Plain.run [method] :${at('new Plain().run()')}`,
    ]);
    // `logged` returns a subclass: its run is called, and reaches the decorated run through super.
    expect(from('decorators.ts#runWrapped')).toEqual(
      expect.arrayContaining([
        `decorators.ts#runWrapped -> decorators.ts#logged.Logged [constructor] :${at('new Wrapped().run()')}`,
        `decorators.ts#runWrapped -> decorators.ts#logged.Logged.run [method] :${at('new Wrapped().run()')}`,
      ]),
    );
    expect(from('decorators.ts#logged.Logged.run')).toEqual([
      `decorators.ts#logged.Logged.run -> decorators.ts#Wrapped.run [method] :${at('super.run()')}`,
      `decorators.ts#logged.Logged.run -> decorators.ts#audit [direct] :${at('audit();')}`,
    ]);
  });

  it('calls the wrapper a method decorator returns, which reaches the decorated method', () => {
    const at = (snippet: string) => fixture.lineOf('decorators.ts', snippet);
    expect(from('decorators.ts#<module>')).toContain(
      `decorators.ts#<module> -> decorators.ts#traced [direct] :${at('@traced')}`,
    );
    // Without the return value, the binding keeps the original too (a decorator may return nothing).
    expect(from('decorators.ts#serve')).toEqual([
      `decorators.ts#serve -> decorators.ts#Service [constructor] :${at('new Service().handle()')}`,
      `decorators.ts#serve -> decorators.ts#Service.handle [method] :${at('new Service().handle()')}`,
      `decorators.ts#serve -> decorators.ts#traced.tracedCall [method] :${at('new Service().handle()')}`,
    ]);
    expect(from('decorators.ts#traced.tracedCall')).toEqual([
      `decorators.ts#traced.tracedCall -> decorators.ts#Service.handle [direct] :${at('fn.apply(this, args)')}`,
      `decorators.ts#traced.tracedCall -> decorators.ts#before [direct] :${at('before();')}`,
    ]);
    expect(into('decorators.ts#Service.other')).toEqual([]);
  });

  it('calls the functions a generator yields, in the loop that consumes it', () => {
    const at = (snippet: string) => fixture.lineOf('generators.js', snippet);
    expect(from('generators.js#runSteps')).toEqual([
      `generators.js#runSteps -> generators.js#stepOne [direct] :${at('step();')}`,
      `generators.js#runSteps -> generators.js#stepTwo [direct] :${at('step();')}`,
      `generators.js#runSteps -> generators.js#steps [direct] :${at('of steps()')}`,
    ]);
    expect(into('generators.js#stepSkipped')).toEqual([]);
  });

  it('calls a getter where its property is read, on a class instance or an object literal', () => {
    const at = (snippet: string) => fixture.lineOf('accessors.js', snippet);
    expect(fixture.symbol('accessors.js#Cart.total').kind).toBe('getter');
    expect(from('accessors.js#showTotal')).toEqual([
      `accessors.js#showTotal -> accessors.js#Cart [constructor] :${at('new Cart()')}`,
      `accessors.js#showTotal -> accessors.js#Cart.total [method] :${at('return cart.total')}`,
    ]);
    expect(from('accessors.js#showCount')).toEqual([
      `accessors.js#showCount -> accessors.js#counter.count [method] :${at('return counter.count')}`,
    ]);
    expect(into('accessors.js#Basket.total')).toEqual([]);
  });

  it('calls a setter where its property is assigned, and the getter beside it on a read after that', () => {
    const at = (snippet: string) => fixture.lineOf('accessors.js', snippet);
    const limit = (line: string, kind: string) => `accessors.js#Quota.limit${kind} [method] :${at(line)}`;
    const setter = fixture.graph.symbols.find(
      (s) => s.kind === 'setter' && s.qualified_name === 'Quota.limit',
    )!;
    const suffix = setter.id.slice('accessors.js#Quota.limit'.length);
    expect(from('accessors.js#setLimit')).toEqual([
      `accessors.js#setLimit -> accessors.js#Quota [constructor] :${at('const quota = new Quota()')}`,
      `accessors.js#setLimit -> ${limit('quota.limit = 5', suffix)}`,
    ]);
    const setThenRead = from('accessors.js#setThenRead');
    expect(setThenRead).toContain(`accessors.js#setThenRead -> ${limit('return quota.limit', '')}`);
    expect(setThenRead.filter((edge) => edge.includes(`Quota.limit${suffix} [`))).toHaveLength(1);
    expect(from('accessors.js#plainLimit')).toEqual([]);
  });

  it('runs a method nothing in the tree calls on the object it is stored on (this in a library method)', () => {
    const at = (snippet: string) => fixture.lineOf('library-methods.cjs', snippet);
    expect(from('library-methods.cjs#res.json')).toEqual([
      `library-methods.cjs#res.json -> library-methods.cjs#res.send [method] :${at('this.send(JSON')}`,
    ]);
    expect(from('library-methods.cjs#other.ready')).toEqual([
      `library-methods.cjs#other.ready -> library-methods.cjs#other.send [method] :${at('return this.send();')}`,
    ]);
  });

  it('calls exactly the override of a known class, and the base method through super', () => {
    const at = (snippet: string) => fixture.lineOf('classes.ts', snippet);
    expect(from('classes.ts#squareArea')).toEqual([
      `classes.ts#squareArea -> classes.ts#Square [constructor] :${at('new Square();')}`,
      `classes.ts#squareArea -> classes.ts#Square.area [method] :${at('square.area()')}`,
    ]);
    expect(from('classes.ts#squareText')).toEqual([
      `classes.ts#squareText -> classes.ts#Square [constructor] :${at('new Square().describe()')}`,
      `classes.ts#squareText -> classes.ts#Square.describe [method] :${at('new Square().describe()')}`,
    ]);
    expect(from('classes.ts#Square.describe')).toEqual([
      `classes.ts#Square.describe -> classes.ts#Shape.describe [method] :${at('super.describe()')}`,
    ]);
    expect(edges.filter((edge) => edge.includes('Circle') || edge.includes('Shape.area'))).toEqual([]);
  });

  it('reads the last assignment in straight-line code, every branch after an if, every value in a closure', () => {
    const at = (snippet: string) => fixture.lineOf('reassign.js', snippet);
    // Locals are split into versions where the order is known (src/code/flow/builder.ts): `draft` is overwritten.
    expect(from('reassign.js#straight')).toEqual([
      `reassign.js#straight -> reassign.js#publish [direct] :${at("step('straight')")}`,
    ]);
    const branchCall = at("step('branching')");
    expect(from('reassign.js#branching')).toEqual([
      `reassign.js#branching -> reassign.js#archive [direct] :${branchCall}`,
      `reassign.js#branching -> reassign.js#draft [direct] :${branchCall}`,
    ]);
    // A closure runs at an unknown time: it sees every value the variable is ever given.
    expect(from('reassign.js#captured.later')).toEqual([
      `reassign.js#captured.later -> reassign.js#draft [direct] :${at('() => step()')}`,
      `reassign.js#captured.later -> reassign.js#retire [direct] :${at('() => step()')}`,
    ]);
  });

  it('links new X() to the class when X declares no constructor, and to the constructor when it does', () => {
    const at = (snippet: string) => fixture.lineOf('construct.ts', snippet);
    const plain = fixture.graph.edges.filter((edge) => edge.from === 'construct.ts#makePlain');
    expect(fixture.format(plain)).toEqual([
      `construct.ts#makePlain -> construct.ts#Plain [constructor] :${at('new Plain()')}`,
    ]);
    expect(plain[0]?.note).toBe('Plain declares no constructor');
    expect(from('construct.ts#makeBuilt')).toEqual([
      `construct.ts#makeBuilt -> construct.ts#Built.constructor [constructor] :${at('new Built()')}`,
    ]);
    expect(from('construct.ts#Built.constructor')).toEqual([
      `construct.ts#Built.constructor -> construct.ts#prepare [direct] :${at('prepare();')}`,
    ]);
    // The class without a constructor is reached, never left: its method is no callee of the constructor call.
    expect(into('construct.ts#Plain.run')).toEqual([]);
  });

  it('makes up no edge for eval, new Function or a name it cannot spell, but reads a constant eval', () => {
    const at = (snippet: string) => fixture.lineOf('dynamic.js', snippet);
    expect(from('dynamic.js#evalUnknown')).toEqual([]);
    expect(from('dynamic.js#functionUnknown')).toEqual([]);
    expect(from('dynamic.js#globalUnknown')).toEqual([]);
    // An unknown key of a known object is any of its functions, and nothing else.
    expect(from('dynamic.js#lookupUnknown')).toEqual([
      `dynamic.js#lookupUnknown -> dynamic.js#secretA [method] :${at('registry[name]()')}`,
      `dynamic.js#lookupUnknown -> dynamic.js#secretB [method] :${at('registry[name]()')}`,
    ]);
    expect(into('dynamic.js#secretC')).toEqual([]);
    expect(from('dynamic.js#evalConstant')).toEqual([
      `dynamic.js#evalConstant -> dynamic.js#spelled [direct] :${at("eval('spelled()')")}`,
    ]);
  });

  it('gives named inner functions and arrows their own symbols, and an anonymous arrow its container', () => {
    const at = (snippet: string) => fixture.lineOf('closures.js', snippet);
    expect(fixture.symbol('closures.js#outer.onTick').kind).toBe('arrow');
    expect(fixture.symbol('closures.js#outer.inner').kind).toBe('function');
    expect(fixture.symbol('closures.js#outer.<function>').kind).toBe('function_expression');
    const timer = `<external>#setTimeout@closures.js:${at('setTimeout(')}:3`;
    expect(from('closures.js#outer')).toEqual([
      `closures.js#outer -> ${timer} [external] :${at('setTimeout(')}`,
      `closures.js#outer -> closures.js#outer.inner [direct] :${at('inner();')}`,
      `closures.js#outer -> closures.js#outer.onTick [direct] :${at('onTick();')}`,
      // The anonymous arrow given to forEach is part of outer: its call is outer's.
      `closures.js#outer -> closures.js#tack [direct] :${at('=> tack()')}`,
    ]);
    expect(from('closures.js#outer.onTick')).toEqual([
      `closures.js#outer.onTick -> closures.js#tick [direct] :${at('() => tick()')}`,
    ]);
    expect(from('closures.js#outer.inner')).toEqual([
      `closures.js#outer.inner -> closures.js#tock [direct] :${at('tock();')}`,
    ]);
    expect(from('closures.js#outer.<function>')).toEqual([
      `closures.js#outer.<function> -> closures.js#toe [direct] :${at('toe();')}`,
    ]);
  });

  it('links a function handed to map, setTimeout or then through a library hop, never from the caller', () => {
    const at = (snippet: string) => fixture.lineOf('library.js', snippet);
    // A hop is named by the callee as written and the position of its name: `<external>#xs.map@library.js:11:13`.
    const hop = (name: string, token: string) => {
      const line = at(token);
      const text = fixture.files.find((file) => file.path === 'library.js')!.text.split('\n')[line - 1]!;
      return `<external>#${name}@library.js:${line}:${text.indexOf(token) + 1}`;
    };
    const map = hop('xs.map', 'map(');
    const timer = hop('setTimeout', 'setTimeout(');
    const then = hop('Promise.then', 'then(');
    expect(from('library.js#mapAll')).toEqual([`library.js#mapAll -> ${map} [external] :${at('xs.map')}`]);
    expect(from(map)).toEqual([`${map} -> library.js#double [callback] :${at('xs.map')}`]);
    expect(from('library.js#schedule')).toEqual([
      `library.js#schedule -> ${timer} [external] :${at('setTimeout')}`,
    ]);
    expect(from(timer)).toEqual([`${timer} -> library.js#later [callback] :${at('setTimeout')}`]);
    expect(from('library.js#chain')).toEqual([`library.js#chain -> ${then} [external] :${at('.then')}`]);
    expect(from(then)).toEqual([`${then} -> library.js#settle [callback] :${at('.then')}`]);
    expect(into('library.js#unused')).toEqual([]);
  });

  it('reaches functions through a renamed re-export, export * behind import * as, and a CommonJS module', () => {
    const at = (snippet: string) => fixture.lineOf('modules.js', snippet);
    expect(from('modules.js#label')).toEqual([
      `modules.js#label -> lib/format.js#formatPrice [direct] :${at('lib.upper(price(cents))')}`,
      `modules.js#label -> lib/strings.js#upper [method] :${at('lib.upper(price(cents))')}`,
    ]);
    // The ES module's same-named slugify is not the one required.
    expect(from('modules.js#slug')).toEqual([
      `modules.js#slug -> lib/legacy.cjs#slugify [method] :${at('legacy.slugify(s)')}`,
    ]);
    expect(into('lib/format.js#slugify')).toEqual([]);
  });
});

describe('office trace on the js-flow fixture', () => {
  let workspace: string;
  let dir: string;
  beforeAll(async () => {
    // A copy, so that the index cache lands in a temp folder and not in the repository.
    workspace = await mkdtemp(join(tmpdir(), 'office-js-flow-'));
    dir = join(workspace, 'js-flow');
    await mkdir(join(workspace, '.git'));
    await cp(join(fixturesDir, 'js-flow'), dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('says under each hop why the call goes there (--why): how the function or the receiver got to the call', async () => {
    const service = createCodeIndexService();
    const why = async (from: string, to: string) => {
      const result = await service.trace({ dir, from, to, why: true });
      expect(result.status).toBe('found');
      return result.paths[0]!.hops.map((hop) => `${hop.qualified_name}: ${(hop.why ?? []).join(' → ')}`);
    };
    const line = (file: string, snippet: string) => `${file}:${fixture.lineOf(file, snippet)}`;
    // A callback: made here, passed there, received as this parameter.
    expect(await why('checkout', 'saveOrder')).toEqual([
      'checkout: ',
      `run: function run (${line('callbacks.js', 'function run(')})`,
      `saveOrder: function saveOrder (${line('callbacks.js', 'function saveOrder(')}) → passed as argument 1 at ` +
        `${line('callbacks.js', 'run(saveOrder)')} → parameter 1 of run`,
    ]);
    // A factory's result: returned, then the result of the call that holds it.
    expect(await why('pay', 'chargeCard')).toEqual([
      'pay: ',
      `chargeCard: function chargeCard (${line('factories.js', 'function chargeCard(')}) → returned by makeCharger → ` +
        `the result of the call at ${line('factories.js', '= makeCharger()')}`,
    ]);
    // A method: the receiver's instance, where it was made, the method found on it.
    expect(await why('squareArea', 'Square.area')).toEqual([
      'squareArea: ',
      `Square.area: an instance of Square → the result of the call at ${line('classes.ts', 'new Square(')} → its method .area`,
    ]);
    // Without --why, no reasons are computed.
    const plain = await service.trace({ dir, from: 'checkout', to: 'saveOrder' });
    expect(plain.paths[0]!.hops.every((hop) => hop.why === undefined)).toBe(true);
  });

  it('traces through a returned closure alike whether it is named or anonymous', async () => {
    const service = createCodeIndexService();
    const hops = (result: { paths: { hops: { qualified_name: string }[] }[] }) =>
      result.paths.map((p) => p.hops.map((h) => h.qualified_name));
    const named = await service.trace({ dir, from: 'useNamed', to: 'closures.js:settle' });
    const anonymous = await service.trace({ dir, from: 'useAnonymous', to: 'closures.js:settle' });
    expect(named.status).toBe('found');
    expect(anonymous.status).toBe('found');
    // A named closure is a hop of its own; an anonymous one is part of the function that wrote it.
    expect(hops(named)).toEqual([['useNamed', 'makeNamed.handler', 'settle']]);
    expect(hops(anonymous)).toEqual([['useAnonymous', 'makeAnonymous', 'settle']]);
    expect(into('closures.js#decoySettle')).toEqual([
      `closures.js#makeUnused -> closures.js#decoySettle [direct] :${fixture.lineOf('closures.js', '=> decoySettle()')}`,
    ]);
    expect(from('closures.js#useNamed').some((edge) => edge.includes('makeUnused'))).toBe(false);
  });

  it('ends a path at a class without a constructor, and goes through a constructor that has one', async () => {
    const service = createCodeIndexService();
    const hops = (result: { paths: { hops: { qualified_name: string; edge: string | null }[] }[] }) =>
      result.paths.map((p) =>
        p.hops.map((h) => (h.edge ? `-[${h.edge}]-> ${h.qualified_name}` : h.qualified_name)),
      );
    const plain = await service.trace({ dir, from: 'makePlain', to: 'construct.ts:Plain' });
    expect(traceResultSchema.parse(plain)).toEqual(plain);
    expect(plain.status).toBe('found');
    expect(hops(plain)).toEqual([['makePlain', '-[constructor]-> Plain']]);
    const built = await service.trace({ dir, from: 'makeBuilt', to: 'prepare' });
    expect(hops(built)).toEqual([['makeBuilt', '-[constructor]-> Built.constructor', '-[direct]-> prepare']]);
  });
});
