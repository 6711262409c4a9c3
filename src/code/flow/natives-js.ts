// JavaScript library models (code intelligence, value-flow core): Function.prototype, arrays, promises, generators,
// Object statics, timers — the builtins that call functions of the tree or move values between them.
import type { CallContext, Calls } from './calls.js';
import { ANY_KEY } from './ir.js';
import {
  arg,
  copyShifted,
  holding,
  iterated,
  NativeTable,
  newContainer,
  returns,
  returnsUnknown,
} from './natives.js';

// biome-ignore format: a word list reads better packed
const GLOBALS = new Set([
  'Object', 'Array', 'Promise', 'Function', 'Reflect', 'Symbol', 'JSON', 'Math', 'Number', 'String', 'Boolean',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Error', 'console', 'process', 'globalThis', 'window', 'document',
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'require', 'module',
]);

const CALLBACK_METHODS = ['forEach', 'some', 'every', 'findIndex', 'findLastIndex'];

/** Elements of the arrays held by `v`. */
function elementsOf(calls: Calls, v: number): number {
  return calls.member(v, ANY_KEY);
}

/** The receiver as a variable. */
function self(calls: Calls, recv: number): number {
  return holding(calls, recv);
}

/** A new array made at this call holding `elements`. */
function arrayOf(calls: Calls, call: CallContext, tag: string, elements: number | undefined): number {
  const array = newContainer(calls, call, 'a', tag);
  if (elements !== undefined) calls.s.prop.edge(elements, calls.s.own(array, ANY_KEY));
  return array;
}

function callTimer(_recv: number, call: CallContext, calls: Calls, name: string): void {
  const fn = arg(call, 0);
  if (fn !== undefined) calls.callBack(fn, call, name, call.args.slice(2));
  returnsUnknown(calls, call);
}

/** `Array.prototype.forEach` for the model `Array.forEach`: how a hop through it is named. */
function prototypeName(name: string): string {
  const [type, method] = name.split('.');
  return `${type}.prototype.${method}`;
}

function promiseOf(calls: Calls, v: number): number {
  return calls.s.values.intern('promise', v);
}

export const jsNatives = new NativeTable({ a: 'Array', o: 'Object' }, GLOBALS)
  .define('Function.call', (recv, call, calls) => {
    const inner = { ...call, id: calls.newId(), args: call.args.slice(1) };
    const spread = call.spread === undefined ? {} : { spread: Math.max(0, call.spread - 1) };
    const thisArg = arg(call, 0);
    calls.invoke(
      recv,
      { ...inner, ...spread },
      thisArg === undefined ? { kind: 'direct' } : { kind: 'direct', thisVar: thisArg },
    );
  })
  .define('Function.apply', (recv, call, calls) => {
    const list = arg(call, 1);
    const inner: CallContext = {
      ...call,
      id: calls.newId(),
      args: list === undefined ? [] : [list],
      spread: 0,
    };
    const thisArg = arg(call, 0);
    calls.invoke(
      recv,
      inner,
      thisArg === undefined ? { kind: 'direct' } : { kind: 'direct', thisVar: thisArg },
    );
  })
  .define('Function.bind', (recv, call, calls) => {
    if (call.result === undefined) return;
    calls.s.prop.add(call.result, calls.partial(recv, call, arg(call, 0), call.args.slice(1)));
  })
  .define(['Array.push', 'Array.unshift', 'Array.fill'], (recv, call, calls, name) => {
    const into = calls.s.own(recv, ANY_KEY);
    const values = name === 'Array.fill' ? call.args.slice(0, 1) : call.args;
    for (const v of values) calls.s.prop.edge(v, into);
    if (call.spread !== undefined) calls.s.prop.edge(calls.elements(call.args.slice(call.spread)), into);
  })
  .define(['Array.pop', 'Array.shift', 'Array.at'], (recv, call, calls) => {
    returns(calls, call, calls.members.load(recv, ANY_KEY));
  })
  .define(['Array.find', 'Array.findLast'], (recv, call, calls, name) => {
    const elements = calls.members.load(recv, ANY_KEY);
    const fn = arg(call, 0);
    if (fn !== undefined) calls.callBack(fn, call, prototypeName(name), [elements]);
    returns(calls, call, elements);
  })
  .define(
    CALLBACK_METHODS.map((m) => `Array.${m}`),
    (recv, call, calls, name) => {
      const fn = arg(call, 0);
      const element = calls.members.load(recv, ANY_KEY);
      if (fn !== undefined)
        calls.callBack(fn, call, prototypeName(name), [element, calls.s.temp(), self(calls, recv)]);
      returnsUnknown(calls, call);
    },
  )
  .define(['Array.map', 'Array.flatMap'], (recv, call, calls, name) => {
    const fn = arg(call, 0);
    const out = calls.s.temp();
    const element = calls.members.load(recv, ANY_KEY);
    if (fn !== undefined)
      calls.callBack(fn, call, prototypeName(name), [element, calls.s.temp(), self(calls, recv)], out);
    if (name === 'Array.flatMap') calls.s.prop.edge(elementsOf(calls, out), out);
    arrayOf(calls, call, 'map', out);
  })
  .define('Array.filter', (recv, call, calls) => {
    const elements = calls.members.load(recv, ANY_KEY);
    const fn = arg(call, 0);
    if (fn !== undefined)
      calls.callBack(fn, call, 'Array.prototype.filter', [elements, calls.s.temp(), self(calls, recv)]);
    arrayOf(calls, call, 'filter', elements);
  })
  .define(['Array.reduce', 'Array.reduceRight'], (recv, call, calls, name) => {
    const elements = calls.members.load(recv, ANY_KEY);
    const acc = calls.s.temp();
    calls.s.prop.edge(elements, acc);
    const initial = arg(call, 1);
    if (initial !== undefined) calls.s.prop.edge(initial, acc);
    const fn = arg(call, 0);
    if (fn !== undefined) calls.callBack(fn, call, prototypeName(name), [acc, elements], acc);
    returns(calls, call, acc);
  })
  .define('Array.sort', (recv, call, calls) => {
    const elements = calls.members.load(recv, ANY_KEY);
    const fn = arg(call, 0);
    if (fn !== undefined) calls.callBack(fn, call, 'Array.prototype.sort', [elements, elements]);
    returns(calls, call, self(calls, recv));
  })
  .define(['Array.values', 'Array.keys', 'Array.entries', 'Array.@@iterator'], (recv, call, calls) => {
    returns(calls, call, self(calls, recv));
  })
  .define(
    ['Array.reverse', 'Array.concat', 'Array.flat', 'Array.splice', 'Array.toSorted', 'Array.toReversed'],
    (recv, call, calls, name) => {
      const out = calls.s.temp();
      calls.s.prop.edge(calls.members.load(recv, ANY_KEY), out);
      if (name === 'Array.concat')
        for (const v of call.args) {
          calls.s.prop.edge(elementsOf(calls, v), out);
          calls.s.prop.edge(v, out);
        }
      if (name === 'Array.flat') calls.s.prop.edge(elementsOf(calls, out), out);
      arrayOf(calls, call, 'copy', out);
    },
  )
  .define('Array.slice', (recv, call, calls) => {
    copyShifted(calls, recv, newContainer(calls, call, 'a', 'slice'), arg(call, 0));
  })
  .define('promise.then', (recv, call, calls) => {
    const value = calls.s.values.a[recv]!;
    const out = calls.s.keyedVar(`then:${call.id}`);
    const onFulfilled = arg(call, 0);
    const onRejected = arg(call, 1);
    if (onFulfilled !== undefined) calls.callBack(onFulfilled, call, 'Promise.then', [value], out);
    if (onRejected !== undefined) calls.callBack(onRejected, call, 'Promise.then', [calls.s.temp()], out);
    const settled = calls.s.keyedVar(`then-settled:${call.id}`);
    calls.await(out, settled);
    if (call.result !== undefined) calls.s.prop.add(call.result, promiseOf(calls, settled));
  })
  .define(['promise.catch', 'promise.finally'], (recv, call, calls, name) => {
    const fn = arg(call, 0);
    if (fn !== undefined)
      calls.callBack(fn, call, name === 'promise.catch' ? 'Promise.catch' : 'Promise.finally', [
        calls.s.temp(),
      ]);
    returns(calls, call, self(calls, recv));
  })
  .define('gen.next', (recv, call, calls) => {
    const fn = calls.s.fns.get(calls.s.values.a[calls.s.values.a[recv]!]!);
    const step = newContainer(calls, call, 'o', 'next');
    if (fn?.fact.y !== undefined)
      calls.s.prop.edge(calls.s.var(fn.file, fn.fact.y), calls.s.own(step, 'value'));
  })
  .define('Promise', (_recv, call, calls) => {
    const value = calls.s.keyedVar(`promise:${call.id}`);
    if (call.result !== undefined) calls.s.prop.add(call.result, promiseOf(calls, value));
    const resolve = holding(calls, calls.s.values.intern('native', -1, value, 'resolver'));
    const executor = arg(call, 0);
    if (executor !== undefined) calls.callBack(executor, call, 'Promise', [resolve, calls.s.temp()]);
  })
  .define('resolver', (valueVar, call, calls) => {
    const v = arg(call, 0);
    if (v !== undefined) calls.s.prop.edge(v, valueVar);
  })
  .define('Promise.resolve', (_recv, call, calls) => {
    const v = arg(call, 0) ?? calls.s.temp();
    const settled = calls.s.keyedVar(`resolve:${call.id}`);
    calls.await(v, settled);
    if (call.result !== undefined) calls.s.prop.add(call.result, promiseOf(calls, settled));
  })
  .define(
    ['Promise.all', 'Promise.allSettled', 'Promise.race', 'Promise.any'],
    (_recv, call, calls, name) => {
      const list = arg(call, 0);
      const settled = calls.s.keyedVar(`${name}:${call.id}`);
      if (list !== undefined) calls.await(elementsOf(calls, list), settled);
      let value = settled;
      if (name === 'Promise.all' || name === 'Promise.allSettled') {
        const array = calls.s.object('a', `${name}:${call.id}`);
        calls.s.prop.edge(settled, calls.s.own(array, ANY_KEY));
        value = calls.s.keyedVar(`${name}-array:${call.id}`);
        calls.s.prop.add(value, array);
      }
      if (call.result !== undefined) calls.s.prop.add(call.result, promiseOf(calls, value));
    },
  )
  .define(
    [
      'setTimeout',
      'setInterval',
      'setImmediate',
      'queueMicrotask',
      'process.nextTick',
      'requestAnimationFrame',
      'requestIdleCallback',
    ],
    callTimer,
  )
  .define('Object.assign', (_recv, call, calls) => {
    const target = arg(call, 0);
    if (target === undefined) return;
    calls.s.copyAll(call.args.slice(1), target, `assign:${call.id}`);
    returns(calls, call, target);
  })
  .define('Object.create', (_recv, call, calls) => {
    const object = newContainer(calls, call, 'o', 'create');
    const proto = arg(call, 0);
    if (proto !== undefined) calls.s.prop.edge(proto, calls.members.protoOf(object));
    const descriptors = arg(call, 1);
    if (descriptors !== undefined) defineProperties(calls, holding(calls, object), descriptors);
  })
  .define('Object.setPrototypeOf', (_recv, call, calls) => {
    const target = arg(call, 0);
    const proto = arg(call, 1);
    if (target !== undefined && proto !== undefined)
      calls.s.prop.on(target, (t) => calls.s.prop.edge(proto, calls.members.protoOf(t)));
    returns(calls, call, target);
  })
  .define('Object.getPrototypeOf', (_recv, call, calls) => {
    const target = arg(call, 0);
    if (target !== undefined) calls.s.prop.on(target, (t) => returns(calls, call, calls.members.protoOf(t)));
  })
  .define('Object.defineProperty', (_recv, call, calls) => {
    const [target, key, descriptor] = [arg(call, 0), arg(call, 1), arg(call, 2)];
    if (target === undefined || key === undefined || descriptor === undefined) return;
    calls.s.prop.on(key, (k) => {
      if (calls.s.values.kind[k] === 'lit') defineOne(calls, target, calls.s.values.name[k]!, descriptor);
    });
    returns(calls, call, target);
  })
  .define('Object.defineProperties', (_recv, call, calls) => {
    const [target, descriptors] = [arg(call, 0), arg(call, 1)];
    if (target !== undefined && descriptors !== undefined) defineProperties(calls, target, descriptors);
    returns(calls, call, target);
  })
  .define(['Object.freeze', 'Object.seal', 'Object.preventExtensions'], (_recv, call, calls) => {
    returns(calls, call, arg(call, 0));
  })
  .define(['Object.keys', 'Object.values', 'Object.entries'], (_recv, call, calls, name) => {
    const source = arg(call, 0);
    const out = calls.s.temp();
    const which = name.split('.').pop();
    if (source !== undefined)
      calls.s.prop.on(source, (value) =>
        calls.s.eachOwn(value, (key, v) => {
          if (key === ANY_KEY) return;
          if (which === 'keys') calls.s.prop.add(out, calls.s.lit(key));
          else if (which === 'values') calls.s.prop.edge(v, out);
          else {
            const pair = calls.s.object('a', `entry:${call.id}`);
            calls.s.prop.add(calls.s.own(pair, '0'), calls.s.lit(key));
            calls.s.prop.edge(v, calls.s.own(pair, '1'));
            calls.s.prop.add(out, pair);
          }
        }),
      );
    arrayOf(calls, call, which ?? 'keys', out);
  })
  .define('Array.from', (_recv, call, calls) => {
    const elements = iterated(calls, call, arg(call, 0));
    const fn = arg(call, 1);
    if (fn === undefined) {
      arrayOf(calls, call, 'from', elements);
      return;
    }
    const out = calls.s.temp();
    calls.callBack(fn, call, 'Array.from', [elements], out);
    arrayOf(calls, call, 'from', out);
  })
  .define('Array.of', (_recv, call, calls) => {
    const out = calls.s.temp();
    for (const v of call.args) calls.s.prop.edge(v, out);
    arrayOf(calls, call, 'of', out);
  })
  .define('Reflect.apply', (_recv, call, calls) => {
    const [fn, thisArg, list] = [arg(call, 0), arg(call, 1), arg(call, 2)];
    if (fn === undefined) return;
    const inner: CallContext = {
      ...call,
      id: calls.newId(),
      args: list === undefined ? [] : [list],
      spread: 0,
    };
    calls.s.prop.on(fn, (f) =>
      calls.invoke(
        f,
        inner,
        thisArg === undefined ? { kind: 'direct' } : { kind: 'direct', thisVar: thisArg },
      ),
    );
  })
  .define(['util.inherits', 'node:util.inherits'], (_recv, call, calls) => {
    const [child, parent] = [arg(call, 0), arg(call, 1)];
    if (child === undefined || parent === undefined) return;
    const parentProto = calls.member(parent, 'prototype');
    calls.s.prop.on(calls.member(child, 'prototype'), (proto) =>
      calls.s.prop.edge(parentProto, calls.members.protoOf(proto)),
    );
  });

/** `Object.defineProperty(target, key, { value, get, set })`. */
function defineOne(calls: Calls, target: number, key: string, descriptor: number): void {
  const { s } = calls;
  const value = calls.member(descriptor, 'value');
  const accessors = s.temp();
  s.prop.on(calls.member(descriptor, 'get'), (g) => {
    if (s.values.kind[g] === 'fn') s.prop.add(accessors, s.values.intern('getter', g));
  });
  s.prop.on(calls.member(descriptor, 'set'), (g) => {
    if (s.values.kind[g] === 'fn') s.prop.add(accessors, s.values.intern('setter', g));
  });
  s.prop.on(target, (t) => {
    const own = s.own(t, key);
    s.prop.edge(value, own);
    s.prop.edge(accessors, own);
  });
}

function defineProperties(calls: Calls, target: number, descriptors: number): void {
  calls.s.prop.on(descriptors, (d) =>
    calls.s.eachOwn(d, (key, descriptor) => {
      if (key !== ANY_KEY) defineOne(calls, target, key, descriptor);
    }),
  );
}
