// Workspace fingerprint for plan memory ("Corporate Knowledge"): a cheap hash that changes when the code a plan
// looked at changes, so a remembered plan is reused only on the workspace it was made for.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFiles } from '../util/walk.js';

const GIT_TIMEOUT_MS = 10_000;
const STAT_CONCURRENCY = 64;

function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...args],
      { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => resolve(err ? undefined : stdout),
    );
  });
}

/** `size:mtime` of each path (relative to `base`), or `-` for one that is gone; in the order given. */
async function statsOf(base: string, paths: readonly string[]): Promise<string[]> {
  const out = new Array<string>(paths.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const info = await stat(join(base, paths[i] as string)).catch(() => undefined);
      out[i] = info ? `${info.size}:${Math.trunc(info.mtimeMs)}` : '-';
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, paths.length) }, worker));
  return out;
}

/** Paths named by `git status --porcelain=v1 -z` (a rename's or copy's second path is its origin). */
export function porcelainPaths(output: string): string[] {
  const fields = output.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.length < 4) continue;
    paths.push(field.slice(3));
    if (/^[RC]|^.[RC]/.test(field)) i++;
  }
  return paths;
}

/**
 * In a git work tree: HEAD, plus `git status` of the workspace (without `.office/`) and the size and mtime of
 * every path it names, so editing an already-modified file changes the fingerprint too. Elsewhere: a hash of
 * the path, size and mtime of every file `walkFiles` sees (which honours .gitignore and skips node_modules).
 */
export async function workspaceFingerprint(root: string): Promise<string> {
  const top = (await git(root, ['rev-parse', '--show-toplevel']))?.trim();
  if (top) {
    const head = (await git(root, ['rev-parse', '-q', '--verify', 'HEAD']))?.trim() || 'no-commit';
    const status = await git(root, [
      'status',
      '--porcelain=v1',
      '-z',
      '--untracked-files=all',
      '--',
      '.',
      ':(exclude).office',
    ]);
    if (status !== undefined) {
      const paths = porcelainPaths(status);
      const stats = await statsOf(top, paths);
      const hash = createHash('sha256').update(`${head}\0${status}\0${stats.join('\0')}`);
      return `git:${head.slice(0, 12)}:${hash.digest('hex').slice(0, 16)}`;
    }
  }
  const files = await walkFiles(root);
  const stats = await statsOf(root, files);
  const hash = createHash('sha256');
  files.forEach((f, i) => {
    hash.update(`${f}\0${stats[i]}\n`);
  });
  return `files:${files.length}:${hash.digest('hex').slice(0, 16)}`;
}
