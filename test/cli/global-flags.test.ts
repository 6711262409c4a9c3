// The flags people expect from a CLI, through the real binary: -C DIR, -q, --no-color (and NO_COLOR), -m.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInPty } from '../helpers/terminal.js';
import {
  BIN,
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  runOffice,
  type TempWorkspace,
  taskIds,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let elsewhere: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
  await cp(join(FIXTURES, 'ts-shop', 'src'), ws.path('src'), { recursive: true });
  elsewhere = await makeWorkspace('office-elsewhere-');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
  await elsewhere.cleanup();
});

/** SGR sequences (colour, bold...): what chalk writes when colour is on. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

describe('-C DIR', () => {
  it('runs as if started in DIR: the workspace, --dir and the printed paths are seen from there', async () => {
    const run = await runOffice(['-C', ws.path('src'), 'trace', 'checkout', 'chargeCard'], {
      cwd: elsewhere.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  1. checkout  checkout.ts:15');
    // After the command too, and as --cd; a relative --dir is relative to DIR.
    const after = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', 'src', '--cd', ws.root], {
      cwd: elsewhere.root,
    });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('  1. checkout  src/checkout.ts:15');
  });

  it('stores the task in the workspace DIR belongs to', async () => {
    const run = await runOffice(['-C', ws.path('src'), 'run', '--offline', 'find chargeCard in payments'], {
      cwd: elsewhere.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await taskIds(ws)).toHaveLength(1);
    expect(await taskIds(elsewhere)).toEqual([]);
  });

  it('a folder that does not exist is a usage error naming it', async () => {
    const run = await runOffice(['-C', 'no-such-folder', 'list'], { cwd: elsewhere.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('-C no-such-folder: no such directory');
    expect(run.stderr).not.toContain('internal error');
  });
});

describe('-q / --quiet', () => {
  it('office run: the answer on stdout, nothing on stderr', async () => {
    const loud = await runOffice(['run', '--offline', 'find chargeCard in src/payments'], { cwd: ws.root });
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toContain('office: task');
    const quiet = await runOffice(['run', '-q', '--offline', 'find chargeCard in src/payments'], {
      cwd: ws.root,
    });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });

  it('office trace: no note about what was not indexed', async () => {
    const args = ['trace', 'checkout', 'chargeCard', '--dir', 'src', '--max-file-bytes', '500'];
    const loud = await runOffice(args, { cwd: ws.root });
    expect(loud.stderr).toContain('not indexed');
    const quiet = await runOffice(['--quiet', ...args], { cwd: ws.root });
    expect(quiet.code).toBe(loud.code);
    expect(quiet.stderr).toBe('');
    // The same answer (the last line, the index statistics, has timings in it).
    const answer = (stdout: string) => stdout.trimEnd().split('\n').slice(0, -1);
    expect(answer(quiet.stdout)).toEqual(answer(loud.stdout));
    expect(answer(quiet.stdout).length).toBeGreaterThan(0);
  });

  it('no progress bar on a terminal', async () => {
    await mkdir(ws.path('lib'));
    const argv = [process.execPath, BIN, 'trace', 'checkout', 'chargeCard', '--dir', '../src'];
    // Both on a cold index (nothing cached), where the bar is drawn.
    const quiet = await runInPty([...argv, '-q'], { cwd: ws.path('lib') });
    expect(quiet.code, quiet.output).toBe(0);
    expect(quiet.output).toContain('1. checkout  ../src/checkout.ts:15');
    expect(quiet.output).not.toContain('indexing [');
    await rm(ws.path('.office'), { recursive: true, force: true });
    const loud = await runInPty(argv, { cwd: ws.path('lib') });
    expect(loud.code, loud.output).toBe(0);
    expect(loud.output).toContain('indexing [');
  });

  it('errors still reach stderr', async () => {
    const run = await runOffice(['-q', 'trace', 'checkout', 'chargeCard', '--max-paths', 'lots'], {
      cwd: ws.root,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-paths must be a whole number');
  });
});

describe('--no-color and NO_COLOR', () => {
  const request = ['run', '--offline', 'find chargeCard in src/payments'];
  it('FORCE_COLOR colours the progress lines (so the checks below can see colour)', async () => {
    const run = await runOffice(request, { cwd: ws.root, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(SGR);
  });

  it('--no-color turns colour off even when FORCE_COLOR asks for it', async () => {
    const run = await runOffice([...request, '--no-color'], {
      cwd: ws.root,
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('office: task');
    expect(run.stderr).not.toMatch(SGR);
  });

  it('NO_COLOR=1 does the same', async () => {
    const run = await runOffice(request, { cwd: ws.root, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('office: task');
    expect(run.stderr).not.toMatch(SGR);
  });
});

describe('-m', () => {
  it('is --model: the same value, the same check', async () => {
    for (const flag of ['-m', '--model']) {
      const run = await runOffice(['run', flag, 'bogus', 'find TODO in .'], { cwd: ws.root });
      expect(run.code, flag).toBe(2);
      expect(run.stderr, flag).toContain('--model "bogus": unknown or missing tier');
    }
  });
});
