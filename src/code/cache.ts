// Code index cache ("Archives"): where each indexed directory's code store (store.ts) lives, and the shape of what
// lazy refinement keeps there. It lives in the workspace's .office, or per user when the tree has no workspace:
// never written into a traced tree that is not one (node_modules, a read-only checkout).
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { officeDir } from '../util/workspace.js';
import { callEdgeSchema } from './model.js';

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

/** Where one indexed directory's cache lives: its code store, named by the dir's path. */
export interface CacheLocation {
  readonly root: string;
  /** The SQLite code store (store.ts). */
  readonly storePath: string;
  /** JSON cache files of office before the store: removed when the store is first opened. */
  readonly legacyPaths: readonly string[];
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
    storePath: join(dir, `${key}.db`),
    legacyPaths: ['facts', 'graph', 'refined'].map((kind) => join(dir, `${key}.${kind}.json`)),
  };
}
