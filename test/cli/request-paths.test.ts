// Paths in a request are relative to the folder office runs in (as in a shell), still refused outside the
// workspace; with --dir from outside the workspace they are relative to its root. Quoted paths may hold spaces.
import { mkdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let elsewhere: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  elsewhere = await makeWorkspace('office-elsewhere-');
  await mkdir(ws.path('.git'));
  await ws.write('src/sub/a.txt', 'in src/sub\n');
  await ws.write('sub/a.txt', 'at the root\n');
  await ws.write('my docs/a b.txt', 'spaced out\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
  await elsewhere.cleanup();
});

describe('a request made in a subfolder', () => {
  it('reads and lists paths relative to that folder', async () => {
    const read = await runOffice(['run', '--offline', 'read sub/a.txt'], { cwd: ws.path('src') });
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe('in src/sub\n');

    const list = await runOffice(['run', '--offline', '--json', 'list ./sub'], { cwd: ws.path('src') });
    expect((onlyJson(list.stdout) as { result: { files: string[] } }).result.files).toEqual([
      'src/sub/a.txt',
    ]);

    const up = await runOffice(['run', '--offline', 'read ../sub/a.txt'], { cwd: ws.path('src') });
    expect(up.stdout).toBe('at the root\n');
  });

  it('records the folder, so that a resumed task means the same paths', async () => {
    const run = await runOffice(['run', '--offline', '--json', 'read sub/a.txt'], { cwd: ws.path('src') });
    const doc = await readTask(ws, (onlyJson(run.stdout) as { task_id: string }).task_id);
    expect(doc.options.cwd).toBe('src');
    expect(doc.dag?.subtasks[0]?.goal).toBe('Read src/sub/a.txt');
  });

  it('still refuses a path that leaves the workspace', async () => {
    const run = await runOffice(['run', '--offline', '--json', 'read ../../outside.txt'], {
      cwd: ws.path('src'),
    });
    expect(run.code).not.toBe(0);
    expect(JSON.stringify(onlyJson(run.stdout).error)).toContain('is outside the workspace');
  });
});

describe('a request for a workspace elsewhere (--dir)', () => {
  it('takes its paths from that workspace root', async () => {
    const run = await runOffice(['run', '--offline', 'read sub/a.txt', '--dir', ws.root], {
      cwd: elsewhere.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('at the root\n');
  });
});

describe('quoted paths with spaces', () => {
  it.each([
    ['read "my docs/a b.txt"', 'spaced out'],
    ["list 'my docs'", 'my docs/a b.txt'],
    ['find spaced in "my docs"', 'my docs/a b.txt:1:1: spaced out'],
  ])('%s', async (request, expected) => {
    const run = await runOffice(['run', '--offline', request], { cwd: ws.root });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(expected);
  });
});
