// Library models (code intelligence, value-flow core): what builtins and standard-library calls do with the values
// they are given — which callbacks they call and with what, what they return. Each language lists its own models
// (natives-js.ts, natives-py.ts) on this table; anything not modelled is library code the solver treats as opaque.
import type { CallContext, Calls, NativeModel } from './calls.js';
import { ANY_KEY, type AllocKind } from './ir.js';

/** Runs one library function or method: `recv` is the receiver value for a method (-1 for a function). */
export type NativeHandler = (recv: number, call: CallContext, calls: Calls, name: string) => void;

export class NativeTable implements NativeModel {
  readonly #handlers = new Map<string, NativeHandler>();

  constructor(
    private readonly prefixes: Readonly<Partial<Record<AllocKind, string>>>,
    private readonly globals: ReadonlySet<string>,
  ) {}

  define(names: string | readonly string[], handler: NativeHandler): this {
    for (const name of typeof names === 'string' ? [names] : names) this.#handlers.set(name, handler);
    return this;
  }

  prefixOf(allocKind: string): string | undefined {
    return this.prefixes[allocKind as AllocKind];
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  isGlobal(name: string): boolean {
    return this.globals.has(name);
  }

  call(name: string, recv: number, call: CallContext, calls: Calls): boolean {
    const handler = this.#handlers.get(name);
    if (!handler) return false;
    handler(recv, call, calls, name);
    return true;
  }
}

/** Positional argument `i`, if the call has one before any spread. */
export function arg(call: CallContext, i: number): number | undefined {
  return call.spread !== undefined && i >= call.spread ? undefined : call.args[i];
}

/** Keyword argument `name` (Python), else positional `i`. */
export function argOrKeyword(call: CallContext, i: number, name: string): number | undefined {
  return call.keywords?.find(([k]) => k === name)?.[1] ?? arg(call, i);
}

/** A variable holding just `value`. */
export function holding(calls: Calls, value: number): number {
  const v = calls.s.temp();
  calls.s.prop.add(v, value);
  return v;
}

/** What the call returns: a fresh container made at this call (one per call site). */
export function newContainer(calls: Calls, call: CallContext, kind: AllocKind, tag: string): number {
  const value = calls.s.object(kind, `${call.id}:${call.at.file}:${call.at.line}:${call.at.column}:${tag}`);
  if (call.result !== undefined) calls.s.prop.add(call.result, value);
  return value;
}

/** `call.result ⊇ v`. */
export function returns(calls: Calls, call: CallContext, v: number | undefined): void {
  if (v !== undefined && call.result !== undefined) calls.s.prop.edge(v, call.result);
}

/** `call.result` may hold anything. */
export function returnsUnknown(calls: Calls, call: CallContext): void {
  if (call.result !== undefined) calls.s.unknown(call.result);
}

/** A variable holding what iterating the values of `v` yields (protocol calls are made at the call). */
export function iterated(calls: Calls, call: CallContext, v: number | undefined): number {
  const out = calls.s.temp();
  if (v !== undefined) calls.iterate(v, out, call.at);
  return out;
}

/** The integer a constant key spells (`'2'` in JS, `'#2'` in Python), if it is one. */
export function intKey(key: string): number | undefined {
  const digits = key.startsWith('#') ? key.slice(1) : key;
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** The integer values a variable holds as constants; undefined when it holds anything else or nothing. */
export function constantInts(calls: Calls, v: number | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const values = calls.s.prop.values(v);
  if (values.size === 0) return undefined;
  const ints: number[] = [];
  for (const value of values) {
    if (calls.s.values.kind[value] !== 'lit') return undefined;
    const n = intKey(calls.s.values.name[value]!);
    if (n === undefined) return undefined;
    ints.push(n);
  }
  return ints;
}

/**
 * Copies the elements of container `source` into `copy` as a slice from `start` does: element i becomes element
 * i - start when the start is a constant, else every element goes under any key.
 */
export function copyShifted(calls: Calls, source: number, copy: number, start: number | undefined): void {
  const { s } = calls;
  const copyWith = () => {
    const starts = start === undefined ? [0] : constantInts(calls, start);
    s.eachOwn(source, (key, v) => {
      const i = intKey(key);
      if (starts === undefined || i === undefined) s.prop.edge(v, s.own(copy, ANY_KEY));
      else for (const from of starts) if (i >= from) s.prop.edge(v, s.own(copy, s.indexKey(i - from)));
    });
  };
  if (start === undefined) copyWith();
  else s.prop.on(start, copyWith);
}
