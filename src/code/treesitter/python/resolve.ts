// Python resolver (code intelligence): what a name, attribute or call evaluates to — modules, classes,
// functions, instances — following imports, annotations, assignments, return values and the MRO.
// Flow-insensitive: every assignment of a name counts, as in PyCG.
import type { PyExpr, PyImport, PyTypeRef } from './facts.js';
import type { ModuleMap } from './modules.js';
import type { Binding, ModuleInfo, Scope } from './scopes.js';

export type Value =
  | { readonly k: 'module'; readonly key: string }
  | { readonly k: 'class'; readonly cls: Scope }
  | { readonly k: 'func'; readonly fn: Scope }
  /** `exact` when made by calling the class here, so no subclass can be behind it. */
  | { readonly k: 'inst'; readonly cls: Scope; readonly exact: boolean }
  /** A method looked up on an instance (`recv` is the receiver's class) or a classmethod on a class. */
  | {
      readonly k: 'bound';
      readonly fn: Scope | undefined;
      readonly recv: Scope;
      readonly exact: boolean;
      readonly name: string;
    }
  /** `super()` inside a method of `cls`. */
  | { readonly k: 'super'; readonly cls: Scope }
  /** Known to come from outside the tree (stdlib, third-party, builtins). */
  | { readonly k: 'external' };

const external: Value = { k: 'external' };
const maxDepth = 24;

function valueKey(v: Value): string {
  switch (v.k) {
    case 'module':
      return `m:${v.key}`;
    case 'class':
      return `c:${v.cls.symbolId}`;
    case 'func':
      return `f:${v.fn.symbolId}`;
    case 'inst':
      return `i:${v.exact}:${v.cls.symbolId}`;
    case 'bound':
      return `b:${v.fn?.symbolId}:${v.recv.symbolId}:${v.exact}:${v.name}`;
    case 'super':
      return `s:${v.cls.symbolId}`;
    case 'external':
      return 'x';
  }
}

function unique(values: Value[]): Value[] {
  if (values.length < 2) return values;
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = valueKey(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class PythonResolver {
  readonly #bindingValues = new Map<Binding, Value[]>();
  readonly #returnValues = new Map<Scope, Value[]>();
  readonly #bases = new Map<Scope, { bases: Scope[]; external: boolean }>();
  readonly #mro = new Map<Scope, Scope[]>();
  readonly #subclasses = new Map<Scope, Scope[]>();
  readonly #inProgress = new Set<unknown>();
  #depth = 0;

  constructor(
    private readonly modules: ReadonlyMap<string, ModuleInfo>,
    private readonly map: ModuleMap,
    classes: readonly Scope[],
  ) {
    for (const cls of classes) {
      for (const base of this.basesOf(cls).bases) {
        const subs = this.#subclasses.get(base) ?? [];
        subs.push(cls);
        this.#subclasses.set(base, subs);
      }
    }
  }

  /** Evaluates an expression in a scope; an empty list means "unknown". */
  evaluate(expr: PyExpr, scope: Scope): Value[] {
    if (this.#depth > maxDepth) return [];
    this.#depth++;
    try {
      switch (expr.k) {
        case 'name':
          return this.lookup(expr.name, scope);
        case 'attr':
          return unique(this.evaluate(expr.of, scope).flatMap((v) => this.member(v, expr.name)));
        case 'call':
          if (expr.fn.k === 'name' && expr.fn.name === 'super' && !this.#bindingsOf('super', scope)) {
            const cls = enclosingClass(scope);
            return cls ? [{ k: 'super', cls }] : [];
          }
          return unique(this.evaluate(expr.fn, scope).flatMap((v) => this.resultOf(v)));
        case 'other':
          return [];
      }
    } finally {
      this.#depth--;
    }
  }

  #bindingsOf(name: string, scope: Scope): Binding[] | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      // Class bodies do not enclose the functions defined in them.
      if (s.kind === 'class' && s !== scope) continue;
      const found = s.bindings.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** A bare name: local, enclosing functions, module, star imports; anything else is a builtin. */
  lookup(name: string, scope: Scope): Value[] {
    const bindings = this.#bindingsOf(name, scope);
    if (bindings) return unique(bindings.flatMap((b) => this.#valuesOf(b)));
    const fromStar = this.#starMember(scope.module.moduleScope, name);
    return fromStar.length > 0 ? fromStar : [external];
  }

  #starMember(moduleScope: Scope, name: string): Value[] {
    const out: Value[] = [];
    for (const imp of moduleScope.starImports) {
      const key = this.#importedModule(imp, moduleScope.module);
      if (key !== undefined) out.push(...this.moduleMember(key, name));
    }
    return out;
  }

  #valuesOf(binding: Binding): Value[] {
    const cached = this.#bindingValues.get(binding);
    if (cached) return cached;
    if (this.#inProgress.has(binding)) return [];
    this.#inProgress.add(binding);
    try {
      const values = unique(this.#computeBinding(binding));
      this.#bindingValues.set(binding, values);
      return values;
    } finally {
      this.#inProgress.delete(binding);
    }
  }

  #computeBinding(b: Binding): Value[] {
    switch (b.k) {
      case 'def':
        return b.scope.kind === 'class' ? [{ k: 'class', cls: b.scope }] : [{ k: 'func', fn: b.scope }];
      case 'import':
        return this.#importValues(b.imp, b.in.module);
      case 'assign':
        if (b.a.types) return this.#typeValues(b.a.types, b.in);
        return b.a.value ? this.evaluate(b.a.value, b.in) : [];
      case 'param': {
        const cls = b.fn.parent;
        if (b.index === 0 && cls?.kind === 'class') {
          if (b.fn.role === 'method' || b.fn.role === 'property') return [{ k: 'inst', cls, exact: false }];
          if (b.fn.role === 'classmethod') return [{ k: 'class', cls }];
        }
        if (b.p.types) return this.#typeValues(b.p.types, b.fn.parent ?? b.fn);
        return b.p.dflt ? this.evaluate(b.p.dflt, b.fn.parent ?? b.fn) : [];
      }
    }
  }

  #typeValues(types: readonly PyTypeRef[], scope: Scope): Value[] {
    const out: Value[] = [];
    for (const t of types) {
      for (const v of this.evaluate(t.ref, scope)) {
        if (v.k === 'class') out.push(t.cls ? v : { k: 'inst', cls: v.cls, exact: false });
        else if (v.k === 'external') out.push(v);
      }
    }
    return out;
  }

  #importedModule(imp: PyImport, importer: ModuleInfo): string | undefined {
    return imp.level > 0
      ? this.map.resolveRelative(imp.level, imp.module, importer.file)
      : this.map.resolveAbsolute(imp.module, importer.file);
  }

  #importValues(imp: PyImport, importer: ModuleInfo): Value[] {
    if (imp.name === undefined) {
      const dotted = imp.alias ? imp.module : (imp.module.split('.')[0] ?? '');
      const key = this.map.resolveAbsolute(dotted, importer.file);
      return key === undefined ? [external] : [{ k: 'module', key }];
    }
    const key = this.#importedModule(imp, importer);
    if (key === undefined) return [external];
    return this.moduleMember(key, imp.name);
  }

  /** `module.name`: a binding of the module, else its submodule, else what it star-imports. */
  moduleMember(key: string, name: string): Value[] {
    const info = this.modules.get(key);
    const bindings = info?.moduleScope.bindings.get(name);
    if (bindings) return unique(bindings.flatMap((b) => this.#valuesOf(b)));
    const sub = this.map.submodule(key, name);
    if (sub !== undefined) return [{ k: 'module', key: sub }];
    if (info) {
      const guard = `star:${key}:${name}`;
      if (this.#inProgress.has(guard)) return [];
      this.#inProgress.add(guard);
      try {
        return this.#starMember(info.moduleScope, name);
      } finally {
        this.#inProgress.delete(guard);
      }
    }
    return [];
  }

  /** Attribute `name` of a value. */
  member(v: Value, name: string): Value[] {
    switch (v.k) {
      case 'module':
        return this.moduleMember(v.key, name);
      case 'class':
        return this.#classAttribute(v.cls, name);
      case 'inst':
        return this.#instanceAttribute(v.cls, v.exact, name);
      case 'super': {
        const [, ...rest] = this.mro(v.cls);
        for (const cls of rest) {
          const fn = ownFunction(cls, name);
          if (fn) return [{ k: 'bound', fn, recv: cls, exact: true, name }];
        }
        return [external];
      }
      case 'external':
        return [external];
      default:
        return [];
    }
  }

  #classAttribute(cls: Scope, name: string): Value[] {
    for (const c of this.mro(cls)) {
      const bindings = c.bindings.get(name);
      if (!bindings) continue;
      return unique(
        bindings.flatMap((b): Value[] => {
          if (b.k === 'def' && b.scope.kind === 'function' && b.scope.role === 'classmethod') {
            return [{ k: 'bound', fn: b.scope, recv: cls, exact: false, name }];
          }
          return this.#valuesOf(b);
        }),
      );
    }
    return this.basesOf(cls).external ? [external] : [];
  }

  #instanceAttribute(cls: Scope, exact: boolean, name: string): Value[] {
    const chain = this.mro(cls);
    for (const c of chain) {
      const fn = ownFunction(c, name);
      if (fn?.role === 'property') return this.resultOf({ k: 'func', fn: propertyGetter(c, name) ?? fn });
      if (fn) return [{ k: 'bound', fn, recv: cls, exact, name }];
    }
    for (const c of chain) {
      const bindings = c.fields.get(name) ?? c.bindings.get(name);
      if (bindings) return unique(bindings.flatMap((b) => this.#valuesOf(b)));
    }
    if (!exact && this.overrides(cls, name).length > 0)
      return [{ k: 'bound', fn: undefined, recv: cls, exact, name }];
    return chain.some((c) => this.basesOf(c).external) ? [external] : [];
  }

  /** What calling a value gives. */
  resultOf(v: Value): Value[] {
    switch (v.k) {
      case 'class':
        return [{ k: 'inst', cls: v.cls, exact: true }];
      case 'func':
        return this.#returns(v.fn);
      case 'bound': {
        if (!v.fn) return [];
        // A method that returns `self` (`__enter__`, fluent setters) returns the receiver as it was known here.
        const selfName = v.fn.role === 'method' ? v.fn.def?.params?.[0]?.name : undefined;
        const returnsSelf =
          v.fn.def?.returnValues?.some((e) => e.k === 'name' && e.name === selfName) === true;
        if (!returnsSelf || v.fn.def?.returns) return this.#returns(v.fn);
        const others = v.fn.def?.returnValues?.filter((e) => !(e.k === 'name' && e.name === selfName)) ?? [];
        const fn = v.fn;
        return unique([
          { k: 'inst', cls: v.recv, exact: v.exact },
          ...others.flatMap((e) => this.evaluate(e, fn)),
        ]);
      }
      case 'inst': {
        const call = this.mro(v.cls)
          .map((c) => ownFunction(c, '__call__'))
          .find((f) => f !== undefined);
        return call ? this.#returns(call) : [];
      }
      case 'external':
        return [external];
      default:
        return [];
    }
  }

  #returns(fn: Scope): Value[] {
    const cached = this.#returnValues.get(fn);
    if (cached) return cached;
    if (this.#inProgress.has(fn)) return [];
    this.#inProgress.add(fn);
    try {
      const def = fn.def;
      let values: Value[] = [];
      if (def?.returns) values = this.#typeValues(def.returns, fn.parent ?? fn);
      else if (def?.returnValues) values = unique(def.returnValues.flatMap((e) => this.evaluate(e, fn)));
      this.#returnValues.set(fn, values);
      return values;
    } finally {
      this.#inProgress.delete(fn);
    }
  }

  /** Base classes found in the tree, and whether some base is not (an external or unknown class). */
  basesOf(cls: Scope): { bases: Scope[]; external: boolean } {
    const cached = this.#bases.get(cls);
    if (cached) return cached;
    const result = { bases: [] as Scope[], external: false };
    this.#bases.set(cls, result);
    for (const expr of cls.def?.bases ?? []) {
      const values = this.evaluate(expr, cls.parent ?? cls);
      let found = false;
      for (const v of values) {
        if (v.k === 'class' && v.cls !== cls) {
          result.bases.push(v.cls);
          found = true;
        }
      }
      if (!found) result.external = true;
    }
    return result;
  }

  /** Method resolution order: left-to-right, depth-first, each class once. */
  mro(cls: Scope): Scope[] {
    const cached = this.#mro.get(cls);
    if (cached) return cached;
    const order: Scope[] = [];
    const visit = (c: Scope) => {
      if (order.includes(c)) return;
      order.push(c);
      for (const base of this.basesOf(c).bases) visit(base);
    };
    visit(cls);
    this.#mro.set(cls, order);
    return order;
  }

  /** Methods named `name` defined in the (transitive) subclasses of `cls`. */
  overrides(cls: Scope, name: string): Scope[] {
    const out: Scope[] = [];
    const seen = new Set<Scope>([cls]);
    const queue = [...(this.#subclasses.get(cls) ?? [])];
    while (queue.length > 0) {
      const sub = queue.shift() as Scope;
      if (seen.has(sub)) continue;
      seen.add(sub);
      const fn = ownFunction(sub, name);
      if (fn) out.push(fn);
      queue.push(...(this.#subclasses.get(sub) ?? []));
    }
    return out;
  }
}

/** A function defined directly in a class body. */
export function ownFunction(cls: Scope, name: string): Scope | undefined {
  const bindings = cls.bindings.get(name);
  if (!bindings) return undefined;
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i];
    if (b?.k === 'def' && b.scope.kind === 'function') return b.scope;
  }
  return undefined;
}

/** The class whose method (or nested function of a method) `scope` is. */
export function enclosingClass(scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent)
    if (s.parent?.kind === 'class' && s.kind === 'function') return s.parent;
  return undefined;
}

/** The `@property` function of a class, when a setter of the same name follows it. */
function propertyGetter(cls: Scope, name: string): Scope | undefined {
  for (const b of cls.bindings.get(name) ?? []) {
    if (b.k === 'def' && b.scope.def?.decorators?.includes('property')) return b.scope;
  }
  return undefined;
}
