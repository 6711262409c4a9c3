// Abstract values (code intelligence, value-flow core): what variables hold, interned as small integers.
//
// One abstract value stands for every run-time value made at one place: a function (per symbol), a class, an
// object literal or container (per allocation site), an instance (per class and construction site), a module.
// Constants usable as keys travel too, so `d[key]` and `getattr(o, name)` resolve when the key is known.

export type ValueKind =
  /** A function (a: global symbol index). */
  | 'fn'
  /** A class (a: class number in the solver). */
  | 'cls'
  /** An object, container or module exports (a: allocation number; name: its kind). */
  | 'obj'
  /** The prototype object of a function or class (a: that value). */
  | 'proto'
  /** An instance (a: class or constructor-function value, b: construction site number). */
  | 'inst'
  /** Any instance of a declared type, subclasses included (a: class value): calls on it dispatch. */
  | 'decl'
  /** A method bound to its receiver (a: function value, b: receiver value). */
  | 'bound'
  /** `f.bind(...)`, `functools.partial(...)`: a: function value, b: the binding call's number. */
  | 'partial'
  /** A constant key (name: its spelling). */
  | 'lit'
  /** Something nobody models (a number, a library's result). */
  | 'unknown'
  /** A value from outside the tree (name: dotted path, e.g. `os.path.join`, `Promise`). */
  | 'ext'
  /** A library method bound to a container (name: model name, b: receiver value). */
  | 'native'
  /** A getter or setter property (a: function value). */
  | 'getter'
  | 'setter'
  /** The iterator a generator function returns when called (a: function value). */
  | 'gen'
  /** A promise whose value is what variable a holds. */
  | 'promise'
  /** A module object (a: module number). */
  | 'module';

export const UNKNOWN_VALUE = 0;

export class ValueTable {
  readonly kind: ValueKind[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly name: string[] = [];
  readonly #interned = new Map<string, number>();

  constructor() {
    this.#make('unknown', -1, -1, '');
  }

  #make(kind: ValueKind, a: number, b: number, name: string): number {
    this.kind.push(kind);
    this.a.push(a);
    this.b.push(b);
    this.name.push(name);
    return this.kind.length - 1;
  }

  /** The value of this kind and fields, made once. */
  intern(kind: ValueKind, a = -1, b = -1, name = ''): number {
    const key = `${kind}\0${a}\0${b}\0${name}`;
    let value = this.#interned.get(key);
    if (value === undefined) {
      value = this.#make(kind, a, b, name);
      this.#interned.set(key, value);
    }
    return value;
  }

  get count(): number {
    return this.kind.length;
  }

  /** Whether calling this value may run code of the tree (what a library may call back). */
  callsTree(value: number): boolean {
    const kind = this.kind[value];
    return kind === 'fn' || kind === 'bound' || kind === 'partial' || kind === 'cls';
  }

  /** The function symbol a value runs when called: its own, or the bound or partially applied one's. */
  functionOf(value: number): number | undefined {
    const kind = this.kind[value];
    if (kind === 'fn') return this.a[value];
    if (kind === 'bound' || kind === 'partial') return this.functionOf(this.a[value]!);
    return undefined;
  }

  /** Readable description, for notes and debugging. */
  describe(value: number): string {
    const kind = this.kind[value];
    const name = this.name[value];
    return name ? `${kind}:${name}` : `${kind}:${this.a[value]}:${this.b[value]}`;
  }
}
