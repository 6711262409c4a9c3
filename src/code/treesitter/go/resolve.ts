// Go resolver (code intelligence): what a name, selector or call evaluates to — packages, functions, typed
// values — and which methods a type has, including methods promoted through embedding and the types that
// satisfy an interface implicitly (same method names with the same parameter counts).
import type { GoExpr, GoMethodSpec, GoType, GoVar } from './facts.js';
import type { FuncInfo, GoFile, GoPackage, TypeInfo } from './packages.js';

export type GoValue =
  | { readonly k: 'pkg'; readonly pkg: GoPackage }
  | { readonly k: 'func'; readonly fn: FuncInfo }
  | { readonly k: 'type'; readonly t: TypeInfo }
  | { readonly k: 'val'; readonly t: TypeInfo }
  /** A slice, array, channel or map value whose element types are written in `file`. */
  | { readonly k: 'coll'; readonly type: GoType & { k: 'slice' | 'map' }; readonly file: GoFile }
  | { readonly k: 'method'; readonly fn: FuncInfo }
  | { readonly k: 'imethod'; readonly iface: TypeInfo; readonly spec: GoMethodSpec }
  | { readonly k: 'external' };

const external: GoValue = { k: 'external' };
const maxDepth = 24;

export interface GoScope {
  readonly file: GoFile;
  /** Function index in the file, -1 at package level. */
  readonly func: number;
}

export class GoResolver {
  readonly #varValues = new Map<GoVar, GoValue[]>();
  readonly #inProgress = new Set<GoVar>();
  readonly #methodSets = new Map<TypeInfo, Map<string, FuncInfo>>();
  readonly #implementers = new Map<TypeInfo, TypeInfo[]>();
  #depth = 0;

  constructor(private readonly types: readonly TypeInfo[]) {}

  resolveType(type: GoType, file: GoFile): GoValue[] {
    switch (type.k) {
      case 'named': {
        const pkg = type.pkg === undefined ? file.pkg : file.imports.get(type.pkg);
        const t =
          pkg?.types.get(type.name) ?? (type.pkg === undefined ? dotType(file, type.name) : undefined);
        return t ? [{ k: 'val', t }] : [external];
      }
      case 'slice':
      case 'map':
        return [{ k: 'coll', type, file }];
      case 'other':
        return [];
    }
  }

  evaluate(expr: GoExpr, scope: GoScope): GoValue[] {
    if (this.#depth > maxDepth) return [];
    this.#depth++;
    try {
      switch (expr.k) {
        case 'name':
          return this.lookup(expr.name, scope);
        case 'sel':
          return this.evaluate(expr.of, scope).flatMap((v) => this.member(v, expr.name));
        case 'call':
          return this.evaluate(expr.fn, scope).flatMap((v) => this.resultOf(v, expr.i ?? 0));
        case 'typed':
          return this.resolveType(expr.type, scope.file);
        case 'index':
          return this.evaluate(expr.of, scope).flatMap((v) => this.#element(v, 1));
        case 'range':
          return this.evaluate(expr.of, scope).flatMap((v) => this.#element(v, expr.i));
        case 'other':
          return [];
      }
    } finally {
      this.#depth--;
    }
  }

  /** Elements of a collection: `i` 1 is the element (or map value), 0 the map key. */
  #element(v: GoValue, i: number): GoValue[] {
    let coll = v;
    if (v.k === 'val' && v.t.decl.underlying && v.t.decl.underlying.k !== 'named') {
      coll = this.resolveType(v.t.decl.underlying, v.t.file)[0] ?? external;
    }
    if (coll.k !== 'coll') return coll.k === 'external' ? [external] : [];
    if (coll.type.k === 'map') return this.resolveType(i === 0 ? coll.type.key : coll.type.of, coll.file);
    return i === 1 ? this.resolveType(coll.type.of, coll.file) : [external];
  }

  lookup(name: string, scope: GoScope): GoValue[] {
    const locals = scope.file.locals.get(scope.func)?.get(name);
    if (locals) return locals.flatMap((v) => this.#valueOfVar(v, scope.file));
    const pkg = scope.file.pkg;
    const found = packageMember(pkg, name);
    if (found.length > 0)
      return found.flatMap((v) => (v.k === 'var' ? this.#valueOfVar(v.v, v.file) : [v.value]));
    if (scope.file.imports.has(name)) {
      const target = scope.file.imports.get(name);
      return target ? [{ k: 'pkg', pkg: target }] : [external];
    }
    for (const dot of scope.file.dotImports) {
      const fromDot = packageMember(dot, name);
      if (fromDot.length > 0)
        return fromDot.flatMap((v) => (v.k === 'var' ? this.#valueOfVar(v.v, v.file) : [v.value]));
    }
    return [external];
  }

  #valueOfVar(v: GoVar, file: GoFile): GoValue[] {
    const cached = this.#varValues.get(v);
    if (cached) return cached;
    if (this.#inProgress.has(v)) return [];
    this.#inProgress.add(v);
    try {
      const values = v.type
        ? this.resolveType(v.type, file)
        : v.value
          ? this.evaluate(v.value, { file, func: v.scope })
          : [];
      this.#varValues.set(v, values);
      return values;
    } finally {
      this.#inProgress.delete(v);
    }
  }

  member(v: GoValue, name: string): GoValue[] {
    switch (v.k) {
      case 'pkg': {
        const found = packageMember(v.pkg, name);
        return found.flatMap((m) => (m.k === 'var' ? this.#valueOfVar(m.v, m.file) : [m.value]));
      }
      case 'val': {
        const method = this.methodOf(v.t, name);
        if (method) return [method];
        const field = this.#fieldOf(v.t, name, 0);
        return field ?? [external];
      }
      case 'external':
        return [external];
      default:
        return [];
    }
  }

  resultOf(v: GoValue, i: number): GoValue[] {
    switch (v.k) {
      case 'func':
      case 'method': {
        const result = v.fn.f.results[i];
        return result ? this.resolveType(result.type, v.fn.file) : [];
      }
      case 'imethod': {
        const result = v.spec.results[i];
        return result ? this.resolveType(result, v.iface.file) : [];
      }
      case 'type':
        return [{ k: 'val', t: v.t }];
      case 'external':
        return [external];
      default:
        return [];
    }
  }

  #fieldOf(t: TypeInfo, name: string, depth: number): GoValue[] | undefined {
    if (depth > 4) return undefined;
    for (const field of t.decl.fields ?? [])
      if (field.name === name) return this.resolveType(field.type, t.file);
    for (const field of t.decl.fields ?? []) {
      if (field.name !== undefined) continue;
      for (const e of this.resolveType(field.type, t.file)) {
        if (e.k !== 'val') continue;
        if (field.type.k === 'named' && field.type.name === name) return [e];
        const found = this.#fieldOf(e.t, name, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** A method of a named type: declared on it, promoted from an embedded field, or declared by an interface. */
  methodOf(t: TypeInfo, name: string, depth = 0): GoValue | undefined {
    if (depth > 4) return undefined;
    if (t.decl.kind === 'interface') {
      for (const spec of t.decl.methods ?? [])
        if (spec.name === name) return { k: 'imethod', iface: t, spec };
      for (const embed of t.decl.embeds ?? []) {
        for (const e of this.resolveType(embed, t.file)) {
          const found = e.k === 'val' ? this.methodOf(e.t, name, depth + 1) : undefined;
          if (found) return found;
        }
      }
      return undefined;
    }
    const own = t.file.pkg.methods.get(t.decl.name)?.get(name)?.[0];
    if (own) return { k: 'method', fn: own };
    for (const field of t.decl.fields ?? []) {
      if (field.name !== undefined) continue;
      for (const e of this.resolveType(field.type, t.file)) {
        const found = e.k === 'val' ? this.methodOf(e.t, name, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Methods a concrete type has (own and promoted), by name. */
  #methodSet(t: TypeInfo): Map<string, FuncInfo> {
    const cached = this.#methodSets.get(t);
    if (cached) return cached;
    const set = new Map<string, FuncInfo>();
    this.#methodSets.set(t, set);
    for (const [name, fns] of t.file.pkg.methods.get(t.decl.name) ?? []) if (fns[0]) set.set(name, fns[0]);
    for (const field of t.decl.fields ?? []) {
      if (field.name !== undefined) continue;
      for (const e of this.resolveType(field.type, t.file)) {
        if (e.k !== 'val' || e.t.decl.kind === 'interface') continue;
        for (const [name, fn] of this.#methodSet(e.t)) if (!set.has(name)) set.set(name, fn);
      }
    }
    return set;
  }

  /** Every method an interface requires (declared and embedded). */
  interfaceMethods(iface: TypeInfo, depth = 0): GoMethodSpec[] {
    const specs = [...(iface.decl.methods ?? [])];
    if (depth > 4) return specs;
    for (const embed of iface.decl.embeds ?? []) {
      for (const e of this.resolveType(embed, iface.file)) {
        if (e.k === 'val' && e.t.decl.kind === 'interface')
          specs.push(...this.interfaceMethods(e.t, depth + 1));
      }
    }
    return specs;
  }

  /** Concrete types of the tree whose method set has every method of `iface` with the same parameter count. */
  implementers(iface: TypeInfo): TypeInfo[] {
    const cached = this.#implementers.get(iface);
    if (cached) return cached;
    const required = this.interfaceMethods(iface);
    const found =
      required.length === 0
        ? []
        : this.types.filter((t) => {
            if (t.decl.kind === 'interface') return false;
            const set = this.#methodSet(t);
            return required.every((spec) => {
              const impl = set.get(spec.name);
              return impl !== undefined && this.#sameSignature(spec, iface, impl);
            });
          });
    this.#implementers.set(iface, found);
    return found;
  }

  /** Same parameter count, same parameter types where both are written as names, same result count. */
  #sameSignature(spec: GoMethodSpec, iface: TypeInfo, impl: FuncInfo): boolean {
    const params = impl.f.params;
    if (params.length !== spec.arity || impl.f.results.length !== spec.results.length) return false;
    return spec.params.every((p, i) => {
      const other = params[i];
      if (!other) return false;
      const a = this.#typeKey(p, iface.file);
      const b = this.#typeKey(other.type, impl.file);
      return a === undefined || b === undefined || a === b;
    });
  }

  /** A comparable key for a written type; undefined when it cannot be compared (inline types). */
  #typeKey(type: GoType, file: GoFile): string | undefined {
    switch (type.k) {
      case 'named': {
        const [v] = this.resolveType(type, file);
        if (v?.k === 'val') return v.t.id;
        return type.pkg === undefined ? type.name : `${type.pkg}.${type.name}`;
      }
      case 'slice': {
        const of = this.#typeKey(type.of, file);
        return of === undefined ? undefined : `[]${of}`;
      }
      case 'map': {
        const key = this.#typeKey(type.key, file);
        const of = this.#typeKey(type.of, file);
        return key === undefined || of === undefined ? undefined : `map[${key}]${of}`;
      }
      case 'other':
        return undefined;
    }
  }

  /** The concrete method `name` of a type (own or promoted). */
  concreteMethod(t: TypeInfo, name: string): FuncInfo | undefined {
    return this.#methodSet(t).get(name);
  }
}

type Member = { k: 'value'; value: GoValue } | { k: 'var'; v: GoVar; file: GoFile };

function packageMember(pkg: GoPackage, name: string): Member[] {
  const out: Member[] = [];
  for (const fn of pkg.funcs.get(name) ?? []) out.push({ k: 'value', value: { k: 'func', fn } });
  const t = pkg.types.get(name);
  if (t) out.push({ k: 'value', value: { k: 'type', t } });
  for (const { v, file } of pkg.vars.get(name) ?? []) out.push({ k: 'var', v, file });
  return out;
}

function dotType(file: GoFile, name: string): TypeInfo | undefined {
  for (const pkg of file.dotImports) {
    const t = pkg.types.get(name);
    if (t) return t;
  }
  return undefined;
}
