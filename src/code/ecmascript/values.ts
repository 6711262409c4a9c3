// JS/TS values: what the evaluator says an expression may hold, and the set operations on them.
import type { EcmascriptFacts } from './facts.js';

export interface FileRecord {
  readonly index: number;
  readonly path: string;
  readonly facts: EcmascriptFacts;
  readonly typescript: boolean;
}

/**
 * What an expression may evaluate to. `f` is a file index; `s`, `c`, `i`, `o` index that file's facts.
 * An `inst` is `exact` when made by `new` (its class is known, so no subclass can override a method).
 * `ext` is something outside the tree (a package, a builtin); `any` is explicitly untyped.
 */
export type Value =
  | { readonly k: 'fn'; readonly f: number; readonly s: number }
  | { readonly k: 'cls'; readonly f: number; readonly c: number }
  | { readonly k: 'inst'; readonly f: number; readonly c: number; readonly exact: boolean }
  | { readonly k: 'ifc'; readonly f: number; readonly i: number }
  | { readonly k: 'obj'; readonly f: number; readonly o: number }
  | { readonly k: 'mod'; readonly f: number }
  | { readonly k: 'promise' | 'array'; readonly of: readonly Value[] }
  /** A `Map`/`WeakMap`: `of` are its values (what `get` returns). */
  | { readonly k: 'map'; readonly of: readonly Value[] }
  | { readonly k: 'ext' }
  | { readonly k: 'any' };

export type Mode = 'value' | 'type';

export const EXT: Value = { k: 'ext' };
export const ANY: Value = { k: 'any' };
/** At most this many values per expression: beyond that, code is too dynamic for the answer to mean much. */
const MAX_VALUES = 24;

export function valueKey(value: Value): string {
  switch (value.k) {
    case 'fn':
      return `fn:${value.f}:${value.s}`;
    case 'cls':
      return `cls:${value.f}:${value.c}`;
    case 'inst':
      return `inst:${value.f}:${value.c}:${value.exact ? 1 : 0}`;
    case 'ifc':
      return `ifc:${value.f}:${value.i}`;
    case 'obj':
      return `obj:${value.f}:${value.o}`;
    case 'mod':
      return `mod:${value.f}`;
    case 'promise':
    case 'array':
    case 'map':
      return `${value.k}(${value.of.map(valueKey).join(',')})`;
    default:
      return value.k;
  }
}

/** Adds values to a list without duplicates, up to the bound. */
export function addValues(into: Value[], values: readonly Value[]): void {
  for (const value of values) {
    if (into.length >= MAX_VALUES) return;
    const key = valueKey(value);
    if (!into.some((existing) => valueKey(existing) === key)) into.push(value);
  }
}
