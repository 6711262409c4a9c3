// JS/TS project configuration (code intelligence): reads tsconfig.json / jsconfig.json chains (JSON with comments,
// `extends` by path, array or package, `${configDir}`) into what module resolution needs, `baseUrl` and `paths`,
// once per config file; and remembers every file it read so linking can be fingerprinted by them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { z } from 'zod';

/** One `paths` entry: `prefix*suffix` (or an exact name) and its substitutions, absolute, tried in order. */
export interface AliasPattern {
  readonly prefix: string;
  readonly suffix: string;
  /** False for a pattern without `*`: it matches only the exact specifier. */
  readonly star: boolean;
  readonly targets: readonly string[];
}

/** The compiler options a directory's files resolve modules with (absolute posix paths). */
export interface ResolutionOptions {
  /** The config file governing the directory (the nearest tsconfig.json or jsconfig.json). */
  readonly configFile: string;
  readonly baseUrl: string | undefined;
  readonly paths: readonly AliasPattern[] | undefined;
  /** Directories whose contents relative imports see as one (absolute). */
  readonly rootDirs: readonly string[] | undefined;
  /** Tried before each extension, in order (`.ios`, `''`). */
  readonly moduleSuffixes: readonly string[] | undefined;
  /** Conditions tried before the default ones in `exports` and `imports` maps. */
  readonly customConditions: readonly string[] | undefined;
}

/** Reads files by absolute path, each once, remembering what it saw (or that nothing was there). */
export class ConfigFiles {
  private readonly seen = new Map<string, string | undefined>();

  constructor(private readonly readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')) {}

  /** The file's text, or undefined when it is missing, a directory or unreadable. */
  read(path: string): string | undefined {
    if (this.seen.has(path)) return this.seen.get(path);
    let text: string | undefined;
    try {
      text = this.readFile(path);
    } catch {
      text = undefined;
    }
    this.seen.set(path, text);
    return text;
  }

  /** sha256 over every path read and its content or absence: an equal digest means the same configuration. */
  digest(): string {
    const hash = createHash('sha256');
    for (const path of [...this.seen.keys()].sort()) {
      const text = this.seen.get(path);
      const content = text === undefined ? '-' : createHash('sha256').update(text).digest('hex');
      hash.update(`${path}\0${content}\n`);
    }
    return hash.digest('hex');
  }
}

/** JSON with comments and trailing commas, as TypeScript reads its configs; undefined when not valid. */
export function parseJsonWithComments(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, {
    allowTrailingComma: true,
    allowEmptyContent: true,
  });
  return errors.length === 0 ? value : undefined;
}

// A field of the wrong type is dropped, as TypeScript reports and ignores it; the rest of the config still counts.
const tsconfigSchema = z.looseObject({
  extends: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .catch(undefined),
  include: z.array(z.string()).optional().catch(undefined),
  files: z.array(z.string()).optional().catch(undefined),
  references: z
    .array(z.looseObject({ path: z.string() }))
    .optional()
    .catch(undefined),
  compilerOptions: z
    .looseObject({
      baseUrl: z.string().optional().catch(undefined),
      paths: z.record(z.string(), z.unknown()).optional().catch(undefined),
      rootDirs: z.array(z.string()).optional().catch(undefined),
      moduleSuffixes: z.array(z.string()).optional().catch(undefined),
      customConditions: z.array(z.string()).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

const manifestSchema = z.looseObject({ tsconfig: z.string().optional().catch(undefined) });

// biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript's own template, written literally in configs.
const CONFIG_DIR = '${configDir}';
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

/** File specs (`include` or `files`) with the directory of the config that wrote them, which they are relative to. */
interface FileSpecs {
  readonly dir: string;
  readonly specs: readonly string[];
}

/** Options as declared along an `extends` chain, before `${configDir}` is known. */
interface DeclaredOptions {
  baseUrl?: string;
  paths?: ReadonlyMap<string, readonly string[]>;
  /** The directory of the config that declared `paths`: their base when there is no `baseUrl`. */
  pathsBase?: string;
  /** Absolute, or starting with `${configDir}`. */
  rootDirs?: readonly string[];
  moduleSuffixes?: readonly string[];
  customConditions?: readonly string[];
  include?: FileSpecs;
  files?: FileSpecs;
  /** Referenced projects' config files (never inherited). */
  references?: readonly string[];
}

/** Finds and reads the config governing each directory, following `extends`; every answer is cached. */
export class TsconfigLoader {
  private readonly byDir = new Map<string, ResolutionOptions | undefined>();
  private readonly nearest = new Map<string, string | undefined>();
  private readonly declared = new Map<string, DeclaredOptions>();
  private readonly final = new Map<string, ResolutionOptions>();

  constructor(private readonly files: ConfigFiles) {}

  /**
   * The options for files in `dir`, from the project tsserver would open them in: the nearest tsconfig.json
   * (else jsconfig.json) at or above `dir`, or, when that config does not include `dir` (a solution-style
   * config with `"files": []`), the first project it references that does.
   */
  optionsFor(dir: string): ResolutionOptions | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const configFile = this.nearestConfig(dir);
    const options = configFile ? this.finalOptions(this.projectFor(configFile, dir)) : undefined;
    this.byDir.set(dir, options);
    return options;
  }

  private nearestConfig(dir: string): string | undefined {
    if (this.nearest.has(dir)) return this.nearest.get(dir);
    const parent = posix.dirname(dir);
    const found =
      CONFIG_NAMES.map((name) => posix.join(dir, name)).find((path) => this.files.read(path) !== undefined) ??
      (parent === dir ? undefined : this.nearestConfig(parent));
    this.nearest.set(dir, found);
    return found;
  }

  private projectFor(configFile: string, dir: string): string {
    if (this.includes(configFile, dir)) return configFile;
    const references = this.declaredOptions(configFile, []).references ?? [];
    return references.find((reference) => this.includes(reference, dir)) ?? configFile;
  }

  /**
   * Whether the config's `include`/`files` take in the files of `dir`, judged by directory: an `include` spec
   * covers the directory before its first wildcard (the spec's own directory when it names a file), a `files`
   * entry its directory; no specs at all cover everything under the config, as TypeScript's default does.
   */
  private includes(configFile: string, dir: string): boolean {
    const { include, files } = this.declaredOptions(configFile, []);
    if (!include && !files) return isInside(posix.dirname(configFile), dir);
    const expand = templateExpander(configFile);
    const byInclude = (include?.specs ?? []).some((spec) => {
      const segments = spec.split('/');
      const wildcard = segments.findIndex((segment) => /[*?]/.test(segment));
      const path = posix.resolve(
        include!.dir,
        expand(wildcard < 0 ? spec : segments.slice(0, wildcard).join('/')),
      );
      return wildcard < 0 && /\.[a-z]+$/i.test(spec) ? posix.dirname(path) === dir : isInside(path, dir);
    });
    const byFiles = (files?.specs ?? []).some(
      (spec) => posix.dirname(posix.resolve(files!.dir, expand(spec))) === dir,
    );
    return byInclude || byFiles;
  }

  private finalOptions(configFile: string): ResolutionOptions {
    const known = this.final.get(configFile);
    if (known) return known;
    const declared = this.declaredOptions(configFile, []);
    const configDir = posix.dirname(configFile);
    const expand = templateExpander(configFile);
    const baseUrl = declared.baseUrl === undefined ? undefined : expand(declared.baseUrl);
    const base = baseUrl ?? declared.pathsBase ?? configDir;
    const paths = declared.paths
      ? [...declared.paths].map(([pattern, targets]) => {
          const star = pattern.indexOf('*');
          return {
            prefix: star < 0 ? pattern : pattern.slice(0, star),
            suffix: star < 0 ? '' : pattern.slice(star + 1),
            star: star >= 0,
            targets: targets.map((target) => posix.resolve(base, expand(target))),
          };
        })
      : undefined;
    const options: ResolutionOptions = {
      configFile,
      baseUrl,
      paths,
      rootDirs: declared.rootDirs?.map(expand),
      moduleSuffixes: declared.moduleSuffixes,
      customConditions: declared.customConditions,
    };
    this.final.set(configFile, options);
    return options;
  }

  /** What `configFile` and the configs it extends declare; a config already on `chain` is a cycle, skipped. */
  private declaredOptions(configFile: string, chain: readonly string[]): DeclaredOptions {
    const known = this.declared.get(configFile);
    if (known) return known;
    const text = this.files.read(configFile);
    const parsed = tsconfigSchema.safeParse(text === undefined ? undefined : parseJsonWithComments(text));
    const options: DeclaredOptions = {};
    if (parsed.success) {
      const dir = posix.dirname(configFile);
      const bases = parsed.data.extends;
      for (const spec of typeof bases === 'string' ? [bases] : (bases ?? [])) {
        const extended = this.extendedConfig(spec, dir);
        if (extended && extended !== configFile && !chain.includes(extended))
          Object.assign(options, this.declaredOptions(extended, [...chain, configFile]));
      }
      const own = parsed.data.compilerOptions;
      if (own?.baseUrl !== undefined)
        options.baseUrl = own.baseUrl.startsWith(CONFIG_DIR) ? own.baseUrl : posix.resolve(dir, own.baseUrl);
      if (own?.paths) {
        options.paths = new Map(
          Object.entries(own.paths).flatMap(([pattern, targets]) =>
            validPattern(pattern) && Array.isArray(targets)
              ? [[pattern, targets.filter((t): t is string => typeof t === 'string')] as const]
              : [],
          ),
        );
        options.pathsBase = dir;
      }
      if (own?.rootDirs) {
        options.rootDirs = own.rootDirs.map((root) =>
          root.startsWith(CONFIG_DIR) ? root : posix.resolve(dir, root),
        );
      }
      if (own?.moduleSuffixes) options.moduleSuffixes = own.moduleSuffixes;
      if (own?.customConditions) options.customConditions = own.customConditions;
      if (parsed.data.include) options.include = { dir, specs: parsed.data.include };
      if (parsed.data.files) options.files = { dir, specs: parsed.data.files };
      options.references = (parsed.data.references ?? []).map(({ path }) => {
        const resolved = posix.resolve(dir, path.replaceAll('\\', '/'));
        return resolved.endsWith('.json') ? resolved : posix.join(resolved, 'tsconfig.json');
      });
    }
    this.declared.set(configFile, options);
    return options;
  }

  /** Where an `extends` entry points: a path (`.json` optional) or a package in a `node_modules` above. */
  private extendedConfig(spec: string, dir: string): string | undefined {
    const normalized = spec.replaceAll('\\', '/');
    if (/^(\.{1,2}\/|\/|[A-Za-z]:\/)/.test(normalized)) {
      const path = posix.resolve(dir, normalized);
      return this.firstFile([path, ...(path.endsWith('.json') ? [] : [`${path}.json`])]);
    }
    const parts = normalized.split('/');
    const nameLength = normalized.startsWith('@') ? 2 : 1;
    if (parts.length < nameLength || parts.some((part) => part === '' || part === '..')) return undefined;
    const name = parts.slice(0, nameLength).join('/');
    const subpath = parts.slice(nameLength).join('/');
    for (let from = dir; ; from = posix.dirname(from)) {
      const found = this.configInPackage(posix.join(from, 'node_modules', name), subpath);
      if (found) return found;
      if (posix.dirname(from) === from) return undefined;
    }
  }

  /** A package's config: the named file, else its package.json `tsconfig` field, else its tsconfig.json. */
  private configInPackage(packageDir: string, subpath: string): string | undefined {
    if (subpath !== '') {
      const path = posix.join(packageDir, subpath);
      return this.firstFile([
        path,
        ...(path.endsWith('.json') ? [] : [`${path}.json`]),
        posix.join(path, 'tsconfig.json'),
      ]);
    }
    const text = this.files.read(posix.join(packageDir, 'package.json'));
    const manifest = manifestSchema.safeParse(text === undefined ? undefined : parseJsonWithComments(text));
    const field = manifest.success ? manifest.data.tsconfig : undefined;
    return this.firstFile([
      ...(field ? [posix.join(packageDir, field)] : []),
      posix.join(packageDir, 'tsconfig.json'),
    ]);
  }

  private firstFile(paths: readonly string[]): string | undefined {
    return paths.find((path) => this.files.read(path) !== undefined);
  }
}

/** `${configDir}` is the directory of the config in use, whichever config in the chain wrote it. */
function templateExpander(configFile: string): (path: string) => string {
  const configDir = posix.dirname(configFile);
  return (path) =>
    path.startsWith(CONFIG_DIR) ? posix.join(configDir, `./${path.slice(CONFIG_DIR.length)}`) : path;
}

/** True when `child` is `parent` or below it (absolute posix paths). */
function isInside(parent: string, child: string): boolean {
  const relative = posix.relative(parent, child);
  return relative === '' || (!relative.startsWith('../') && relative !== '..' && !posix.isAbsolute(relative));
}

/** TypeScript ignores (with an error) a `paths` pattern holding more than one `*`. */
function validPattern(pattern: string): boolean {
  return pattern.indexOf('*') === pattern.lastIndexOf('*');
}

/**
 * The candidate paths `paths` gives `specifier`, as TypeScript matches them: an exact pattern first, else the
 * `*` pattern with the longest prefix; the matched text replaces the first `*` of each substitution. Undefined
 * when no pattern matches (then `baseUrl` applies); an empty list stops `baseUrl` too, as in TypeScript.
 */
export function aliasCandidates(
  patterns: readonly AliasPattern[],
  specifier: string,
): readonly string[] | undefined {
  const exact = patterns.find((pattern) => !pattern.star && pattern.prefix === specifier);
  if (exact) return exact.targets;
  let best: AliasPattern | undefined;
  for (const pattern of patterns) {
    if (!pattern.star || (best && best.prefix.length >= pattern.prefix.length)) continue;
    if (
      specifier.length >= pattern.prefix.length + pattern.suffix.length &&
      specifier.startsWith(pattern.prefix) &&
      specifier.endsWith(pattern.suffix)
    )
      best = pattern;
  }
  if (!best) return undefined;
  const matched = specifier.slice(best.prefix.length, specifier.length - best.suffix.length);
  return best.targets.map((target) => posix.normalize(target.replace('*', () => matched)));
}
