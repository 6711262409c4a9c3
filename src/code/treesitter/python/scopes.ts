// Python scopes (code intelligence): the module, class and function scopes of every file with their bindings,
// the shape the resolver walks. Built once per link from the facts.
import type { PyAssign, PyDef, PyFacts, PyImport, PyParam } from './facts.js';

export type FunctionRole = 'function' | 'method' | 'staticmethod' | 'classmethod' | 'property';

export type Binding =
  | { readonly k: 'def'; readonly scope: Scope }
  | { readonly k: 'import'; readonly imp: PyImport; readonly in: Scope }
  | { readonly k: 'assign'; readonly a: PyAssign; readonly in: Scope }
  | { readonly k: 'param'; readonly p: PyParam; readonly index: number; readonly fn: Scope };

export interface Scope {
  readonly kind: 'module' | 'class' | 'function';
  readonly module: ModuleInfo;
  /** Undefined for the module scope. */
  readonly def: PyDef | undefined;
  /** Lexical parent; undefined for the module scope. */
  readonly parent: Scope | undefined;
  readonly bindings: Map<string, Binding[]>;
  symbolId: string;
  /** Functions: how the first parameter is bound. */
  readonly role: FunctionRole;
  /** Classes: `self.x = ...` assignments made in their methods. */
  readonly fields: Map<string, Binding[]>;
  /** Classes: `from x import *` is module-level only, so only module scopes use this. */
  readonly starImports: PyImport[];
}

export interface ModuleInfo {
  readonly key: string;
  readonly file: string;
  readonly facts: PyFacts;
  /** Index -1 is the module scope; index i is `facts.defs[i]`. */
  readonly scopes: Scope[];
  readonly moduleScope: Scope;
}

function roleOf(def: PyDef, parent: Scope): FunctionRole {
  if (parent.kind !== 'class') return 'function';
  const decorators = def.decorators ?? [];
  if (decorators.includes('staticmethod')) return 'staticmethod';
  if (decorators.includes('classmethod')) return 'classmethod';
  if (decorators.some((d) => d === 'property' || d.endsWith('.setter') || d.endsWith('.getter')))
    return 'property';
  return 'method';
}

function bind(map: Map<string, Binding[]>, name: string, binding: Binding): void {
  const list = map.get(name);
  if (list) list.push(binding);
  else map.set(name, [binding]);
}

function newScope(
  kind: Scope['kind'],
  module: ModuleInfo | undefined,
  def: PyDef | undefined,
  parent: Scope | undefined,
  role: FunctionRole,
): Scope {
  return {
    kind,
    module: module as ModuleInfo,
    def,
    parent,
    bindings: new Map(),
    symbolId: '',
    role,
    fields: new Map(),
    starImports: [],
  };
}

/** Builds the scopes of one file; symbol ids are filled in by the linker. */
export function buildModule(key: string, file: string, facts: PyFacts): ModuleInfo {
  const moduleScope = newScope('module', undefined, undefined, undefined, 'function');
  const info: ModuleInfo = { key, file, facts, scopes: [], moduleScope };
  (moduleScope as { module: ModuleInfo }).module = info;
  const at = (index: number): Scope => (index < 0 ? moduleScope : (info.scopes[index] ?? moduleScope));
  facts.defs.forEach((def) => {
    const parent = at(def.parent);
    const scope =
      def.kind === 'class'
        ? newScope('class', info, def, parent, 'function')
        : newScope('function', info, def, parent, roleOf(def, parent));
    info.scopes.push(scope);
    bind(parent.bindings, def.name, { k: 'def', scope });
    if (def.kind === 'function') {
      def.params?.forEach((p, index) => {
        bind(scope.bindings, p.name, { k: 'param', p, index, fn: scope });
      });
    }
  });
  for (const imp of facts.imports) {
    const scope = at(imp.scope);
    if (imp.name === '*') {
      scope.starImports.push(imp);
      continue;
    }
    // `import a.b` binds `a`; `import a.b as c` binds `c`; `from m import n [as c]` binds `n` or `c`.
    const name =
      imp.alias ?? (imp.name === undefined ? (imp.module.split('.')[0] ?? '') : imp.name.split('.')[0]);
    if (name) bind(scope.bindings, name, { k: 'import', imp, in: scope });
  }
  for (const a of facts.assigns) {
    const scope = at(a.scope);
    if (a.self) {
      const cls = scope.parent;
      if (cls?.kind === 'class') bind(cls.fields, a.name, { k: 'assign', a, in: scope });
    } else bind(scope.bindings, a.name, { k: 'assign', a, in: scope });
  }
  return info;
}
