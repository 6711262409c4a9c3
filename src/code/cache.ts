// Code index cache ("Archives"): per indexed directory, each file's extracted facts keyed by content hash, the
// linked graph of an unchanged tree, and the edges lazy refinement found on it. A cache that cannot be read is a
// miss, never a crash. It lives in the workspace's .office, or per user when the tree has no workspace: never
// written into a traced tree that is not one (node_modules, a read-only checkout).
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { withFileLock, writeFileAtomic } from '../util/files.js';
import { officeDir } from '../util/workspace.js';
import { callEdgeSchema, codeSymbolSchema } from './model.js';

const CACHE_FORMAT = 1;

export const cachedFileSchema = z.strictObject({
  adapter: z.string(),
  version: z.string(),
  hash: z.string(),
  /** Whatever the adapter's `extract` returned; only handed back to an adapter of the same id and version. */
  facts: z.unknown(),
});
export type CachedFile = z.infer<typeof cachedFileSchema>;

const factsCacheSchema = z.strictObject({
  format: z.literal(CACHE_FORMAT),
  root: z.string(),
  files: z.record(z.string(), cachedFileSchema),
});

export const refinementsSchema = z.strictObject({
  /** Adapter version and the hashes of all its files: refinements hold only for exactly that tree. */
  fingerprint: z.string(),
  /** Symbols whose outgoing pending calls were resolved. */
  outgoing: z.array(z.string()),
  /** Symbols whose incoming pending calls were resolved. */
  incoming: z.array(z.string()),
  edges: z.array(callEdgeSchema),
  /**
   * What the adapter's refinement remembered (`LinkedGraph.memo`), for the next link after files change; `key`
   * is the adapter version and link-inputs digest it holds for.
   */
  memo: z.strictObject({ key: z.string(), value: z.unknown() }).optional(),
});
export type Refinements = z.infer<typeof refinementsSchema>;

/** What `link` produced for one adapter's files, so that an unchanged tree needs neither facts nor linking. */
export const snapshotSchema = z.strictObject({
  /** As for refinements: adapter version and the hashes of all its files. */
  fingerprint: z.string(),
  /** Whether the linked graph had a `refine` (so a query may need to link again to refine). */
  refinable: z.boolean(),
  /** Files of the part that could not be parsed, reported again on every index that uses the snapshot. */
  problems: z.array(z.string()),
  symbols: z.array(codeSymbolSchema),
  edges: z.array(callEdgeSchema),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

const snapshotsCacheSchema = z.strictObject({
  format: z.literal(CACHE_FORMAT),
  root: z.string(),
  adapters: z.record(z.string(), snapshotSchema),
});

const refinementsCacheSchema = z.strictObject({
  format: z.literal(CACHE_FORMAT),
  root: z.string(),
  adapters: z.record(z.string(), refinementsSchema),
});

/** Where one indexed directory's cache lives: facts, linked graph and refinements files, named by the dir's path. */
export interface CacheLocation {
  readonly root: string;
  readonly factsPath: string;
  readonly graphPath: string;
  readonly refinementsPath: string;
}

/** office's per-user cache folder: `$XDG_CACHE_HOME/office`, else `~/.cache/office`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'office');
}

/** What decides where a tree's code cache goes: the workspace found for it, and what that folder is. */
export interface CachePlace {
  readonly workspace: string;
  /** The folder holds a workspace marker (.office.config.json, .office/ or .git): it is a workspace, not just the tree. */
  readonly marked: boolean;
  /** office may write its .office there. */
  readonly writable: boolean;
}

/** The code cache folder: the workspace's `.office/cache/code`, else (no workspace, or one office cannot write) per user. */
export function codeCacheDir(place: CachePlace, userCache: string): string {
  return place.marked && place.writable
    ? join(officeDir(place.workspace), 'cache', 'code')
    : join(userCache, 'code');
}

function placeOf(workspace: string): CachePlace {
  const marked = ['.office.config.json', '.office', '.git'].some((m) => existsSync(join(workspace, m)));
  const office = officeDir(workspace);
  let writable = true;
  try {
    accessSync(existsSync(office) ? office : workspace, constants.W_OK);
  } catch {
    writable = false;
  }
  return { workspace, marked, writable };
}

export function cacheLocation(workspace: string, root: string): CacheLocation {
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const dir = codeCacheDir(placeOf(workspace), userCacheDir());
  return {
    root,
    factsPath: join(dir, `${key}.facts.json`),
    graphPath: join(dir, `${key}.graph.json`),
    refinementsPath: join(dir, `${key}.refined.json`),
  };
}

/** What reading a cache file gave: its content, and why it was not usable if so (an absent file is no problem). */
export interface CacheRead<T> {
  readonly value: T;
  readonly problem?: string;
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<{ value?: T; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { value: parsed.data };
    return { problem: `${path} does not hold a code cache of this version; rebuilding it` };
  } catch {
    return { problem: `${path} is not valid JSON; rebuilding it` };
  }
}

/** A cache file's entries when it is readable and belongs to this root; otherwise none. */
function entriesOf<T extends { root: string }, V>(
  read: { value?: T; problem?: string },
  at: CacheLocation,
  entries: (value: T) => Record<string, V>,
): CacheRead<Map<string, V>> {
  const problem = read.problem === undefined ? {} : { problem: read.problem };
  if (!read.value || read.value.root !== at.root) return { value: new Map(), ...problem };
  return { value: new Map(Object.entries(entries(read.value))), ...problem };
}

export async function readFactsCache(at: CacheLocation): Promise<CacheRead<Map<string, CachedFile>>> {
  const read = await readJson(at.factsPath, factsCacheSchema);
  return entriesOf(read, at, (value) => value.files);
}

export async function writeFactsCache(
  at: CacheLocation,
  files: ReadonlyMap<string, CachedFile>,
): Promise<void> {
  const content = { format: CACHE_FORMAT, root: at.root, files: Object.fromEntries(files) };
  await withFileLock(at.factsPath, () => writeFileAtomic(at.factsPath, JSON.stringify(content)));
}

export async function readSnapshotsCache(at: CacheLocation): Promise<CacheRead<Map<string, Snapshot>>> {
  const read = await readJson(at.graphPath, snapshotsCacheSchema);
  return entriesOf(read, at, (value) => value.adapters);
}

export async function writeSnapshotsCache(
  at: CacheLocation,
  adapters: ReadonlyMap<string, Snapshot>,
): Promise<void> {
  const content = { format: CACHE_FORMAT, root: at.root, adapters: Object.fromEntries(adapters) };
  await withFileLock(at.graphPath, () => writeFileAtomic(at.graphPath, JSON.stringify(content)));
}

export async function readRefinementsCache(at: CacheLocation): Promise<CacheRead<Map<string, Refinements>>> {
  const read = await readJson(at.refinementsPath, refinementsCacheSchema);
  return entriesOf(read, at, (value) => value.adapters);
}

export async function writeRefinementsCache(
  at: CacheLocation,
  adapters: ReadonlyMap<string, Refinements>,
): Promise<void> {
  const content = { format: CACHE_FORMAT, root: at.root, adapters: Object.fromEntries(adapters) };
  await withFileLock(at.refinementsPath, () => writeFileAtomic(at.refinementsPath, JSON.stringify(content)));
}
