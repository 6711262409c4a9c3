// JS/TS module resolution between the indexed files: relative specifiers, TS's `.js`→`.ts`, index files and
// package.json `exports`/`main` of packages inside the indexed directory. Anything else is external.
import { posix } from 'node:path';
import { z } from 'zod';

export type Resolution =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'external' | 'missing' };

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** What TypeScript tries for an import written with the emitted JavaScript extension. */
const SOURCE_FOR_EMITTED: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
/** Conditions tried in `exports` maps, in order: source-ish first, then what Node would load. */
const CONDITIONS = ['source', 'import', 'module', 'require', 'node', 'default'];

const packageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  module: z.string().optional(),
  exports: z.unknown().optional(),
});
type PackageJson = z.infer<typeof packageJsonSchema>;

interface LocalPackage {
  readonly dir: string;
  readonly manifest: PackageJson;
}

/** Reads package.json files of the directories holding indexed files (and their ancestors inside the root). */
export function findLocalPackages(
  paths: Iterable<string>,
  readText: (path: string) => string,
): LocalPackage[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    for (let dir = posix.dirname(path); !dirs.has(dir); dir = posix.dirname(dir)) {
      dirs.add(dir);
      if (dir === '.' || dir === '/' || dir === '') break;
    }
  }
  const found: LocalPackage[] = [];
  for (const dir of dirs) {
    let text: string;
    try {
      text = readText(dir === '.' ? 'package.json' : `${dir}/package.json`);
    } catch {
      continue;
    }
    try {
      const manifest = packageJsonSchema.safeParse(JSON.parse(text));
      if (manifest.success) found.push({ dir, manifest: manifest.data });
    } catch {
      // A package.json that is not JSON resolves nothing; imports through it stay external.
    }
  }
  return found;
}

function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  if (typeof exportsField === 'string') return subpath === '.' ? exportsField : undefined;
  if (Array.isArray(exportsField)) {
    for (const item of exportsField) {
      const target = exportTarget(item, subpath);
      if (target) return target;
    }
    return undefined;
  }
  if (typeof exportsField !== 'object' || exportsField === null) return undefined;
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.length > 0 && keys.every((key) => key.startsWith('.'))) {
    if (subpath in map) return exportTarget(map[subpath], '.');
    for (const key of keys) {
      const star = key.indexOf('*');
      if (star < 0) continue;
      const before = key.slice(0, star);
      const after = key.slice(star + 1);
      if (subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= key.length - 1) {
        const match = subpath.slice(before.length, subpath.length - after.length);
        return exportTarget(map[key], '.')?.replaceAll('*', match);
      }
    }
    return undefined;
  }
  for (const condition of CONDITIONS) {
    if (condition in map) {
      const target = exportTarget(map[condition], subpath);
      if (target) return target;
    }
  }
  return undefined;
}

export class ModuleResolver {
  private readonly memo = new Map<string, Resolution>();
  private readonly packagesByName = new Map<string, LocalPackage>();
  private readonly packagesByDir = new Map<string, LocalPackage>();

  constructor(
    private readonly files: ReadonlySet<string>,
    packages: readonly LocalPackage[],
  ) {
    for (const pkg of packages) {
      this.packagesByDir.set(pkg.dir, pkg);
      if (pkg.manifest.name) this.packagesByName.set(pkg.manifest.name, pkg);
    }
  }

  /** Resolves `specifier` as imported from the file `from` (both relative to the indexed directory). */
  resolve(from: string, specifier: string): Resolution {
    const dir = posix.dirname(from);
    const key = `${dir}\0${specifier}`;
    let found = this.memo.get(key);
    if (!found) {
      found = this.resolveUncached(dir, specifier);
      this.memo.set(key, found);
    }
    return found;
  }

  private resolveUncached(dir: string, specifier: string): Resolution {
    if (
      specifier.startsWith('./') ||
      specifier.startsWith('../') ||
      specifier === '.' ||
      specifier === '..'
    ) {
      const base = posix.normalize(posix.join(dir, specifier));
      if (base.startsWith('../') || base === '..') return { kind: 'external' };
      return this.fileOrDirectory(base === '.' ? '' : base) ?? { kind: 'missing' };
    }
    return this.packageImport(specifier);
  }

  private packageImport(specifier: string): Resolution {
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const pkg = this.packagesByName.get(parts.slice(0, nameLength).join('/'));
    if (!pkg) return { kind: 'external' };
    const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
    const target =
      pkg.manifest.exports !== undefined
        ? exportTarget(pkg.manifest.exports, subpath)
        : subpath === '.'
          ? (pkg.manifest.module ?? pkg.manifest.main ?? 'index')
          : subpath;
    if (target === undefined) return { kind: 'missing' };
    const base = posix.normalize(posix.join(pkg.dir, target));
    return this.fileOrDirectory(base === '.' ? '' : base) ?? { kind: 'missing' };
  }

  private file(base: string): Resolution | undefined {
    if (base !== '' && this.files.has(base)) return { kind: 'file', path: base };
    const ext = posix.extname(base);
    for (const source of SOURCE_FOR_EMITTED[ext] ?? []) {
      const candidate = base.slice(0, -ext.length) + source;
      if (this.files.has(candidate)) return { kind: 'file', path: candidate };
    }
    for (const extension of EXTENSIONS) {
      const candidate = base + extension;
      if (this.files.has(candidate)) return { kind: 'file', path: candidate };
    }
    return undefined;
  }

  private fileOrDirectory(base: string): Resolution | undefined {
    const asFile = this.file(base);
    if (asFile) return asFile;
    const pkg = this.packagesByDir.get(base === '' ? '.' : base);
    if (pkg) {
      const entry =
        pkg.manifest.exports !== undefined
          ? exportTarget(pkg.manifest.exports, '.')
          : (pkg.manifest.module ?? pkg.manifest.main);
      if (entry) {
        const target = this.file(posix.normalize(posix.join(base, entry)));
        if (target) return target;
      }
    }
    return this.file(base === '' ? 'index' : `${base}/index`);
  }
}
