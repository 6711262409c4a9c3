// Workspace fingerprint: changes with the code, not with office's own state; in a git work tree and outside one.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { porcelainPaths, workspaceFingerprint } from '../../src/memory/fingerprint.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace('office-fingerprint-');
  await ws.write('src/pay.ts', 'export function chargeCard() {}\n');
});
afterEach(async () => {
  await ws.cleanup();
});

function git(...args: string[]): void {
  execFileSync('git', args, {
    cwd: ws.root,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
    },
  });
}

describe('in a git work tree', () => {
  beforeEach(() => {
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
  });

  it('stays the same while nothing changes, whatever office writes under .office/', async () => {
    const before = await workspaceFingerprint(ws.root);
    expect(before).toMatch(/^git:/);
    await ws.write('.office/tasks/t-1.json', '{}');
    await ws.write('.office/memory/entries/index.json', '{}');
    expect(await workspaceFingerprint(ws.root)).toBe(before);
  });

  it('changes with an edit, again with a second edit of the same file, and with a new commit', async () => {
    const clean = await workspaceFingerprint(ws.root);
    await writeFile(ws.path('src/pay.ts'), 'export function chargeCard(a: number) {}\n');
    const edited = await workspaceFingerprint(ws.root);
    expect(edited).not.toBe(clean);
    await writeFile(ws.path('src/pay.ts'), 'export function chargeCard(a: number, b: string) {}\n');
    const editedAgain = await workspaceFingerprint(ws.root);
    expect(editedAgain).not.toBe(edited);
    git('commit', '-q', '-am', 'second');
    const committed = await workspaceFingerprint(ws.root);
    expect(committed).not.toBe(clean);
    expect(committed).not.toBe(editedAgain);
  });

  it('changes when an untracked file appears, even inside a new directory', async () => {
    const clean = await workspaceFingerprint(ws.root);
    await ws.write('lib/deep/new.ts', 'export {};\n');
    expect(await workspaceFingerprint(ws.root)).not.toBe(clean);
  });
});

describe('outside git', () => {
  it('hashes the files walkFiles sees: an edit or a new file changes it, node_modules and .office do not', async () => {
    const before = await workspaceFingerprint(ws.root);
    expect(before).toMatch(/^files:1:/);
    await ws.write('node_modules/x/index.js', 'x');
    await ws.write('.office/tasks/t.json', '{}');
    expect(await workspaceFingerprint(ws.root)).toBe(before);
    await ws.write('src/new.ts', 'export {};\n');
    const added = await workspaceFingerprint(ws.root);
    expect(added).not.toBe(before);
    await rm(ws.path('src/new.ts'));
    await mkdir(ws.path('src'), { recursive: true });
    await writeFile(ws.path('src/pay.ts'), 'export function chargeCard(amount: number) {}\n');
    expect(await workspaceFingerprint(ws.root)).not.toBe(before);
  });
});

describe('porcelainPaths', () => {
  it('reads both plain entries and renames from NUL-separated porcelain output', () => {
    expect(porcelainPaths(' M src/a.ts\0R  new.ts\0old.ts\0?? lib/b.ts\0')).toEqual([
      'src/a.ts',
      'new.ts',
      'lib/b.ts',
    ]);
  });
});
