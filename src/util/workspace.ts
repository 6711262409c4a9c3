// Workspace paths: where .office/ lives, and resolution of user paths that must stay inside the root.
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PathOutsideWorkspace } from '../errors.js';

/** Where workspace discovery stops: it never climbs into these (the user's home folder, the filesystem root). */
export interface DiscoveryBounds {
  readonly home: string;
  readonly exists: (path: string) => boolean;
}

export type WorkspaceDiscovery =
  | {
      readonly type: 'found';
      readonly root: string;
      readonly marker: '.git' | '.office.config.json' | '.office';
    }
  /** No marker below the bounds: the starting folder itself. */
  | { readonly type: 'start'; readonly root: string }
  /** The starting folder is the home folder or `/`, and nothing below it marks a workspace. */
  | { readonly type: 'refused'; readonly root: string; readonly reason: string };

/** True for the folders discovery never makes a workspace: `/` and the user's home. */
export function isBroadFolder(dir: string, home: string): boolean {
  const normal = resolve(dir);
  return dirname(normal) === normal || normal === resolve(home);
}

/**
 * The workspace for a command run in `start`: the nearest ancestor (itself included, stopping below the user's
 * home folder and the filesystem root) holding `.git` or `.office.config.json`; failing that, the nearest holding
 * `.office/`; failing that, `start`. A stray `.office/` in the home folder or in `/` therefore never captures
 * every folder below it, and neither folder becomes a workspace by discovery.
 */
export function discoverWorkspace(start: string, bounds: DiscoveryBounds): WorkspaceDiscovery {
  const first = resolve(start);
  const candidates: string[] = [];
  for (let dir = first; !isBroadFolder(dir, bounds.home); dir = dirname(dir)) candidates.push(dir);
  for (const dir of candidates) {
    for (const marker of ['.git', '.office.config.json'] as const) {
      if (bounds.exists(join(dir, marker))) return { type: 'found', root: dir, marker };
    }
  }
  const office = candidates.find((dir) => bounds.exists(join(dir, '.office')));
  if (office !== undefined) return { type: 'found', root: office, marker: '.office' };
  if (candidates.length === 0) {
    const what = resolve(first) === resolve(bounds.home) ? 'your home folder' : 'the filesystem root';
    return {
      type: 'refused',
      root: first,
      reason: `office will not make ${what} (${first}) a workspace: it would read everything below it and keep its state there. Run office inside a project folder (one with .git or .office.config.json), or name one with --dir`,
    };
  }
  return { type: 'start', root: first };
}

/** The workspace root discovery gives for `start` (`start` itself when discovery refuses). */
export function findWorkspaceRoot(start: string): string {
  return discoverWorkspace(start, { home: homedir(), exists: existsSync }).root;
}

export function officeDir(workspace: string): string {
  return join(workspace, '.office');
}

/** True when `child` is `parent` or below it (both absolute, already normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `path` (relative to the root, or absolute) and refuses anything that leaves the root,
 * by `..` or through a symlink. The root must be a real path. Non-existent paths are checked
 * through their nearest existing ancestor.
 */
export function resolveInside(root: string, path: string): string {
  const absolute = resolve(root, path);
  if (!isInside(root, absolute)) throw new PathOutsideWorkspace(path, root);
  let existing = absolute;
  let rest = '';
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    rest = rest ? join(existing.slice(parent.length + 1), rest) : existing.slice(parent.length + 1);
    if (parent === existing) break;
    existing = parent;
  }
  const real = join(realpathSync(existing), rest);
  if (!isInside(root, real)) throw new PathOutsideWorkspace(path, root);
  return real;
}
