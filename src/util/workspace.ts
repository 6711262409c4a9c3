// Workspace paths: where .office/ lives, and resolution of user paths that must stay inside the root.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PathOutsideWorkspace } from '../errors.js';

/** The nearest ancestor of `start` (itself included) holding .office.config.json, .office/ or .git; else `start`. */
export function findWorkspaceRoot(start: string): string {
  const first = resolve(start);
  let dir = first;
  for (;;) {
    if (['.office.config.json', '.office', '.git'].some((marker) => existsSync(join(dir, marker))))
      return dir;
    const parent = dirname(dir);
    if (parent === dir) return first;
    dir = parent;
  }
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
