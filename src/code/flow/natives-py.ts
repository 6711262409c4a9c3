// Python library models (code intelligence, value-flow core): builtins, list/dict/set methods, generators and
// functools — what calls functions of the tree, what moves values between containers, and the dunder methods a
// builtin runs (`len(x)` is a call of `x.__len__`).
import type { CallContext, Calls } from './calls.js';
import { ANY_KEY } from './ir.js';
import {
  arg,
  argOrKeyword,
  copyShifted,
  holding,
  iterated,
  NativeTable,
  newContainer,
  returns,
  returnsUnknown,
} from './natives.js';

// biome-ignore format: a word list reads better packed
const BUILTINS = new Set([
  'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod',
  'compile', 'complex', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval', 'exec', 'filter', 'float', 'format',
  'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'help', 'hex', 'id', 'input', 'int', 'isinstance',
  'issubclass', 'iter', 'len', 'list', 'locals', 'map', 'max', 'memoryview', 'min', 'next', 'object', 'oct', 'open',
  'ord', 'pow', 'print', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted',
  'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'vars', 'zip', 'Exception', 'BaseException',
  'ValueError', 'TypeError', 'KeyError', 'IndexError', 'RuntimeError', 'StopIteration', 'NotImplementedError',
  'AttributeError', 'OSError', 'NotImplemented', 'Ellipsis', '__name__', '__file__', '__doc__', '$slice',
]);

/** Builtins that run one dunder method of their first argument. */
const DUNDERS: Record<string, string> = {
  len: '__len__',
  str: '__str__',
  repr: '__repr__',
  hash: '__hash__',
  bool: '__bool__',
  int: '__int__',
  float: '__float__',
  abs: '__abs__',
  format: '__format__',
  bytes: '__bytes__',
  round: '__round__',
};

/** `x.name()` run by the language where `call` is (a protocol call): an edge from the caller, no hop. */
function runDunder(
  calls: Calls,
  call: CallContext,
  v: number | undefined,
  name: string,
  result?: number,
): void {
  if (v === undefined) return;
  const { s } = calls;
  const ctx: CallContext = {
    id: calls.newId(),
    at: call.at,
    args: [],
    name,
    ...(result === undefined ? {} : { result }),
  };
  s.prop.on(v, (value) => {
    const kind = s.values.kind[value];
    if (kind !== 'inst' && kind !== 'decl') return;
    s.prop.on(calls.members.load(value, name), (m) =>
      calls.invoke(m, ctx, { kind: 'method', note: `${name} run by ${call.name}` }),
    );
  });
}

/** A list made at this call holding `elements`. */
function listOf(
  calls: Calls,
  call: CallContext,
  tag: string,
  elements: number,
  kind: 'l' | 't' | 's' = 'l',
): void {
  const list = newContainer(calls, call, kind, tag);
  calls.s.prop.edge(elements, calls.s.own(list, ANY_KEY));
}

function mapLike(_recv: number, call: CallContext, calls: Calls, name: string): void {
  const fn = arg(call, 0);
  const sources = call.args.slice(1).map((v) => iterated(calls, call, v));
  const out = calls.s.temp();
  if (fn !== undefined) calls.callBack(fn, call, name, name === 'map' ? sources : sources.slice(0, 1), out);
  listOf(calls, call, name, name === 'map' ? out : (sources[0] ?? calls.s.temp()));
}

function keyed(_recv: number, call: CallContext, calls: Calls, name: string): void {
  const elements = call.args.length > 1 ? call.args : [iterated(calls, call, arg(call, 0))];
  const merged = calls.s.temp();
  for (const v of elements) calls.s.prop.edge(v, merged);
  const key = call.keywords?.find(([k]) => k === 'key')?.[1];
  if (key !== undefined) calls.callBack(key, call, name, [merged]);
  if (name === 'sorted') listOf(calls, call, name, merged);
  else returns(calls, call, merged);
}

export const pythonNatives = new NativeTable({ l: 'list', d: 'dict', t: 'tuple', s: 'set' }, BUILTINS)
  // `xs[a:b]` (the front end's name for slicing): with a constant start, element i is element a + i of xs.
  .define('$slice', (_recv, call, calls) => {
    const [source, start] = [arg(call, 0), arg(call, 1)];
    if (source === undefined) return;
    const copy = newContainer(calls, call, 'l', 'slice');
    calls.s.prop.on(source, (value) => copyShifted(calls, value, copy, start));
  })
  .define(['map', 'filter'], mapLike)
  .define(['sorted', 'min', 'max'], keyed)
  .define(['list', 'tuple', 'set', 'frozenset', 'reversed', 'iter'], (_recv, call, calls, name) => {
    const kind = name === 'tuple' ? 't' : name === 'set' || name === 'frozenset' ? 's' : 'l';
    listOf(calls, call, name, iterated(calls, call, arg(call, 0)), kind);
  })
  .define('next', (_recv, call, calls) => {
    const it = arg(call, 0);
    if (it !== undefined) calls.iterate(it, call.result ?? calls.s.temp(), call.at);
    returns(calls, call, arg(call, 1));
  })
  .define('enumerate', (_recv, call, calls) => {
    const pair = calls.s.object('t', `enumerate:${call.id}`);
    calls.s.prop.edge(iterated(calls, call, arg(call, 0)), calls.s.own(pair, '#1'));
    listOf(calls, call, 'enumerate', holding(calls, pair));
  })
  .define('zip', (_recv, call, calls) => {
    const tuple = calls.s.object('t', `zip:${call.id}`);
    call.args.forEach((v, i) => {
      calls.s.prop.edge(iterated(calls, call, v), calls.s.own(tuple, `#${i}`));
    });
    listOf(calls, call, 'zip', holding(calls, tuple));
  })
  .define('dict', (_recv, call, calls) => {
    const dict = newContainer(calls, call, 'd', 'dict');
    for (const [name, v] of call.keywords ?? []) calls.s.prop.edge(v, calls.s.own(dict, name));
    const source = arg(call, 0);
    if (source !== undefined) calls.s.prop.on(source, (from) => calls.s.copyProps(from, dict));
  })
  .define('getattr', (_recv, call, calls) => {
    const [object, key] = [arg(call, 0), arg(call, 1)];
    if (object !== undefined && key !== undefined && call.result !== undefined)
      calls.access?.load(object, key, call.result, call.at);
    returns(calls, call, arg(call, 2));
  })
  .define('setattr', (_recv, call, calls) => {
    const [object, key, value] = [arg(call, 0), arg(call, 1), arg(call, 2)];
    if (object !== undefined && key !== undefined && value !== undefined)
      calls.access?.store(object, key, value);
  })
  .define(Object.keys(DUNDERS), (_recv, call, calls, name) => {
    runDunder(calls, call, arg(call, 0), DUNDERS[name]!);
    returnsUnknown(calls, call);
  })
  .define('type', (_recv, call, calls) => {
    const v = arg(call, 0);
    if (v === undefined || call.result === undefined || call.args.length !== 1) return;
    const result = call.result;
    calls.s.prop.on(v, (value) => {
      const kind = calls.s.values.kind[value];
      if (kind === 'inst' || kind === 'decl') calls.s.prop.add(result, calls.s.values.a[value]!);
    });
  })
  .define('property', (_recv, call, calls) => {
    const [getter, setter] = [argOrKeyword(call, 0, 'fget'), argOrKeyword(call, 1, 'fset')];
    const { s } = calls;
    if (call.result === undefined) return;
    const result = call.result;
    const wrap = (v: number | undefined, kind: 'getter' | 'setter') =>
      v !== undefined &&
      s.prop.on(v, (fn) => s.values.kind[fn] === 'fn' && s.prop.add(result, s.values.intern(kind, fn)));
    wrap(getter, 'getter');
    wrap(setter, 'setter');
  })
  .define(['staticmethod', 'classmethod', 'identity'], (_recv, call, calls) => {
    returns(calls, call, arg(call, 0));
  })
  .define(
    ['functools.wraps', 'functools.lru_cache', 'functools.cache', 'functools.cached_property'],
    (_recv, call, calls, name) => {
      const { s } = calls;
      const first = arg(call, 0);
      if (name !== 'functools.wraps' && first !== undefined && call.keywords === undefined) {
        // Used bare as a decorator: the function itself comes back (a cached_property is read as a getter).
        if (name !== 'functools.cached_property') returns(calls, call, first);
        else if (call.result !== undefined) {
          const result = call.result;
          s.prop.on(
            first,
            (fn) => s.values.kind[fn] === 'fn' && s.prop.add(result, s.values.intern('getter', fn)),
          );
        }
        return;
      }
      if (call.result !== undefined) s.prop.add(call.result, s.values.intern('native', -1, -1, 'identity'));
    },
  )
  .define('functools.partial', (_recv, call, calls) => {
    const fn = arg(call, 0);
    if (fn === undefined || call.result === undefined) return;
    const result = call.result;
    calls.s.prop.on(fn, (f) =>
      calls.s.prop.add(result, calls.partial(f, call, undefined, call.args.slice(1))),
    );
  })
  .define('functools.reduce', (_recv, call, calls) => {
    const elements = iterated(calls, call, arg(call, 1));
    const acc = calls.s.temp();
    calls.s.prop.edge(elements, acc);
    const initial = arg(call, 2);
    if (initial !== undefined) calls.s.prop.edge(initial, acc);
    const fn = arg(call, 0);
    if (fn !== undefined) calls.callBack(fn, call, 'functools.reduce', [acc, elements], acc);
    returns(calls, call, acc);
  })
  .define(['list.append', 'set.add'], (recv, call, calls) => {
    const v = arg(call, 0);
    if (v !== undefined) calls.s.prop.edge(v, calls.s.own(recv, ANY_KEY));
  })
  .define('list.insert', (recv, call, calls) => {
    const v = arg(call, 1);
    if (v !== undefined) calls.s.prop.edge(v, calls.s.own(recv, ANY_KEY));
  })
  .define(['list.extend', 'set.update'], (recv, call, calls) => {
    calls.s.prop.edge(iterated(calls, call, arg(call, 0)), calls.s.own(recv, ANY_KEY));
  })
  .define(['list.pop', 'set.pop'], (recv, call, calls) => {
    returns(calls, call, calls.members.load(recv, ANY_KEY));
  })
  .define(['list.copy', 'dict.copy', 'set.copy'], (recv, call, calls) => {
    returns(calls, call, holding(calls, recv));
  })
  .define('list.sort', (recv, call, calls) => {
    const key = call.keywords?.find(([k]) => k === 'key')?.[1];
    if (key !== undefined) calls.callBack(key, call, 'list.sort', [calls.members.load(recv, ANY_KEY)]);
  })
  .define(['dict.get', 'dict.pop'], (recv, call, calls) => {
    const key = arg(call, 0);
    if (key !== undefined && call.result !== undefined)
      calls.access?.load(holding(calls, recv), key, call.result, call.at);
    returns(calls, call, arg(call, 1));
  })
  .define('dict.setdefault', (recv, call, calls) => {
    const [key, value] = [arg(call, 0), arg(call, 1)];
    if (key === undefined) return;
    const self = holding(calls, recv);
    if (value !== undefined) calls.access?.store(self, key, value);
    if (call.result !== undefined) calls.access?.load(self, key, call.result, call.at);
  })
  .define(['dict.keys', 'dict.values', 'dict.items'], (recv, call, calls, name) => {
    const { s } = calls;
    const out = s.temp();
    s.eachOwn(recv, (key, v) => {
      const lit = key === ANY_KEY ? undefined : s.lit(key);
      if (name === 'dict.values') s.prop.edge(v, out);
      else if (name === 'dict.keys') {
        if (lit !== undefined) s.prop.add(out, lit);
      } else {
        const pair = s.object('t', `item:${call.id}`);
        if (lit !== undefined) s.prop.add(s.own(pair, '#0'), lit);
        s.prop.edge(v, s.own(pair, '#1'));
        s.prop.add(out, pair);
      }
    });
    listOf(calls, call, name, out);
  })
  .define('dict.update', (recv, call, calls) => {
    const source = arg(call, 0);
    if (source !== undefined) calls.s.prop.on(source, (from) => calls.s.copyProps(from, recv));
    for (const [name, v] of call.keywords ?? []) calls.s.prop.edge(v, calls.s.own(recv, name));
  })
  .define(['gen.__next__', 'gen.send'], (recv, call, calls) => {
    if (call.result !== undefined) calls.iterate(holding(calls, recv), call.result, call.at);
  });
