// Java type table (code intelligence): every type of the tree by fully qualified name, how a simple or dotted
// type name resolves in a file (nested types, same file and package, single-type, wildcard and static imports),
// supertypes, subtypes and method lookup by name and arity.
import type { JavaFacts, JLocal, JMethod, JType, JTypeDecl } from './facts.js';

export interface MethodInfo {
  readonly m: JMethod;
  readonly owner: TypeInfo;
  id: string;
}

export interface TypeInfo {
  readonly fqn: string;
  readonly file: JFile;
  readonly decl: JTypeDecl;
  readonly outer: TypeInfo | undefined;
  id: string;
  readonly methods: Map<string, MethodInfo[]>;
  readonly ctors: MethodInfo[];
  readonly subtypes: TypeInfo[];
}

export interface JFile {
  readonly path: string;
  readonly facts: JavaFacts;
  readonly types: TypeInfo[];
  /** Index i is `facts.methods[i]`. */
  readonly methods: MethodInfo[];
  /** Method index -> local name -> declarations (parameters included). */
  readonly locals: Map<number, Map<string, JLocal[]>>;
}

/** Does a method take `argc` arguments? */
export function arityMatches(m: JMethod, argc: number): boolean {
  return m.varargs ? argc >= m.params.length - 1 : m.params.length === argc;
}

export class TypeTable {
  readonly #byFqn = new Map<string, TypeInfo>();
  readonly #prefixes = new Set<string>();
  readonly #supers = new Map<TypeInfo, { supers: TypeInfo[]; superclass: TypeInfo | undefined }>();
  readonly #resolved = new Map<string, TypeInfo | undefined>();
  readonly files: JFile[] = [];
  readonly all: TypeInfo[] = [];

  constructor(inputs: ReadonlyArray<{ path: string; facts: JavaFacts }>) {
    for (const { path, facts } of inputs) {
      const file: JFile = { path, facts, types: [], methods: [], locals: new Map() };
      for (const decl of facts.types) {
        const outer = decl.parent >= 0 ? file.types[decl.parent] : undefined;
        const fqn = outer ? `${outer.fqn}.${decl.name}` : facts.pkg ? `${facts.pkg}.${decl.name}` : decl.name;
        const t: TypeInfo = { fqn, file, decl, outer, id: '', methods: new Map(), ctors: [], subtypes: [] };
        file.types.push(t);
        this.all.push(t);
        if (!this.#byFqn.has(fqn)) this.#byFqn.set(fqn, t);
      }
      for (const m of facts.methods) {
        const owner = file.types[m.type] as TypeInfo;
        const info: MethodInfo = { m, owner, id: '' };
        file.methods.push(info);
        if (m.ctor) owner.ctors.push(info);
        else {
          const list = owner.methods.get(m.name);
          if (list) list.push(info);
          else owner.methods.set(m.name, [info]);
        }
      }
      for (const local of facts.locals) {
        const map = file.locals.get(local.method) ?? new Map<string, JLocal[]>();
        file.locals.set(local.method, map);
        const list = map.get(local.name);
        if (list) list.push(local);
        else map.set(local.name, [local]);
      }
      const parts = facts.pkg.split('.');
      for (let i = 1; i <= parts.length; i++) this.#prefixes.add(parts.slice(0, i).join('.'));
      this.files.push(file);
    }
    for (const t of this.all) for (const s of this.supertypes(t).supers) s.subtypes.push(t);
  }

  byFqn(fqn: string): TypeInfo | undefined {
    return this.#byFqn.get(fqn);
  }

  /** True when `name` is a package (or a prefix of one) of the tree. */
  isPackagePrefix(name: string): boolean {
    return this.#prefixes.has(name);
  }

  /** A type name as written in `file`, inside `within` (undefined at top level); undefined when outside the tree. */
  resolve(type: JType, file: JFile, within: TypeInfo | undefined): TypeInfo | undefined {
    if (type.k !== 'named') return undefined;
    const key = `${within?.fqn ?? ''}\0${file.path}\0${type.name}`;
    if (this.#resolved.has(key)) return this.#resolved.get(key);
    const found = this.#resolveName(type.name, file, within);
    this.#resolved.set(key, found);
    return found;
  }

  #resolveName(name: string, file: JFile, within: TypeInfo | undefined): TypeInfo | undefined {
    const dot = name.indexOf('.');
    if (dot > 0) {
      const head = this.#resolveSimple(name.slice(0, dot), file, within);
      if (head) return this.#byFqn.get(`${head.fqn}${name.slice(dot)}`);
      return this.#byFqn.get(name);
    }
    return this.#resolveSimple(name, file, within);
  }

  #resolveSimple(name: string, file: JFile, within: TypeInfo | undefined): TypeInfo | undefined {
    for (let t = within; t; t = t.outer) {
      if (t.decl.name === name) return t;
      const nested = this.#byFqn.get(`${t.fqn}.${name}`) ?? this.#inheritedMember(t, name);
      if (nested) return nested;
    }
    const { pkg } = file.facts;
    const samePackage = this.#byFqn.get(pkg ? `${pkg}.${name}` : name);
    if (samePackage) return samePackage;
    for (const imp of file.facts.imports) {
      if (imp.static || imp.wildcard) continue;
      if (imp.name === name || imp.name.endsWith(`.${name}`)) return this.#byFqn.get(imp.name);
    }
    for (const imp of file.facts.imports) {
      if (!imp.wildcard) continue;
      const found = this.#byFqn.get(`${imp.name}.${name}`);
      if (found) return found;
    }
    return undefined;
  }

  /** A member type declared in a supertype (`class A extends B { Inner x; }` with `B.Inner`). */
  #inheritedMember(t: TypeInfo, name: string): TypeInfo | undefined {
    if (this.#supers.get(t) === undefined) return undefined;
    for (const s of this.ancestors(t)) {
      const found = this.#byFqn.get(`${s.fqn}.${name}`);
      if (found) return found;
    }
    return undefined;
  }

  /** Direct supertypes in the tree; `superclass` is the `extends` of a class. */
  supertypes(t: TypeInfo): { supers: TypeInfo[]; superclass: TypeInfo | undefined } {
    const cached = this.#supers.get(t);
    if (cached) return cached;
    const result = { supers: [] as TypeInfo[], superclass: undefined as TypeInfo | undefined };
    this.#supers.set(t, result);
    const context = t.outer;
    for (const written of t.decl.extends) {
      const s = this.resolve(written, t.file, context);
      if (s && s !== t) {
        result.supers.push(s);
        if (t.decl.kind !== 'interface') result.superclass ??= s;
      }
    }
    for (const written of t.decl.implements) {
      const s = this.resolve(written, t.file, context);
      if (s && s !== t) result.supers.push(s);
    }
    return result;
  }

  /** `t` and every supertype, nearest first (breadth-first), each once. */
  ancestors(t: TypeInfo): TypeInfo[] {
    const order: TypeInfo[] = [t];
    for (let i = 0; i < order.length; i++) {
      for (const s of this.supertypes(order[i] as TypeInfo).supers) if (!order.includes(s)) order.push(s);
    }
    return order;
  }

  /** Methods `name` callable with `argc` arguments on `t`: the nearest declaring type's matching overloads. */
  findMethods(t: TypeInfo, name: string, argc: number): MethodInfo[] {
    let fallback: MethodInfo[] | undefined;
    for (const a of this.ancestors(t)) {
      const declared = a.methods.get(name);
      if (!declared) continue;
      const matching = declared.filter((m) => arityMatches(m.m, argc));
      if (matching.length > 0) return matching;
      fallback ??= declared;
    }
    return fallback ?? [];
  }

  /** Methods of the (transitive) subtypes of `t` that override `name` with `argc` arguments. */
  overrides(t: TypeInfo, name: string, argc: number): MethodInfo[] {
    const out: MethodInfo[] = [];
    const seen = new Set<TypeInfo>([t]);
    const queue = [...t.subtypes];
    while (queue.length > 0) {
      const sub = queue.shift() as TypeInfo;
      if (seen.has(sub)) continue;
      seen.add(sub);
      for (const m of sub.methods.get(name) ?? []) if (arityMatches(m.m, argc) && !m.m.static) out.push(m);
      queue.push(...sub.subtypes);
    }
    return out;
  }
}
