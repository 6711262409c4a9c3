// The Python value-flow analysis one language feature at a time, on the py-flow fixture: each feature's true edges,
// and the decoys (same names, same shapes) it must leave alone.
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../../src/code/code-service.js';
import type { CallEdge } from '../../../src/code/model.js';
import { traceResultSchema } from '../../../src/code/service.js';
import { pythonAdapter } from '../../../src/code/treesitter/index.js';
import { fixturesDir, type LinkedFixture, linkDirectory } from './link-fixture.js';

const root = join(fixturesDir, 'py-flow');
let linked: LinkedFixture;
let edges: string[];
const texts = new Map<string, string[]>();

/** Edges by symbol id (several files define the same names): `from-id -> to-id (kind) @line`. */
const render = (e: CallEdge) => `${e.from} -> ${e.to} (${e.kind}) @${e.call.line}`;

beforeAll(async () => {
  linked = await linkDirectory(pythonAdapter, root);
  edges = linked.graph.edges.map(render);
});

/** Every edge leaving `id`, in a stable order. */
const from = (id: string) => edges.filter((edge) => edge.startsWith(`${id} -> `)).sort();
/** Every edge into `id`. */
const into = (id: string) => edges.filter((edge) => edge.split(' -> ')[1]?.startsWith(`${id} (`)).sort();

/** The 1-based line of the first line of `app/<file>` containing `snippet`. */
async function lineOf(file: string, snippet: string): Promise<number> {
  let lines = texts.get(file);
  if (!lines) {
    lines = (await readFile(join(root, 'app', file), 'utf8')).split('\n');
    texts.set(file, lines);
  }
  const index = lines.findIndex((line) => line.includes(snippet));
  if (index < 0) throw new Error(`"${snippet}" is not in ${file}`);
  return index + 1;
}

/** `at(snippet)` for one file of the package, and `id(name)` for a symbol of it. */
function inFile(file: string) {
  return {
    at: (snippet: string) => lineOf(file, snippet),
    id: (qualifiedName: string) => `app/${file}#${qualifiedName}`,
  };
}

describe('Python value flow, feature by feature', () => {
  it('links a callback passed through a parameter to each function passed, never to one nobody passes', async () => {
    const { at, id } = inFile('callbacks.py');
    expect(from(id('checkout'))).toEqual([
      `${id('checkout')} -> ${id('run')} (direct) @${await at('run(save_order)')}`,
    ]);
    expect(from(id('notify'))).toEqual([
      `${id('notify')} -> ${id('run')} (direct) @${await at('run(send_mail)')}`,
    ]);
    expect(from(id('run'))).toEqual([
      `${id('run')} -> ${id('save_order')} (direct) @${await at('return cb()')}`,
      `${id('run')} -> ${id('send_mail')} (direct) @${await at('return cb()')}`,
    ]);
    expect(into(id('audit_log'))).toEqual([]);
  });

  it('calls what a called factory returns and what a closure captured, not what an uncalled factory returns', async () => {
    const { at, id } = inFile('factories.py');
    expect(from(id('pay'))).toEqual([
      `${id('pay')} -> ${id('charge_card')} (direct) @${await at('    charge()')}`,
      `${id('pay')} -> ${id('make_charger')} (direct) @${await at('= make_charger()')}`,
    ]);
    expect(from(id('pay_later'))).toEqual([
      `${id('pay_later')} -> ${id('capture')} (direct) @${await at('capture(charge_card)')}`,
      `${id('pay_later')} -> ${id('capture.later')} (direct) @${await at('    later()')}`,
    ]);
    expect(from(id('capture.later'))).toEqual([
      `${id('capture.later')} -> ${id('charge_card')} (direct) @${await at('return action()')}`,
    ]);
    expect(into(id('refund_card'))).toEqual([]);
  });

  it('calls functions read back from dict entries, tuple and list positions, and attributes', async () => {
    const { at, id } = inFile('tables.py');
    expect(from(id('on_save'))).toEqual([
      `${id('on_save')} -> ${id('save')} (direct) @${await at('HANDLERS["save"]()')}`,
    ]);
    expect(from(id('on_first'))).toEqual([
      `${id('on_first')} -> ${id('first')} (direct) @${await at('PAIR[0]()')}`,
    ]);
    expect(from(id('on_second'))).toEqual([
      `${id('on_second')} -> ${id('second')} (direct) @${await at('STEPS[1]()')}`,
    ]);
    expect(from(id('on_any'))).toEqual([
      `${id('on_any')} -> ${id('first')} (direct) @${await at('STEPS[i]()')}`,
      `${id('on_any')} -> ${id('second')} (direct) @${await at('STEPS[i]()')}`,
    ]);
    // setattr under a name nobody can spell (purge) is not seen by the named read.
    expect(from(id('on_attribute'))).toEqual([
      `${id('on_attribute')} -> ${id('Table')} (constructor) @${await at('table = Table()')}`,
      `${id('on_attribute')} -> ${id('export_csv')} (method) @${await at('table.csv()')}`,
    ]);
    expect(into(id('purge'))).toEqual([]);
    expect(into(id('load'))).toEqual([]);
    // A list position read sees what was stored at an unknown index.
    expect(from(id('on_late'))).toEqual([
      `${id('on_late')} -> ${id('first')} (direct) @${await at('queue[0]()')}`,
      `${id('on_late')} -> ${id('late')} (direct) @${await at('queue[0]()')}`,
    ]);
  });

  it('calls the function behind functools.partial, imported either way, and nothing never wrapped', async () => {
    const { at, id } = inFile('partials.py');
    expect(from(id('via_partial'))).toEqual([
      `${id('via_partial')} -> ${id('greet')} (direct) @${await at('hello("ann")')}`,
    ]);
    expect(from(id('via_imported_partial'))).toEqual([
      `${id('via_imported_partial')} -> ${id('shout')} (direct) @${await at('loud("bob")')}`,
    ]);
    expect(into(id('mutter'))).toEqual([]);
  });

  it('reaches a decorated function through the wrapper, and directly when the decorator returns it unchanged', async () => {
    const { at, id } = inFile('decorators.py');
    expect(from(id('<module>'))).toEqual([
      `${id('<module>')} -> ${id('register')} (direct) @${await at('@register')}`,
      `${id('<module>')} -> ${id('traced')} (direct) @${await at('@traced')}`,
    ]);
    // `work` is the wrapper now: the call runs the wrapper, and the wrapper the original.
    expect(from(id('run_work'))).toEqual([
      `${id('run_work')} -> ${id('traced.wrapper')} (direct) @${await at('    work()')}`,
    ]);
    expect(from(id('traced.wrapper'))).toEqual([
      `${id('traced.wrapper')} -> ${id('before')} (direct) @${await at('        before()')}`,
      `${id('traced.wrapper')} -> ${id('work')} (direct) @${await at('return fn(*args, **kwargs)')}`,
    ]);
    expect(from(id('run_rest'))).toEqual([
      `${id('run_rest')} -> ${id('rest')} (direct) @${await at('    rest()')}`,
    ]);
    expect(into(id('unrelated'))).toEqual([]);
  });

  it('calls the functions a generator yields, in the loop that consumes it', async () => {
    const { at, id } = inFile('generators.py');
    expect(from(id('run_steps'))).toEqual([
      `${id('run_steps')} -> ${id('step_one')} (direct) @${await at('step()')}`,
      `${id('run_steps')} -> ${id('step_two')} (direct) @${await at('step()')}`,
      `${id('run_steps')} -> ${id('steps')} (direct) @${await at('in steps()')}`,
    ]);
    expect(into(id('step_skipped'))).toEqual([]);
  });

  it('calls a @property getter where the attribute is read, and its setter where it is assigned', async () => {
    const { at, id } = inFile('props.py');
    expect(linked.symbols.get(id('Cart.total'))?.kind).toBe('getter');
    expect(linked.symbols.get(id('Cart.total~2'))?.kind).toBe('setter');
    expect(from(id('show_total'))).toEqual([
      `${id('show_total')} -> ${id('Cart')} (constructor) @${await at('cart = Cart()')}`,
      `${id('show_total')} -> ${id('Cart.total')} (method) @${await at('return cart.total')}`,
    ]);
    expect(from(id('reset_total'))).toEqual([
      `${id('reset_total')} -> ${id('Cart')} (constructor) @${await at('fresh = Cart()')}`,
      `${id('reset_total')} -> ${id('Cart.total~2')} (method) @${await at('fresh.total = 0')}`,
    ]);
    expect(into(id('Basket.total'))).toEqual([]);
  });

  it('resolves methods by the C3 order of a diamond, and calls exactly the override of a known class', async () => {
    const { at, id } = inFile('mro.py');
    // Diamond(Left, Right): greet is Left's; name, which Left lacks, is Right's before Base's.
    expect(from(id('diamond_greet'))).toEqual([
      `${id('diamond_greet')} -> ${id('Diamond')} (constructor) @${await at('Diamond().greet()')}`,
      `${id('diamond_greet')} -> ${id('Left.greet')} (method) @${await at('Diamond().greet()')}`,
    ]);
    expect(from(id('diamond_name'))).toEqual([
      `${id('diamond_name')} -> ${id('Diamond')} (constructor) @${await at('Diamond().name()')}`,
      `${id('diamond_name')} -> ${id('Right.name')} (method) @${await at('Diamond().name()')}`,
    ]);
    expect(from(id('right_greet'))).toEqual([
      `${id('right_greet')} -> ${id('Right')} (constructor) @${await at('right = Right()')}`,
      `${id('right_greet')} -> ${id('Right.greet')} (method) @${await at('right.greet()')}`,
    ]);
    expect(into(id('Sibling.greet'))).toEqual([]);
    expect(into(id('Base.name'))).toEqual([]);
    // super() in Left, on a Diamond, goes on along Diamond's order: to Right, not to Left's own base.
    expect(from(id('Left.greet'))).toEqual([
      `${id('Left.greet')} -> ${id('Right.greet')} (method) @${await at('super().greet()')}`,
    ]);
  });

  it('reads the last assignment in straight-line code, every branch after an if, every value in a closure', async () => {
    const { at, id } = inFile('reassign.py');
    expect(from(id('straight'))).toEqual([
      `${id('straight')} -> ${id('publish')} (direct) @${await at('step("straight")')}`,
    ]);
    expect(from(id('branching'))).toEqual([
      `${id('branching')} -> ${id('archive')} (direct) @${await at('step("branching")')}`,
      `${id('branching')} -> ${id('draft')} (direct) @${await at('step("branching")')}`,
    ]);
    expect(from(id('captured.later'))).toEqual([
      `${id('captured.later')} -> ${id('draft')} (direct) @${await at('return step()')}`,
      `${id('captured.later')} -> ${id('retire')} (direct) @${await at('return step()')}`,
    ]);
  });

  it('links X() to the class when X declares no __init__, and to __init__ when it does', async () => {
    const { at, id } = inFile('construct.py');
    const plain = linked.graph.edges.filter((edge) => edge.from === id('make_plain'));
    expect(plain.map(render)).toEqual([
      `${id('make_plain')} -> ${id('Plain')} (constructor) @${await at('return Plain()')}`,
    ]);
    expect(plain[0]?.note).toBe('Plain declares no constructor');
    expect(from(id('make_built'))).toEqual([
      `${id('make_built')} -> ${id('Built.__init__')} (constructor) @${await at('return Built()')}`,
    ]);
    expect(from(id('Built.__init__'))).toEqual([
      `${id('Built.__init__')} -> ${id('prepare')} (direct) @${await at('        prepare()')}`,
    ]);
    expect(into(id('Plain.run'))).toEqual([]);
  });

  it('makes up no edge for exec, eval or globals(); getattr with a name it cannot spell may be any attribute', async () => {
    const { at, id } = inFile('dynamic.py');
    expect(from(id('exec_unknown'))).toEqual([]);
    expect(from(id('eval_unknown'))).toEqual([]);
    expect(from(id('globals_unknown'))).toEqual([]);
    // getattr(registry, name) is any attribute of a Registry: each of its methods, never a module-level function.
    const call = await at('getattr(registry, name)()');
    expect(from(id('getattr_unknown'))).toEqual([
      `${id('getattr_unknown')} -> ${id('Registry')} (constructor) @${await at('registry = Registry()')}`,
      `${id('getattr_unknown')} -> ${id('Registry.secret_a')} (method) @${call}`,
      `${id('getattr_unknown')} -> ${id('Registry.secret_b')} (method) @${call}`,
    ]);
    expect(from(id('getattr_constant'))).toEqual([
      `${id('getattr_constant')} -> ${id('Registry')} (constructor) @${await at('known = Registry()')}`,
      `${id('getattr_constant')} -> ${id('Registry.secret_a')} (method) @${await at('getattr(known, "secret_a")')}`,
    ]);
    expect(into(id('secret_c'))).toEqual([]);
  });

  it('gives a named inner function and a lambda their own symbols', async () => {
    const { at, id } = inFile('closures.py');
    expect(linked.symbols.get(id('outer.<lambda>'))?.kind).toBe('function');
    expect(linked.symbols.get(id('outer.inner'))?.kind).toBe('function');
    expect(from(id('outer'))).toEqual([
      `${id('outer')} -> ${id('outer.<lambda>')} (direct) @${await at('on_tick()')}`,
      `${id('outer')} -> ${id('outer.inner')} (direct) @${await at('    inner()')}`,
    ]);
    expect(from(id('outer.<lambda>'))).toEqual([
      `${id('outer.<lambda>')} -> ${id('tick')} (direct) @${await at('lambda: tick()')}`,
    ]);
    expect(from(id('outer.inner'))).toEqual([
      `${id('outer.inner')} -> ${id('tock')} (direct) @${await at('        tock()')}`,
    ]);
  });

  it('links a function handed to map or sorted(key=...) through a library hop, never from the caller', async () => {
    const { at, id } = inFile('library.py');
    // A hop is named by the callee as written and where it starts: `<external>#map@app/library.py:18:17`.
    const hop = async (name: string, snippet: string) => {
      const line = await at(snippet);
      const column = texts.get('library.py')![line - 1]!.indexOf(snippet) + 1;
      return { line, id: `<external>#${name}@app/library.py:${line}:${column}` };
    };
    const { line: mapLine, id: map } = await hop('map', 'map(double, xs)');
    const { line: sortedLine, id: sorted } = await hop('sorted', 'sorted(xs, key=by_length)');
    expect(linked.symbols.get(map)).toMatchObject({ kind: 'external', name: 'map' });
    expect(from(id('map_all'))).toEqual([`${id('map_all')} -> ${map} (external) @${mapLine}`]);
    expect(from(map)).toEqual([`${map} -> ${id('double')} (callback) @${mapLine}`]);
    expect(from(id('sort_all'))).toEqual([`${id('sort_all')} -> ${sorted} (external) @${sortedLine}`]);
    expect(from(sorted)).toEqual([`${sorted} -> ${id('by_length')} (callback) @${sortedLine}`]);
    expect(into(id('unused'))).toEqual([]);
  });

  it('reaches functions through a package re-export, `from . import x` and `import a.b as c`', async () => {
    const { at, id } = inFile('modules.py');
    expect(from(id('shout'))).toEqual([
      `${id('shout')} -> app/util/text.py#upper (direct) @${await at('return upper(s)')}`,
    ]);
    expect(from(id('label'))).toEqual([
      `${id('label')} -> app/util/text.py#upper (direct) @${await at('util.upper(s)')}`,
    ]);
    expect(from(id('slugged'))).toEqual([
      `${id('slugged')} -> app/util/text.py#slug (direct) @${await at('text.slug(s)')}`,
    ]);
    expect(into('app/util/legacy.py#slug')).toEqual([]);
  });
});

describe('office trace on the py-flow fixture', () => {
  let workspace: string;
  let dir: string;
  beforeAll(async () => {
    // A copy, so that the index cache lands in a temp folder and not in the repository.
    workspace = await mkdtemp(join(tmpdir(), 'office-py-flow-'));
    dir = join(workspace, 'py-flow');
    await mkdir(join(workspace, '.git'));
    await cp(root, dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('says under each hop why the call goes there (--why)', async () => {
    const service = createCodeIndexService();
    const result = await service.trace({ dir, from: 'checkout', to: 'save_order', why: true });
    expect(traceResultSchema.parse(result)).toEqual(result);
    const at = (snippet: string) => lineOf('callbacks.py', snippet);
    expect(result.paths[0]!.hops.map((hop) => hop.why ?? [])).toEqual([
      [],
      [`function run (app/callbacks.py:${await at('def run(')})`],
      [
        `function save_order (app/callbacks.py:${await at('def save_order(')})`,
        `passed as argument 1 at app/callbacks.py:${await at('run(save_order)')}`,
        'parameter 1 of run',
      ],
    ]);
  });

  it('ends a path at a class without __init__, and goes through __init__ when there is one', async () => {
    const service = createCodeIndexService();
    const hops = (result: { paths: { hops: { qualified_name: string; edge: string | null }[] }[] }) =>
      result.paths.map((p) =>
        p.hops.map((h) => (h.edge ? `-[${h.edge}]-> ${h.qualified_name}` : h.qualified_name)),
      );
    const plain = await service.trace({ dir, from: 'make_plain', to: 'construct.py:Plain' });
    expect(traceResultSchema.parse(plain)).toEqual(plain);
    expect(plain.status).toBe('found');
    expect(hops(plain)).toEqual([['make_plain', '-[constructor]-> Plain']]);
    const built = await service.trace({ dir, from: 'make_built', to: 'prepare' });
    expect(hops(built)).toEqual([['make_built', '-[constructor]-> Built.__init__', '-[direct]-> prepare']]);
  });
});
