// Changed files (`office check --changed-since REF`): what git says changed in the checked folder since the merge
// base of REF and HEAD — commits, uncommitted edits and new untracked files alike.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';
import type { ChangedFile, Changes } from './relevance.js';

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[], what: string): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const detail =
      e.code === 'ENOENT' ? 'git is not installed or not on PATH' : (e.stderr ?? e.message).trim();
    throw new UsageError(`--changed-since: ${what} (${detail})`);
  }
}

/**
 * The files changed in `root` since `ref`: compared with the merge base of `ref` and HEAD (so that, on a pull
 * request branch, what the base branch gained since is not counted), paths relative to `root`.
 */
export async function changedSince(root: string, ref: string): Promise<Changes> {
  if (ref.startsWith('-')) throw new UsageError(`--changed-since takes a git ref, not "${ref}"`);
  await git(root, ['rev-parse', '--is-inside-work-tree'], `${root} is not in a git work tree`);
  const base = (
    await git(
      root,
      ['merge-base', ref, 'HEAD'],
      `git finds no common commit of "${ref}" and HEAD; fetch the ref (in GitHub Actions: actions/checkout with fetch-depth: 0)`,
    )
  ).trim();
  const diff = await git(
    root,
    ['-c', 'core.quotePath=false', 'diff', '--name-status', '--no-renames', '--relative', '-z', base, '--'],
    'git diff failed',
  );
  const untracked = await git(
    root,
    ['ls-files', '--others', '--exclude-standard', '-z'],
    'git ls-files failed',
  );
  const files = new Map<string, ChangedFile>();
  const fields = diff.split('\0').filter((field) => field !== '');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const path = fields[i + 1]!;
    files.set(path, { path, status: fields[i]!.startsWith('D') ? 'deleted' : 'changed' });
  }
  for (const path of untracked.split('\0')) {
    if (path !== '') files.set(path, { path, status: 'changed' });
  }
  return {
    ref,
    base,
    files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
