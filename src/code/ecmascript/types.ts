// JS/TS syntactic type evaluator: turns the shapes recorded by `extract` into what they may hold across files
// (functions, classes, instances, interfaces, objects, modules), following imports, exports and class chains.
import { ClassMembers, type MemberHit } from './class-members.js';
import type { MemberFact, Shape } from './facts.js';
import type { ModuleResolver } from './modules.js';
import { ANY, addValues, EXT, type FileRecord, type Mode, type Value } from './values.js';

/** Computes what calling a callee returns; provided by the call resolver (calls need dispatch). */
export type CallResultHook = (file: number, callee: Shape) => Value[];

/** A numeric memo key for an index into a file's facts (files and indices well below 2^31 and 2^22). */
function at(f: number, index: number): number {
  return f * 4_194_304 + index;
}

/** Memoises a computation; a cycle (a = b; b = a) reads as unknown while it is being computed. */
function memoized<K>(table: Map<K, Value[]>, key: K, compute: () => Value[]): Value[] {
  const known = table.get(key);
  if (known) return known;
  table.set(key, []);
  const value = compute();
  table.set(key, value);
  return value;
}

/** Bound on nested evaluation: beyond it a value is just unknown. */
const MAX_DEPTH = 48;

const PROMISE_TYPES = new Set(['Promise', 'PromiseLike']);
const ARRAY_TYPES = new Set(['Array', 'ReadonlyArray', 'Set', 'ReadonlySet', 'Iterable', 'IterableIterator']);
const MAP_TYPES = new Set(['Map', 'ReadonlyMap', 'WeakMap']);

export class Evaluator {
  private readonly byPath = new Map<string, number>();
  // Memo tables: numeric keys (file and index, see `at`) where possible, as hashing fresh strings is costly here.
  private readonly bindingValues = new Map<number, Value[]>();
  private readonly bindingTypes = new Map<number, Value[]>();
  private readonly callResults = new Map<number, Value[]>();
  private readonly returnValues = new Map<number, Value[]>();
  private readonly commonjs = new Map<number, Value[]>();
  private readonly exports = new Map<string, Value[]>();
  private readonly properties = new Map<string, Value[]>();
  private readonly modules = new Map<number, Map<string, number | 'external' | 'missing'>>();
  private readonly fieldMemo = new Map<MemberFact, Value[]>();
  private depth = 0;
  callResult: CallResultHook = () => [];
  readonly classes: ClassMembers;

  constructor(
    readonly files: readonly FileRecord[],
    private readonly resolver: ModuleResolver,
  ) {
    for (const file of files) this.byPath.set(file.path, file.index);
    this.classes = new ClassMembers(files, (f, shape, mode) => this.evaluate(f, shape, mode));
  }

  file(index: number): FileRecord {
    return this.files[index]!;
  }

  /** The index of the linked file at `path` (relative to the indexed directory). */
  fileIndex(path: string): number | undefined {
    return this.byPath.get(path);
  }

  /** The file a specifier imports, `external` for packages, `missing` for a relative path not in the tree. */
  resolveModule(from: number, specifier: string): number | 'external' | 'missing' {
    let known = this.modules.get(from);
    if (!known) {
      known = new Map();
      this.modules.set(from, known);
    }
    let target = known.get(specifier);
    if (target === undefined) {
      const found = this.resolver.resolve(this.file(from).path, specifier);
      target = found.kind === 'file' ? (this.byPath.get(found.path) ?? 'missing') : found.kind;
      known.set(specifier, target);
    }
    return target;
  }

  evaluate(f: number, shape: Shape, mode: Mode = 'value'): Value[] {
    if (this.depth > MAX_DEPTH) return [];
    this.depth++;
    try {
      return this.evaluateShape(f, shape, mode);
    } finally {
      this.depth--;
    }
  }

  private evaluateShape(f: number, shape: Shape, mode: Mode): Value[] {
    switch (shape.k) {
      case 'b':
        return memoized(mode === 'type' ? this.bindingTypes : this.bindingValues, at(f, shape.b), () =>
          mode === 'type' ? this.bindingType(f, shape.b) : this.bindingValue(f, shape.b),
        );
      case 'g':
        return shape.n === 'exports' ? [{ k: 'mod', f }] : [EXT];
      case 'm':
        if (shape.o.k === 'g' && shape.o.n === 'module' && shape.n === 'exports') return [{ k: 'mod', f }];
        return this.member(this.evaluate(f, shape.o), shape.n, mode);
      case 'r':
        return memoized(this.callResults, at(f, shape.i), () => {
          const call = this.file(f).facts.calls[shape.i];
          if (!call) return [];
          return call.t === 'n' ? this.construct(f, call.f) : this.callResult(f, call.f);
        });
      case 'aw':
        return this.unwrap(this.evaluate(f, shape.o), 'promise', true);
      case 'el':
        return this.unwrap(this.evaluate(f, shape.o), 'array', false);
      case 'fn':
        return [{ k: 'fn', f, s: shape.s }];
      case 'cls':
        return [{ k: 'cls', f, c: shape.c }];
      case 'obj':
        return [{ k: 'obj', f, o: shape.o }];
      case 'ifc':
        return [{ k: 'ifc', f, i: shape.i }];
      case 'this':
        if (shape.c !== undefined) return [{ k: 'inst', f, c: shape.c, exact: false }];
        if (shape.o !== undefined) return [{ k: 'obj', f, o: shape.o }];
        if (shape.s !== undefined) {
          const c = this.classes.pseudoClass(f, shape.s);
          return c === undefined ? [] : [{ k: 'inst', f, c, exact: false }];
        }
        return [];
      case 'sup':
        return this.classes.superclasses(f, shape.c).bases.map((base) => ({
          k: 'inst',
          f: base.f,
          c: base.c,
          exact: true,
        }));
      case 'self':
        return [{ k: 'mod', f }];
      case 'req':
        return this.requireValue(f, shape.p);
      case 'imp': {
        const target = this.resolveModule(f, shape.p);
        return typeof target === 'number'
          ? [{ k: 'promise', of: [{ k: 'mod', f: target }] }]
          : target === 'external'
            ? [EXT]
            : [];
      }
      case 't':
        return this.typeInstance(f, shape.o, shape.a);
      case 'u': {
        const out: Value[] = [];
        for (const item of shape.of) addValues(out, this.evaluate(f, item, mode));
        return out;
      }
      case 'arr': {
        const elements: Value[] = [];
        for (const item of shape.of) addValues(elements, this.evaluate(f, item));
        return [{ k: 'array', of: elements }];
      }
      case 'any':
        return [ANY];
      case 'x':
        return [EXT];
      case 'q':
        return [];
    }
  }

  private unwrap(values: readonly Value[], kind: 'promise' | 'array', passThrough: boolean): Value[] {
    const out: Value[] = [];
    for (const value of values) {
      if (value.k === kind) addValues(out, value.of);
      else if (value.k === 'ext' || value.k === 'any') addValues(out, [value]);
      else if (passThrough) addValues(out, [value]);
    }
    return out;
  }

  private bindingValue(f: number, b: number): Value[] {
    const binding = this.file(f).facts.bind[b];
    if (!binding) return [];
    if (binding.imp) return this.importValue(f, binding.imp.p, binding.imp.n, 'value');
    if (binding.d === 'typeparam') return [];
    const out: Value[] = [];
    const fromValues = () => {
      for (const value of binding.v ?? []) addValues(out, this.evaluate(f, value));
    };
    const fromType = () => {
      if (binding.dt) addValues(out, this.evaluate(f, binding.dt));
    };
    // A const keeps what it was given (`new Stripe()` beats its declared interface); anything else may be
    // reassigned, so its declared type is the better guide.
    if (binding.d === 'const') {
      fromValues();
      if (out.length === 0 || (out.length === 1 && out[0]!.k === 'any' && binding.dt)) {
        out.length = 0;
        fromType();
      }
    } else {
      fromType();
      if (out.length === 0 || (out.length === 1 && out[0]!.k === 'any')) fromValues();
    }
    return out;
  }

  private bindingType(f: number, b: number): Value[] {
    const binding = this.file(f).facts.bind[b];
    if (!binding) return [];
    if (binding.imp) return this.importValue(f, binding.imp.p, binding.imp.n, 'type');
    if (binding.d === 'typeparam') return [];
    const out: Value[] = [];
    for (const meaning of binding.tm ?? []) addValues(out, this.evaluate(f, meaning));
    for (const value of binding.v ?? []) {
      if (
        value.k !== 'cls' &&
        value.k !== 'fn' &&
        value.k !== 'obj' &&
        value.k !== 'b' &&
        value.k !== 'm' &&
        value.k !== 'req'
      )
        continue;
      addValues(out, this.instancesOf(this.evaluate(f, value, 'type')));
    }
    return out;
  }

  /** Values read as types: classes (and constructor functions) become their instances. */
  instancesOf(values: readonly Value[]): Value[] {
    const out: Value[] = [];
    for (const value of values) {
      if (value.k === 'cls') addValues(out, [{ k: 'inst', f: value.f, c: value.c, exact: false }]);
      else if (value.k === 'fn') {
        const c = this.classes.pseudoClass(value.f, value.s);
        if (c !== undefined) addValues(out, [{ k: 'inst', f: value.f, c, exact: false }]);
      } else addValues(out, [value]);
    }
    return out;
  }

  private typeInstance(f: number, name: Shape, args: readonly Shape[] | undefined): Value[] {
    if (name.k === 'g') {
      const first = args?.[0];
      if (PROMISE_TYPES.has(name.n)) return [{ k: 'promise', of: first ? this.evaluate(f, first) : [] }];
      if (ARRAY_TYPES.has(name.n)) return [{ k: 'array', of: first ? this.evaluate(f, first) : [] }];
      const second = args?.[1];
      if (MAP_TYPES.has(name.n)) return [{ k: 'map', of: second ? this.evaluate(f, second) : [] }];
      return [EXT];
    }
    return this.instancesOf(this.evaluate(f, name, 'type'));
  }

  importValue(f: number, specifier: string, name: string, mode: Mode): Value[] {
    const target = this.resolveModule(f, specifier);
    if (target === 'external') return [EXT];
    if (target === 'missing') return [];
    if (name === '*') return [{ k: 'mod', f: target }];
    return this.exportValue(target, name, mode);
  }

  private requireValue(f: number, specifier: string): Value[] {
    const target = this.resolveModule(f, specifier);
    if (target === 'external') return [EXT];
    if (target === 'missing') return [];
    return this.file(target).facts.cjs ? this.commonjsExports(target) : [{ k: 'mod', f: target }];
  }

  private commonjsExports(f: number): Value[] {
    return memoized(this.commonjs, f, () => {
      const out: Value[] = [];
      for (const shape of this.file(f).facts.cjs ?? []) addValues(out, this.evaluate(f, shape));
      return out;
    });
  }

  /** What module `f` exports as `name`, through local exports, CommonJS, re-exports and `export *`. */
  exportValue(f: number, name: string, mode: Mode): Value[] {
    return memoized(this.exports, `${mode}:${f}:${name}`, () => {
      const facts = this.file(f).facts;
      const out: Value[] = [];
      if (facts.cjs) {
        const whole = this.commonjsExports(f);
        addValues(
          out,
          name === 'default'
            ? mode === 'type'
              ? this.instancesOf(whole)
              : whole
            : this.member(whole, name, mode),
        );
      }
      for (const entry of facts.ex) if (entry.n === name) addValues(out, this.evaluate(f, entry.v, mode));
      for (const entry of facts.rx) {
        if (entry.n !== name) continue;
        addValues(out, this.importValue(f, entry.p, entry.i, mode));
      }
      if (out.length === 0 && name !== 'default') {
        for (const specifier of facts.star) {
          const found = this.importValue(f, specifier, name, mode);
          if (found.length > 0 && !(found.length === 1 && found[0]!.k === 'ext')) addValues(out, found);
        }
      }
      return out;
    });
  }

  /** Reads `name` on each value: exports of modules, object properties, class statics, instance fields. */
  member(values: readonly Value[], name: string, mode: Mode = 'value'): Value[] {
    const out: Value[] = [];
    for (const value of values) {
      switch (value.k) {
        case 'mod':
          addValues(out, this.exportValue(value.f, name, mode));
          break;
        case 'obj':
          addValues(out, this.property(value.f, value.o, name, mode));
          break;
        case 'cls':
        case 'inst': {
          const lookup = this.classes.findMember(value.f, value.c, name, value.k === 'cls');
          for (const hit of lookup.hits) addValues(out, this.memberValue(hit));
          if (lookup.hits.length === 0 && lookup.external) addValues(out, [EXT]);
          break;
        }
        case 'ifc':
          for (const hit of this.classes.interfaceMembers(value.f, value.i, name))
            if (hit.k === 'p' && hit.t) addValues(out, this.evaluate(hit.f, hit.t));
          break;
        case 'fn': {
          const c = this.classes.pseudoClass(value.f, value.s);
          if (c !== undefined) addValues(out, this.member([{ k: 'cls', f: value.f, c }], name, mode));
          break;
        }
        case 'promise':
        case 'array':
        case 'map':
        case 'ext':
          addValues(out, [EXT]);
          break;
        case 'any':
          addValues(out, [ANY]);
          break;
      }
    }
    return out;
  }

  private property(f: number, o: number, name: string, mode: Mode): Value[] {
    return memoized(this.properties, `${mode}:${f}:${o}:${name}`, () => {
      const fact = this.file(f).facts.obj[o];
      if (!fact) return [];
      const out: Value[] = [];
      for (const prop of fact.p) if (prop.n === name) addValues(out, this.evaluate(f, prop.v, mode));
      if (out.length === 0)
        for (const spread of fact.spr ?? [])
          addValues(out, this.member(this.evaluate(f, spread), name, mode));
      return out;
    });
  }

  /** A class member read as a value: a method is its function, a field what it holds, a getter what it returns. */
  memberValue(hit: MemberHit): Value[] {
    const { f, member } = hit;
    if (member.s !== undefined) {
      if (member.k === 'get') return this.returnsOf(f, member.s);
      return [{ k: 'fn', f, s: member.s }];
    }
    if (member.k !== 'f') return [];
    // Fields refer to themselves (`this.items = [...this.items, item]`): memoised like bindings.
    const known = this.fieldMemo.get(member);
    if (known) return known;
    this.fieldMemo.set(member, []);
    const out: Value[] = [];
    if (member.t) addValues(out, this.evaluate(f, member.t));
    if (out.length === 0) for (const value of member.v ?? []) addValues(out, this.evaluate(f, value));
    this.fieldMemo.set(member, out);
    return out;
  }

  /** What a function returns: its declared return type, else the shapes of its `return`s. */
  returnsOf(f: number, s: number): Value[] {
    return memoized(this.returnValues, at(f, s), () => {
      const symbol = this.file(f).facts.sym[s];
      if (!symbol) return [];
      if (symbol.rt) return this.evaluate(f, symbol.rt);
      const out: Value[] = [];
      for (const shape of symbol.r ?? []) addValues(out, this.evaluate(f, shape));
      return out;
    });
  }

  construct(f: number, callee: Shape): Value[] {
    const out: Value[] = [];
    for (const value of this.evaluate(f, callee)) {
      if (value.k === 'cls') addValues(out, [{ k: 'inst', f: value.f, c: value.c, exact: true }]);
      else if (value.k === 'fn') {
        const c = this.classes.pseudoClass(value.f, value.s);
        if (c !== undefined) addValues(out, [{ k: 'inst', f: value.f, c, exact: true }]);
      } else if (value.k === 'ext' || value.k === 'any') addValues(out, [value]);
    }
    return out;
  }
}
