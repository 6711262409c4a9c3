// Python module map (code intelligence): which file or package a dotted or relative import names in the tree.
//
// A module is keyed by its path without `.py` (a package by its directory, `__init__.py` or not). One file
// answers to several dotted names: its path from the indexed directory, its path below any `src/` directory, and
// its path from the top of its `__init__.py` chain (so a package indexed from its parent or from itself both work).
import { basename } from 'node:path';

export function moduleKeyOf(file: string): string {
  const bare = file.replace(/\.pyi?$/, '');
  if (bare === '__init__') return '';
  return bare.endsWith('/__init__') ? bare.slice(0, -'/__init__'.length) : bare;
}

function dirOf(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function joinKey(dir: string, rest: string): string {
  return dir === '' ? rest : rest === '' ? dir : `${dir}/${rest}`;
}

export class ModuleMap {
  /** Module key -> file, for modules that are files (`x.py`, `pkg/__init__.py`). */
  readonly #files = new Map<string, string>();
  /** Directories holding Python files (namespace packages when they have no `__init__.py`). */
  readonly #dirs = new Set<string>();
  readonly #byName = new Map<string, string[]>();
  readonly #namesOf = new Map<string, string>();

  /** `root` is the indexed directory: its own name prefixes module names when it is itself a package. */
  constructor(files: readonly string[], root: string) {
    for (const file of files) {
      const key = moduleKeyOf(file);
      // `x.pyi` stubs never shadow `x.py`.
      if (!this.#files.has(key) || this.#files.get(key)?.endsWith('.pyi')) this.#files.set(key, file);
      for (let dir = dirOf(file); dir !== ''; dir = dirOf(dir)) this.#dirs.add(dir);
    }
    const rootIsPackage = this.#files.get('')?.endsWith('__init__.py') === true;
    const rootName = basename(root);
    for (const key of [...this.#files.keys(), ...this.#dirs]) {
      for (const name of this.#dottedNames(key, rootIsPackage ? rootName : undefined)) {
        const keys = this.#byName.get(name) ?? [];
        if (!keys.includes(key)) keys.push(key);
        this.#byName.set(name, keys);
        if (!this.#namesOf.has(key)) this.#namesOf.set(key, name);
      }
    }
  }

  #dottedNames(key: string, rootName: string | undefined): string[] {
    const parts = key === '' ? [] : key.split('/');
    const names = new Set<string>();
    if (parts.length > 0) names.add(parts.join('.'));
    parts.forEach((part, i) => {
      if (part === 'src' && i + 1 < parts.length) names.add(parts.slice(i + 1).join('.'));
    });
    // The top of the `__init__.py` chain holding this module (its own directory for a package).
    const isPackage =
      key === '' || this.#dirs.has(key) || this.#files.get(key)?.endsWith('__init__.py') === true;
    let top = isPackage ? parts.length : parts.length - 1;
    while (top > 0 && this.#files.get(parts.slice(0, top).join('/'))?.endsWith('__init__.py')) top--;
    if (top === 0 && rootName !== undefined) names.add([rootName, ...parts].join('.'));
    else names.add(parts.slice(top).join('.'));
    return [...names].filter((n) => n !== '');
  }

  isPackage(key: string): boolean {
    return this.#files.get(key)?.endsWith('__init__.py') === true || this.#dirs.has(key);
  }

  exists(key: string): boolean {
    return this.#files.has(key) || this.#dirs.has(key);
  }

  /** The file of a module key, undefined for a namespace package. */
  fileOf(key: string): string | undefined {
    return this.#files.get(key);
  }

  /** A dotted name for the module, for display. */
  nameOf(key: string): string {
    return this.#namesOf.get(key) ?? key.replaceAll('/', '.');
  }

  /** `import a.b` from `importer`: the candidate sharing the longest path with the importer wins; undefined when external. */
  resolveAbsolute(dotted: string, importer: string): string | undefined {
    const candidates = [...(this.#byName.get(dotted) ?? [])];
    // A script's own directory is on sys.path.
    const local = joinKey(dirOf(importer), dotted.replaceAll('.', '/'));
    if (this.exists(local) && !candidates.includes(local)) candidates.push(local);
    let best: string | undefined;
    let bestScore = -1;
    for (const key of candidates) {
      const score = commonPrefix(key, importer);
      if (score > bestScore || (score === bestScore && best !== undefined && key.length < best.length)) {
        best = key;
        bestScore = score;
      }
    }
    return best;
  }

  /** `from ..pkg import x` in `importer`: level 1 is the importer's package. */
  resolveRelative(level: number, dotted: string, importer: string): string | undefined {
    let dir = dirOf(importer);
    for (let i = 1; i < level; i++) {
      if (dir === '') return undefined;
      dir = dirOf(dir);
    }
    const key = joinKey(dir, dotted === '' ? '' : dotted.replaceAll('.', '/'));
    return this.exists(key) || key === dir ? key : undefined;
  }

  /** The submodule `name` of package `key`, when the tree has it. */
  submodule(key: string, name: string): string | undefined {
    const sub = joinKey(key, name);
    return this.exists(sub) ? sub : undefined;
  }
}

function commonPrefix(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return n;
}
