// Policy path scopes ("IT Security"): pure matching of workspace-relative paths against rule scopes.
import { posix } from 'node:path';

const GLOB_CHARS = /[*?[\]{}]/;

/** Workspace-relative path in posix form, without `./` or a trailing slash; `.` for the root. */
export function normalizeRelative(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const normal = posix.normalize(slashed).replace(/\/+$/, '');
  return normal === '' ? '.' : normal;
}

/** True when a workspace-relative path stays inside the workspace (no absolute path, no `..` escape). */
export function isInsideWorkspace(path: string): boolean {
  const normal = normalizeRelative(path);
  if (posix.isAbsolute(normal) || /^[A-Za-z]:/.test(normal)) return false;
  return normal !== '..' && !normal.startsWith('../');
}

/**
 * True when `path` lies inside `scope`: a glob (`src/**\/*.ts`, matched against the whole relative path) or a
 * directory prefix (`src`, `src/`, `.` for the whole workspace). A path outside the workspace is in no scope.
 */
export function inScope(path: string, scope: string): boolean {
  if (!isInsideWorkspace(path)) return false;
  const target = normalizeRelative(path);
  if (GLOB_CHARS.test(scope)) {
    const pattern = scope.replace(/\\/g, '/').replace(/^\.\//, '');
    return posix.matchesGlob(target, pattern);
  }
  const prefix = normalizeRelative(scope);
  if (!isInsideWorkspace(prefix)) return false;
  if (prefix === '.') return true;
  return target === prefix || target.startsWith(`${prefix}/`);
}
