// Java resolver (code intelligence): what a name, field access, invocation or `new` evaluates to, and which
// methods and constructors a call reaches (by name and arity), with dispatch to overrides in subtypes.
import type { CallTarget } from '../graph-builder.js';
import type { JExpr, JLocal, JType } from './facts.js';
import type { JFile, MethodInfo, TypeInfo, TypeTable } from './types.js';
import { arityMatches } from './types.js';

export type JValue =
  | { readonly k: 'type'; readonly t: TypeInfo }
  /** `exact` when made by `new` here, so no subtype can be behind it. */
  | { readonly k: 'obj'; readonly t: TypeInfo; readonly exact: boolean }
  | { readonly k: 'pkg'; readonly prefix: string }
  | { readonly k: 'external' };

export interface JScope {
  readonly file: JFile;
  readonly type: TypeInfo;
  /** Method index in the file, -1 in initialisers. */
  readonly method: number;
}

const external: JValue = { k: 'external' };
const maxDepth = 24;

export class JavaResolver {
  readonly #localValues = new Map<JLocal, JValue[]>();
  readonly #inProgress = new Set<JLocal>();
  #depth = 0;

  constructor(private readonly table: TypeTable) {}

  #typeValue(type: JType | undefined, file: JFile, within: TypeInfo | undefined, exact: boolean): JValue[] {
    if (type?.k !== 'named') return type?.k === 'array' ? [external] : [];
    const t = this.table.resolve(type, file, within);
    return t ? [{ k: 'obj', t, exact }] : [external];
  }

  evaluate(expr: JExpr, scope: JScope): JValue[] {
    if (this.#depth > maxDepth) return [];
    this.#depth++;
    try {
      switch (expr.k) {
        case 'name':
          return this.#lookup(expr.name, scope);
        case 'field':
          return this.evaluate(expr.of, scope).flatMap((v) => this.#member(v, expr.name));
        case 'invoke':
          return this.invoked(expr, scope).flatMap((m) =>
            this.#typeValue(m.m.ret, m.owner.file, m.owner, false),
          );
        case 'new':
          return this.#typeValue(expr.type, scope.file, scope.type, true);
        case 'cast':
          return this.#typeValue(expr.type, scope.file, scope.type, false);
        case 'this':
          return [{ k: 'obj', t: scope.type, exact: false }];
        case 'super': {
          const s = this.table.supertypes(scope.type).superclass;
          return s ? [{ k: 'obj', t: s, exact: true }] : [external];
        }
        default:
          return [];
      }
    } finally {
      this.#depth--;
    }
  }

  #lookup(name: string, scope: JScope): JValue[] {
    const locals = scope.file.locals.get(scope.method)?.get(name);
    if (locals) return locals.flatMap((l) => this.#localValue(l, scope));
    for (let t: TypeInfo | undefined = scope.type; t; t = t.outer) {
      const field = this.#field(t, name);
      if (field) return field;
    }
    for (const imp of scope.file.facts.imports) {
      if (!imp.static) continue;
      const owner = imp.wildcard ? imp.name : imp.name.slice(0, imp.name.lastIndexOf('.'));
      if (!imp.wildcard && !imp.name.endsWith(`.${name}`)) continue;
      const t = this.table.byFqn(owner);
      const field = t ? this.#field(t, name) : undefined;
      if (field) return field;
    }
    const t = this.table.resolve({ k: 'named', name }, scope.file, scope.type);
    if (t) return [{ k: 'type', t }];
    if (this.table.isPackagePrefix(name)) return [{ k: 'pkg', prefix: name }];
    return [external];
  }

  #localValue(local: JLocal, scope: JScope): JValue[] {
    const cached = this.#localValues.get(local);
    if (cached) return cached;
    if (this.#inProgress.has(local)) return [];
    this.#inProgress.add(local);
    try {
      const values = local.type
        ? this.#typeValue(local.type, scope.file, scope.type, false)
        : local.value
          ? this.evaluate(local.value, scope)
          : [];
      this.#localValues.set(local, values);
      return values;
    } finally {
      this.#inProgress.delete(local);
    }
  }

  /** A field declared on `t` or a supertype, typed in its declaring type. */
  #field(t: TypeInfo, name: string, staticOnly = false): JValue[] | undefined {
    for (const a of this.table.ancestors(t)) {
      const field = a.decl.fields.find((f) => f.name === name && (!staticOnly || f.static));
      if (field) return this.#typeValue(field.type, a.file, a, false);
    }
    return undefined;
  }

  #member(v: JValue, name: string): JValue[] {
    switch (v.k) {
      case 'type': {
        const nested = this.table.byFqn(`${v.t.fqn}.${name}`);
        if (nested) return [{ k: 'type', t: nested }];
        return this.#field(v.t, name, true) ?? [external];
      }
      case 'obj':
        return this.#field(v.t, name) ?? [external];
      case 'pkg': {
        const dotted = `${v.prefix}.${name}`;
        const t = this.table.byFqn(dotted);
        if (t) return [{ k: 'type', t }];
        return this.table.isPackagePrefix(dotted) ? [{ k: 'pkg', prefix: dotted }] : [external];
      }
      case 'external':
        return [external];
    }
  }

  /** Methods an invocation may run (for return types). */
  invoked(expr: JExpr & { k: 'invoke' }, scope: JScope): MethodInfo[] {
    return this.callTargets(expr, scope).methods;
  }

  /** Targets of a call: edges, and the methods reached (for typing a chained call). `known` is false when the receiver is unknown. */
  callTargets(expr: JExpr, scope: JScope): { targets: CallTarget[]; methods: MethodInfo[]; known: boolean } {
    const targets: CallTarget[] = [];
    const methods: MethodInfo[] = [];
    const add = (m: MethodInfo, kind: CallTarget['kind'], note?: string) => {
      methods.push(m);
      targets.push(note === undefined ? { to: m.id, kind } : { to: m.id, kind, note });
    };
    const construct = (t: TypeInfo, argc: number) => {
      const ctors = t.ctors.filter((c) => arityMatches(c.m, argc));
      if (ctors.length === 0 && t.ctors.length === 0) targets.push({ to: t.id, kind: 'constructor' });
      for (const c of ctors.length > 0 ? ctors : t.ctors) add(c, 'constructor');
    };
    const onReceiver = (t: TypeInfo, exact: boolean, name: string, argc: number) => {
      const found = this.table.findMethods(t, name, argc);
      for (const m of found) add(m, m.m.static ? 'direct' : 'method');
      if (!exact && !found.every((m) => m.m.static)) {
        const note = `dispatch through ${t.decl.qn}.${name}`;
        for (const o of this.table.overrides(t, name, argc)) add(o, 'dispatch', note);
      }
      return found.length > 0;
    };
    switch (expr.k) {
      case 'new': {
        const t = this.table.resolve(expr.type, scope.file, scope.type);
        if (t) construct(t, expr.argc);
        return { targets, methods, known: true };
      }
      case 'ctor': {
        const t = expr.which === 'this' ? scope.type : this.table.supertypes(scope.type).superclass;
        if (t) construct(t, expr.argc);
        return { targets, methods, known: true };
      }
      case 'mref': {
        // A method handed over as a value: whoever receives it may call it.
        for (const r of this.evaluate(expr.of, scope)) {
          if (r.k !== 'type' && r.k !== 'obj') continue;
          if (expr.name === 'new') {
            for (const c of r.t.ctors) add(c, 'callback');
            if (r.t.ctors.length === 0) targets.push({ to: r.t.id, kind: 'callback' });
            continue;
          }
          const owner = this.table.ancestors(r.t).find((a) => a.methods.has(expr.name));
          for (const m of owner?.methods.get(expr.name) ?? []) add(m, 'callback');
        }
        return { targets, methods, known: true };
      }
      case 'invoke': {
        if (expr.of === undefined) {
          for (let t: TypeInfo | undefined = scope.type; t; t = t.outer) {
            if (onReceiver(t, false, expr.name, expr.argc)) return { targets, methods, known: true };
          }
          for (const imp of scope.file.facts.imports) {
            if (!imp.static || !(imp.wildcard || imp.name.endsWith(`.${expr.name}`))) continue;
            const owner = this.table.byFqn(
              imp.wildcard ? imp.name : imp.name.slice(0, imp.name.lastIndexOf('.')),
            );
            if (owner) onReceiver(owner, true, expr.name, expr.argc);
          }
          return { targets, methods, known: true };
        }
        const receivers = this.evaluate(expr.of, scope);
        for (const r of receivers) {
          if (r.k === 'type') onReceiver(r.t, true, expr.name, expr.argc);
          else if (r.k === 'obj') onReceiver(r.t, r.exact, expr.name, expr.argc);
        }
        return { targets, methods, known: receivers.length > 0 };
      }
      default:
        return { targets, methods, known: true };
    }
  }
}
