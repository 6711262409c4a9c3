// JS/TS module resolution between the indexed files, as TypeScript resolves them: relative specifiers (with TS's
// `.js`→`.ts` and index files, `moduleSuffixes`, and `rootDirs`), then for bare specifiers tsconfig `paths` and
// `baseUrl`, package.json `imports` (`#name`), and `exports`/`main` of packages inside the indexed directory, with
// `customConditions` first. Anything else is external.
import { posix, sep } from 'node:path';
import { z } from 'zod';
import { aliasCandidates, ConfigFiles, type ResolutionOptions, TsconfigLoader } from './tsconfig.js';

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
/** Conditions tried in `exports` and `imports` maps, in order: source-ish first, then what Node would load. */
const CONDITIONS = ['source', 'import', 'module', 'require', 'node', 'default'];

const packageJsonSchema = z.looseObject({
  name: z.string().optional().catch(undefined),
  main: z.string().optional().catch(undefined),
  module: z.string().optional().catch(undefined),
  exports: z.unknown().optional(),
  imports: z.unknown().optional(),
});
type PackageJson = z.infer<typeof packageJsonSchema>;
const jsonObjectSchema = z.record(z.string(), z.unknown());

interface LocalPackage {
  /** Relative to the indexed directory (`.` for the root). */
  readonly dir: string;
  readonly manifest: PackageJson;
}

/** A package scope (Node's nearest package.json), anywhere above a file: where `#imports` are looked up. */
interface PackageScope {
  /** Absolute, forward slashes. */
  readonly dir: string;
  readonly manifest: PackageJson;
}

/**
 * What module resolution reads besides the source files: tsconfig chains and package.json files, each read once
 * (with `fs`, by absolute path, above the indexed directory too, as TypeScript and Node look there) and cached
 * per directory. `digestFor` reads all that resolving imports from some files may read and fingerprints it.
 */
export class ModuleConfig {
  /** The indexed directory: absolute, forward slashes. */
  readonly root: string;
  private readonly files: ConfigFiles;
  private readonly tsconfigs: TsconfigLoader;
  private readonly manifests = new Map<string, PackageJson | undefined>();
  private readonly scopes = new Map<string, PackageScope | undefined>();

  constructor(root: string) {
    this.root = posix.resolve(root.split(sep).join('/'));
    this.files = new ConfigFiles();
    this.tsconfigs = new TsconfigLoader(this.files);
  }

  /** The compiler options governing files in `dir` (relative to the indexed directory). */
  optionsFor(dir: string): ResolutionOptions | undefined {
    return this.tsconfigs.optionsFor(this.absolute(dir));
  }

  /** The nearest package.json at or above `dir` (relative to the indexed directory), as Node finds it. */
  packageScope(dir: string): PackageScope | undefined {
    const absolute = this.absolute(dir);
    const scope = (from: string): PackageScope | undefined => {
      if (this.scopes.has(from)) return this.scopes.get(from);
      const manifest = this.manifest(from);
      const parent = posix.dirname(from);
      const found = manifest ? { dir: from, manifest } : parent === from ? undefined : scope(parent);
      this.scopes.set(from, found);
      return found;
    };
    return scope(absolute);
  }

  /** package.json files of the directories holding `paths` and their ancestors inside the indexed directory. */
  localPackages(paths: Iterable<string>): LocalPackage[] {
    const found: LocalPackage[] = [];
    for (const dir of directoriesOf(paths, true)) {
      const manifest = this.manifest(this.absolute(dir));
      if (manifest) found.push({ dir, manifest });
    }
    return found;
  }

  /**
   * Reads every config file resolving imports from `paths` may read, and returns a digest of their contents
   * (and of which were missing): linking `paths` again gives the same modules while it is unchanged.
   */
  digestFor(paths: readonly string[]): string {
    for (const dir of directoriesOf(paths, false)) {
      this.optionsFor(dir);
      this.packageScope(dir);
    }
    this.localPackages(paths);
    return this.files.digest();
  }

  private manifest(dir: string): PackageJson | undefined {
    if (this.manifests.has(dir)) return this.manifests.get(dir);
    const text = this.files.read(posix.join(dir, 'package.json'));
    let manifest: PackageJson | undefined;
    if (text !== undefined) {
      try {
        const parsed = packageJsonSchema.safeParse(JSON.parse(text));
        if (parsed.success) manifest = parsed.data;
      } catch {
        // A package.json that is not JSON resolves nothing; imports through it stay external.
      }
    }
    this.manifests.set(dir, manifest);
    return manifest;
  }

  private absolute(dir: string): string {
    return dir === '.' || dir === '' ? this.root : posix.join(this.root, dir);
  }
}

/** The directories of `paths` (relative), with their ancestors up to the indexed directory when asked. */
function directoriesOf(paths: Iterable<string>, ancestors: boolean): Set<string> {
  const dirs = new Set<string>();
  for (const path of paths) {
    for (let dir = posix.dirname(path); !dirs.has(dir); dir = posix.dirname(dir)) {
      dirs.add(dir);
      if (!ancestors || dir === '.' || dir === '/' || dir === '') break;
    }
  }
  return dirs;
}

/** A string target of an `exports`/`imports` value: arrays in order, conditions in the order given. */
function conditionalTarget(value: unknown, conditions: readonly string[]): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionalTarget(item, conditions);
      if (target) return target;
    }
    return undefined;
  }
  const map = jsonObjectSchema.safeParse(value);
  if (!map.success) return undefined;
  for (const condition of conditions) {
    if (condition in map.data) {
      const target = conditionalTarget(map.data[condition], conditions);
      if (target) return target;
    }
  }
  return undefined;
}

/** Node's subpath matching (`exports` and `imports`): the exact key, else the `*` key with the longest prefix. */
function subpathTarget(
  map: Record<string, unknown>,
  subpath: string,
  conditions: readonly string[],
): string | undefined {
  if (Object.hasOwn(map, subpath)) return conditionalTarget(map[subpath], conditions);
  let best: { key: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0 || star !== key.lastIndexOf('*')) continue;
    const before = key.slice(0, star);
    const after = key.slice(star + 1);
    if (!subpath.startsWith(before) || !subpath.endsWith(after) || subpath.length < key.length) continue;
    const bestStar = best ? best.key.indexOf('*') : -1;
    if (best && (bestStar > star || (bestStar === star && best.key.length >= key.length))) continue;
    best = { key, match: subpath.slice(before.length, subpath.length - after.length) };
  }
  if (!best) return undefined;
  const { key, match } = best;
  return conditionalTarget(map[key], conditions)?.replaceAll('*', match);
}

function exportTarget(
  exportsField: unknown,
  subpath: string,
  conditions: readonly string[],
): string | undefined {
  const map = jsonObjectSchema.safeParse(exportsField);
  const keys = map.success ? Object.keys(map.data) : [];
  if (map.success && keys.length > 0 && keys.every((key) => key.startsWith('.')))
    return subpathTarget(map.data, subpath, conditions);
  return subpath === '.' ? conditionalTarget(exportsField, conditions) : undefined;
}

/** How files are looked up from one importing directory: its config's `moduleSuffixes` and conditions. */
interface Lookup {
  readonly suffixes: readonly string[];
  readonly conditions: readonly string[];
}

const DEFAULT_LOOKUP: Lookup = { suffixes: [''], conditions: CONDITIONS };

export class ModuleResolver {
  private readonly memo = new Map<string, Resolution>();
  private readonly packagesByName = new Map<string, LocalPackage>();
  private readonly packagesByDir = new Map<string, LocalPackage>();

  constructor(
    private readonly files: ReadonlySet<string>,
    private readonly config: ModuleConfig,
  ) {
    for (const pkg of config.localPackages(files)) {
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
    const options = this.config.optionsFor(dir);
    const lookup: Lookup = {
      suffixes: options?.moduleSuffixes ?? DEFAULT_LOOKUP.suffixes,
      conditions: options?.customConditions ? [...options.customConditions, ...CONDITIONS] : CONDITIONS,
    };
    if (/^\.\.?(\/|$)/.test(specifier)) {
      const base = posix.normalize(posix.join(dir, specifier));
      if (base.startsWith('../') || base === '..') return { kind: 'external' };
      const found = this.fileOrDirectory(base === '.' ? '' : base, lookup);
      return found ?? this.inOtherRootDirs(base, options?.rootDirs, lookup) ?? { kind: 'missing' };
    }
    return this.bareImport(dir, specifier, options, lookup);
  }

  /**
   * `rootDirs`: a relative import that finds nothing beside the importer is looked for at the same relative place
   * under each other root (generated files kept apart from sources, as TypeScript merges them).
   */
  private inOtherRootDirs(
    base: string,
    rootDirs: readonly string[] | undefined,
    lookup: Lookup,
  ): Resolution | undefined {
    if (!rootDirs) return undefined;
    const absolute = posix.join(this.config.root, base);
    const home = rootDirs
      .filter((root) => absolute === root || absolute.startsWith(`${root}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (home === undefined) return undefined;
    const inside = posix.relative(home, absolute);
    for (const root of rootDirs) {
      if (root === home) continue;
      const found = this.inTree(posix.join(root, inside), lookup);
      if (found) return found;
    }
    return undefined;
  }

  /** TypeScript's order for a bare specifier: `paths`, else `baseUrl`; then `#imports`, then packages. */
  private bareImport(
    dir: string,
    specifier: string,
    options: ResolutionOptions | undefined,
    lookup: Lookup,
  ): Resolution {
    const candidates = options?.paths ? aliasCandidates(options.paths, specifier) : undefined;
    if (candidates) {
      for (const candidate of candidates) {
        const found = this.inTree(candidate, lookup);
        if (found) return found;
      }
    } else if (options?.baseUrl !== undefined) {
      const found = this.inTree(posix.join(options.baseUrl, specifier), lookup);
      if (found) return found;
    }
    return specifier.startsWith('#')
      ? this.subpathImport(dir, specifier, lookup)
      : this.packageImport(specifier, lookup);
  }

  /** `#name` through the `imports` of the importing file's package.json (its package scope). */
  private subpathImport(dir: string, specifier: string, lookup: Lookup): Resolution {
    const scope = this.config.packageScope(dir);
    const imports = jsonObjectSchema.safeParse(scope?.manifest.imports);
    if (!scope || !imports.success) return { kind: 'external' };
    const target = subpathTarget(imports.data, specifier, lookup.conditions);
    if (target === undefined) return { kind: 'external' };
    if (!target.startsWith('./')) return this.packageImport(target, lookup);
    const absolute = posix.join(scope.dir, target);
    return this.inTree(absolute, lookup) ?? { kind: this.isInside(absolute) ? 'missing' : 'external' };
  }

  private packageImport(specifier: string, lookup: Lookup): Resolution {
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const pkg = this.packagesByName.get(parts.slice(0, nameLength).join('/'));
    if (!pkg) return { kind: 'external' };
    const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
    const target =
      pkg.manifest.exports !== undefined
        ? exportTarget(pkg.manifest.exports, subpath, lookup.conditions)
        : subpath === '.'
          ? (pkg.manifest.module ?? pkg.manifest.main ?? 'index')
          : subpath;
    if (target === undefined) return { kind: 'missing' };
    const base = posix.normalize(posix.join(pkg.dir, target));
    return this.fileOrDirectory(base === '.' ? '' : base, lookup) ?? { kind: 'missing' };
  }

  /** An absolute candidate location, resolved only when it lies inside the indexed directory. */
  private inTree(absolute: string, lookup: Lookup): Resolution | undefined {
    return this.isInside(absolute)
      ? this.fileOrDirectory(posix.relative(this.config.root, absolute), lookup)
      : undefined;
  }

  private isInside(absolute: string): boolean {
    const relative = posix.relative(this.config.root, absolute);
    return relative !== '..' && !relative.startsWith('../') && !posix.isAbsolute(relative);
  }

  /** `base` as written, else with TypeScript's extensions; each `moduleSuffixes` entry is tried before them. */
  private file(base: string, lookup: Lookup): Resolution | undefined {
    if (base !== '' && this.files.has(base)) return { kind: 'file', path: base };
    const ext = posix.extname(base);
    for (const suffix of lookup.suffixes) {
      for (const source of SOURCE_FOR_EMITTED[ext] ?? []) {
        const candidate = base.slice(0, -ext.length) + suffix + source;
        if (this.files.has(candidate)) return { kind: 'file', path: candidate };
      }
      for (const extension of EXTENSIONS) {
        const candidate = base + suffix + extension;
        if (this.files.has(candidate)) return { kind: 'file', path: candidate };
      }
    }
    return undefined;
  }

  private fileOrDirectory(base: string, lookup: Lookup): Resolution | undefined {
    const asFile = this.file(base, lookup);
    if (asFile) return asFile;
    const pkg = this.packagesByDir.get(base === '' ? '.' : base);
    if (pkg) {
      const entry =
        pkg.manifest.exports !== undefined
          ? exportTarget(pkg.manifest.exports, '.', lookup.conditions)
          : (pkg.manifest.module ?? pkg.manifest.main);
      if (entry) {
        const target = this.file(posix.normalize(posix.join(base, entry)), lookup);
        if (target) return target;
      }
    }
    return this.file(base === '' ? 'index' : `${base}/index`, lookup);
  }
}
