// Exit codes and messages of the real binary: usage and config errors (2), approval needed (3), and how to approve.
import { access } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  taskIds,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/a.ts', '// TODO one\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

describe('usage errors exit 2 with a usage message', () => {
  it.each([
    ['an unknown command', ['frobnicate'], "unknown command 'frobnicate'"],
    ['an unknown flag on run', ['run', '--frobnicate', 'find TODO in src'], "unknown option '--frobnicate'"],
    ['an unknown flag on list', ['list', '--colour'], "unknown option '--colour'"],
    ['run without a request', ['run'], "missing required argument 'request'"],
  ])('%s', async (_label, args, message) => {
    const run = await runOffice(args, { cwd: ws.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('--help');
    expect(run.stdout).toBe('');
  });

  it.each([
    [
      '--max-iterations 0',
      ['run', '--max-iterations', '0', 'find TODO in src'],
      '--max-iterations takes a whole number',
    ],
    [
      '--output xml',
      ['run', '--output', 'xml', 'find TODO in src'],
      '--output takes "text" or "stream-json"',
    ],
    ['an unknown task', ['resume', 'no-such-task'], 'No task "no-such-task"'],
  ])('a bad value: %s', async (_label, args, message) => {
    const run = await office(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(await taskIds(ws)).toEqual([]);
  });

  it('prints help and the version with exit 0', async () => {
    const help = await runOffice(['--help'], { cwd: ws.root });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    const version = await runOffice(['--version'], { cwd: ws.root });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('--dir naming a file is a usage error, not an internal error', async () => {
    const file = await ws.write('not-a-dir.txt', 'x\n');
    const run = await runOffice(['run', 'find TODO in src', '--dir', file], { cwd: ws.root });
    expect(run.stderr).not.toContain('internal error');
    expect(run.stderr).toContain(file);
    expect(run.code).toBe(2);
  });
});

describe('a wrong configuration exits 2 and names the field', () => {
  it.each([
    ['a wrong type', { concurrency: 'four' }, 'field "concurrency"'],
    ['an unknown key', { concurency: 4 }, 'unknown field "concurency"'],
    ['a nested wrong value', { retry: { attempts: 99 } }, 'field "retry.attempts"'],
  ])('%s', async (_label, config, named) => {
    await writeConfig(ws, config);
    const run = await office(['run', 'find TODO in src']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(named);
    expect(run.stderr).toContain('.office.config.json');
    expect(await taskIds(ws)).toEqual([]);

    const check = await office(['config', 'validate']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(named);

    // The error sends people to `office config show`: it names the field too, and shows every default.
    const show = await office(['config', 'show']);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain(named);
    expect(JSON.parse(show.stdout)).toMatchObject({ maxIterations: 3, concurrency: expect.any(Number) });
  });

  it('a templates directory that does not exist exits 2, naming it, and leaves no task stuck running', async () => {
    await writeConfig(ws, { templates: ['./my-templates'] });
    const run = await office(['run', 'find TODO in src']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(ws.path('my-templates'));
    const list = await office(['list', '--json']);
    const tasks = (onlyJson(list.stdout).tasks ?? []) as { status: string }[];
    expect(tasks.filter((t) => t.status === 'running')).toEqual([]);
  });

  it('accepts the file that office config init writes', async () => {
    expect((await office(['config', 'init'])).code).toBe(0);
    const check = await office(['config', 'validate']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('is valid');
    expect((await office(['config', 'init'])).code).toBe(2);
  });
});

describe('a write tool without --yes needs approval (exit 3)', () => {
  beforeEach(async () => {
    await installFixtures(ws);
  });

  it('stops before running the step, says how to approve, and finishes after office approve and resume', async () => {
    const run = await office(['run', 'count once']);
    expect(run.code).toBe(3);
    const [id] = await taskIds(ws);
    if (!id) throw new Error('no task stored');
    expect(run.stderr).toContain(`office approve ${id} --all`);
    expect(run.stderr).toContain(`office resume ${id}`);
    expect(
      await access(ws.path('count.log')).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    expect((await readTask(ws, id)).status).toBe('needs_approval');

    const status = await office(['status', id]);
    expect(status.code).toBe(3);

    const approve = await office(['approve', id, '--all']);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('approved once.p1/only count_step writes count.log (write)');

    const resume = await office(['resume', id]);
    expect(resume.code).toBe(0);
    expect(await linesOf(ws, 'count.log')).toEqual(['only']);
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.approvals.some((a) => a.decision === 'allow' && a.by === 'office approve')).toBe(true);
  });

  it('reports needs_approval in the --json object, and runs with --yes', async () => {
    const run = await office(['run', '--json', 'count once']);
    expect(run.code).toBe(3);
    const out = onlyJson(run.stdout) as { status: string; error: { code: string; message: string } };
    expect(out.status).toBe('needs_approval');
    expect(out.error.code).toBe('needs_approval');
    expect(out.error.message).toContain('--all');

    const yes = await office(['run', '--yes', '--json', 'count once']);
    expect(yes.code).toBe(0);
    expect(onlyJson(yes.stdout).status).toBe('succeeded');
    expect(await linesOf(ws, 'count.log')).toEqual(['only']);
  });

  it('refuses to approve a step that is not waiting, naming it', async () => {
    await office(['run', 'count once']);
    const [id] = await taskIds(ws);
    const approve = await office(['approve', String(id), 'nope']);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain('"nope"');
    expect(approve.stderr).toContain('waiting: only');
  });
});
