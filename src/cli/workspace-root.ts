// Receptionist: which folder a command works in — `--dir`, or discovery from the current folder — refusing the
// home folder and `/` unless the user named them and confirmed.
import { realpathSync, statSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors.js';
import { discoverWorkspace, isBroadFolder } from '../util/workspace.js';

/** Set to a folder's path to let a script use that home folder or `/` as a workspace without being asked. */
export const ALLOW_WORKSPACE_ENV = 'OFFICE_ALLOW_WORKSPACE';

function realHome(): string {
  const home = homedir();
  try {
    return realpathSync(home);
  } catch {
    return resolve(home);
  }
}

function canAsk(): boolean {
  const ci = process.env.CI;
  return (
    Boolean(process.stdin.isTTY && process.stderr.isTTY) && (ci === undefined || ci === '' || ci === 'false')
  );
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(?:es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The real path of the workspace for `dir` (a `--dir` value, or undefined to discover it from the current folder). */
export async function workspaceRoot(dir: string | undefined): Promise<string> {
  const home = realHome();
  if (dir === undefined) {
    const found = discoverWorkspace(process.cwd(), { home, exists: existsSync });
    if (found.type === 'refused') throw new UsageError(found.reason);
    return realpathSync(found.root);
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--dir ${dir} is not a directory`);
  }
  const root = realpathSync(resolve(dir));
  if (!isBroadFolder(root, home)) return root;
  const allowed = process.env[ALLOW_WORKSPACE_ENV];
  if (allowed !== undefined && allowed !== '' && resolve(allowed) === root) return root;
  const what = root === home ? 'your home folder' : 'the filesystem root';
  if (
    canAsk() &&
    (await confirm(
      `office: --dir ${root} is ${what}; use it as the workspace (office reads everything below it and keeps its state in ${root}/.office)?`,
    ))
  ) {
    return root;
  }
  throw new UsageError(
    `--dir ${root} is ${what}; office uses it as a workspace only when you confirm: answer the question in a terminal, or set ${ALLOW_WORKSPACE_ENV}=${root} for a script`,
  );
}
