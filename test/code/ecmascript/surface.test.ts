// The type surface of a TypeScript file: equal for edits nothing outside the file can observe through the type
// checker (comments, bodies of functions whose signature fixes their type), different for any other edit.
import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../../src/code/ecmascript/extract.js';

const BASE = `/// <reference types="node" />
import { Store } from './store';

/** A cart. */
export class Cart {
  constructor(private readonly store: Store) {
    this.store.open();
  }
  total(): number {
    return this.store.sum();
  }
  get size() {
    return this.store.count();
  }
  set label(value: string) {
    this.store.tag(value);
  }
  items = () => this.store.all();
}

export function make(store = new Store()) {
  return new Cart(store);
}

export const typed = (n: number): string => String(n);
let a = make
(typed)
`;

const surface = (text: string, path = 'cart.ts') => extractFacts(text, path).sh;
const edit = (from: string, to: string) => {
  expect(BASE).toContain(from);
  return surface(BASE.replace(from, to));
};

describe('type surface of a TypeScript file', () => {
  it('is the same after edits to comments, whitespace and bodies whose signature fixes their type', () => {
    const base = surface(BASE);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(edit('/** A cart. */', '/** A shopping cart,\n * with lines. */')).toBe(base);
    expect(edit('export class Cart {', '// carts\n\nexport   class Cart {')).toBe(base);
    // Annotated return type, constructor, setter, annotated arrow: the body is sealed.
    expect(edit('return this.store.sum();', 'const s = this.store.sum();\n    return s * 2;')).toBe(base);
    expect(edit('this.store.open();', 'this.store.open();\n    this.store.warm();')).toBe(base);
    expect(edit('this.store.tag(value);', 'this.store.tag(value.trim());')).toBe(base);
    expect(edit('String(n)', 'n.toFixed(0)')).toBe(base);
  });

  it('changes when a type seen from outside may change', () => {
    const base = surface(BASE);
    // Inferred from the body: a getter, a function and an arrow without annotations.
    expect(edit('return this.store.count();', 'return String(this.store.count());')).not.toBe(base);
    expect(edit('return new Cart(store);', 'return store;')).not.toBe(base);
    expect(edit('items = () => this.store.all();', 'items = () => this.store.first();')).not.toBe(base);
    // Signatures, parameter defaults, imports, triple-slash directives, line breaks that change the parse.
    expect(edit('total(): number', 'total(): string')).not.toBe(base);
    expect(edit('store = new Store()', 'store = new Store(1)')).not.toBe(base);
    expect(edit("from './store'", "from './other-store'")).not.toBe(base);
    expect(edit('types="node"', 'types="bun"')).not.toBe(base);
    expect(edit('let a = make\n(typed)', 'let a = make (typed)')).not.toBe(base);
  });

  it('is not computed for JavaScript, whose types the checker does not read here', () => {
    expect(surface('export function f() { return 1; }', 'f.js')).toBeUndefined();
    expect(surface('export function f() { return 1; }', 'f.ts')).toBeDefined();
  });
});
