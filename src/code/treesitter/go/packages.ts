// Go packages (code intelligence): files grouped into packages by directory, package-level names, and import
// paths mapped to directories through each go.mod's module path.
import type { LinkContext } from '../../model.js';
import type { GoFacts, GoFunc, GoTypeDecl, GoVar } from './facts.js';

export interface FuncInfo {
  readonly file: GoFile;
  readonly f: GoFunc;
  id: string;
}

export interface TypeInfo {
  readonly file: GoFile;
  readonly decl: GoTypeDecl;
  id: string;
  /** Interfaces: symbol id of each declared method. */
  readonly methodIds: Map<string, string>;
}

export interface GoPackage {
  readonly dir: string;
  readonly name: string;
  readonly funcs: Map<string, FuncInfo[]>;
  readonly types: Map<string, TypeInfo>;
  readonly vars: Map<string, Array<{ v: GoVar; file: GoFile }>>;
  /** Receiver type name -> method name -> methods. */
  readonly methods: Map<string, Map<string, FuncInfo[]>>;
}

export interface GoFile {
  readonly path: string;
  readonly facts: GoFacts;
  readonly pkg: GoPackage;
  readonly funcs: FuncInfo[];
  /** Import name -> package in the tree (undefined: outside the tree). */
  readonly imports: Map<string, GoPackage | undefined>;
  readonly dotImports: GoPackage[];
  /** Function index -> local name -> bindings (parameters, receiver and results included). */
  readonly locals: Map<number, Map<string, GoVar[]>>;
  moduleId?: string;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** go.mod files of the tree (in the directories holding Go files or above them): module path -> directory. */
function goModules(dirs: Iterable<string>, ctx: LinkContext): Array<{ module: string; dir: string }> {
  const seen = new Set<string>();
  const modules: Array<{ module: string; dir: string }> = [];
  for (const start of dirs) {
    for (let dir: string | undefined = start; dir !== undefined; dir = dir === '' ? undefined : dirOf(dir)) {
      if (seen.has(dir)) break;
      seen.add(dir);
      let text: string;
      try {
        text = ctx.readText(dir === '' ? 'go.mod' : `${dir}/go.mod`);
      } catch {
        continue;
      }
      const match = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
      if (match?.[1]) modules.push({ module: match[1], dir });
    }
  }
  // Longest module path first, so nested modules win over their parents.
  return modules.sort((a, b) => b.module.length - a.module.length);
}

export function buildPackages(
  files: ReadonlyArray<{ path: string; facts: GoFacts }>,
  ctx: LinkContext,
): GoFile[] {
  const packages = new Map<string, GoPackage>();
  const byDir = new Map<string, GoPackage[]>();
  const out: GoFile[] = [];
  for (const { path, facts } of files) {
    const dir = dirOf(path);
    const key = `${dir}\0${facts.pkg}`;
    let pkg = packages.get(key);
    if (!pkg) {
      pkg = { dir, name: facts.pkg, funcs: new Map(), types: new Map(), vars: new Map(), methods: new Map() };
      packages.set(key, pkg);
      push(byDir, dir, pkg);
    }
    const file: GoFile = {
      path,
      facts,
      pkg,
      funcs: [],
      imports: new Map(),
      dotImports: [],
      locals: new Map(),
    };
    for (const f of facts.funcs) {
      const info: FuncInfo = { file, f, id: '' };
      file.funcs.push(info);
      if (f.recv === undefined) push(pkg.funcs, f.name, info);
      else {
        const methods = pkg.methods.get(f.recv) ?? new Map<string, FuncInfo[]>();
        pkg.methods.set(f.recv, methods);
        push(methods, f.name, info);
      }
    }
    for (const decl of facts.types) pkg.types.set(decl.name, { file, decl, id: '', methodIds: new Map() });
    facts.funcs.forEach((f, index) => {
      const locals = new Map<string, GoVar[]>();
      for (const p of [...f.params, ...f.results])
        if (p.name) push(locals, p.name, { scope: index, name: p.name, type: p.type });
      if (f.recv !== undefined && f.recvName) {
        push(locals, f.recvName, { scope: index, name: f.recvName, type: { k: 'named', name: f.recv } });
      }
      file.locals.set(index, locals);
    });
    for (const v of facts.vars) {
      if (v.scope < 0) push(pkg.vars, v.name, { v, file });
      else {
        const locals = file.locals.get(v.scope);
        if (locals) push(locals, v.name, v);
      }
    }
    out.push(file);
  }

  const modules = goModules(byDir.keys(), ctx);
  const packageAt = (dir: string): GoPackage | undefined => {
    const candidates = byDir.get(dir) ?? [];
    return candidates.find((p) => !p.name.endsWith('_test')) ?? candidates[0];
  };
  const resolveImport = (importPath: string): GoPackage | undefined => {
    for (const { module, dir } of modules) {
      if (importPath === module) return packageAt(dir);
      if (importPath.startsWith(`${module}/`)) {
        const rest = importPath.slice(module.length + 1);
        return packageAt(dir === '' ? rest : `${dir}/${rest}`);
      }
    }
    // No go.mod claims it (GOPATH layout, vendored code): the longest directory the import path ends with.
    let best: string | undefined;
    for (const dir of byDir.keys()) {
      if (
        dir !== '' &&
        (importPath === dir || importPath.endsWith(`/${dir}`)) &&
        dir.length > (best?.length ?? -1)
      )
        best = dir;
    }
    return best === undefined ? undefined : packageAt(best);
  };
  for (const file of out) {
    for (const imp of file.facts.imports) {
      const target = resolveImport(imp.path);
      if (imp.alias === '_') continue;
      if (imp.alias === '.') {
        if (target) file.dotImports.push(target);
        continue;
      }
      const name = imp.alias ?? target?.name ?? lastSegment(imp.path);
      file.imports.set(name, target);
    }
  }
  return out;
}

/** `gopkg.in/yaml.v3` -> `yaml`; `example.com/x/v2` -> `x`. */
function lastSegment(importPath: string): string {
  const parts = importPath.split('/');
  let last = parts.pop() ?? importPath;
  if (/^v\d+$/.test(last) && parts.length > 0) last = parts.pop() ?? last;
  return last.replace(/\.v\d+$/, '').replace(/^go-/, '');
}
