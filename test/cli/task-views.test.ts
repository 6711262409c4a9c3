// What people see of tasks and requests: a --status filter that matches nothing says so (not "no tasks yet"); a
// task whose process was killed is `interrupted` in text and JSON alike, with the reason; a 100 KB request is
// searched as literal text and echoed by its start only.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  taskDocument,
  writeTask,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function runningTask(id: string, pid: number): Promise<void> {
  await writeTask(ws, taskDocument({ task_id: id, status: 'running', request: `find ${id} in .` }));
  await ws.write(
    `.office/tasks/${id}.run`,
    JSON.stringify({ pid, host: hostname(), at: new Date().toISOString() }),
  );
}

describe('office list --status', () => {
  it('says no task has that status, not that there are no tasks', async () => {
    await writeTask(ws, taskDocument({ task_id: '20261124-120000-aaaaaa', status: 'succeeded' }));
    const run = await office(['list', '--status', 'failed']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no failed tasks (1 task in all');
    expect(run.stderr).not.toContain('no tasks yet');
  });
});

describe('a task whose process was killed', () => {
  const killed = '20261124-120000-dead01';
  const live = '20261124-120001-live01';
  beforeEach(async () => {
    await runningTask(killed, deadPid());
    await runningTask(live, process.pid);
  });

  it('is interrupted in list, text and JSON alike, while a live one is running', async () => {
    const text = await office(['list']);
    expect(text.stdout).toMatch(new RegExp(`${killed}\\s+interrupted`));
    expect(text.stdout).toMatch(new RegExp(`${live}\\s+running`));
    const json = onlyJson((await office(['list', '--json'])).stdout) as {
      tasks: { task_id: string; status: string }[];
    };
    expect(Object.fromEntries(json.tasks.map((t) => [t.task_id, t.status]))).toEqual({
      [killed]: 'interrupted',
      [live]: 'running',
    });
    const filtered = await office(['list', '--status', 'interrupted']);
    expect(filtered.stdout).toContain(killed);
    expect(filtered.stdout).not.toContain(live);
  });

  it('says why in office status, text and JSON, and exits as interrupted', async () => {
    const text = await office(['status', killed]);
    expect(text.stdout).toContain(`${killed}: interrupted`);
    expect(text.stdout).toContain(`office resume ${killed}`);
    expect(text.code).toBe(130);
    const json = await office(['status', killed, '--json']);
    const out = onlyJson(json.stdout) as { status: string; error: { code: string; message: string } | null };
    expect(out.status).toBe('failed');
    expect(out.error?.code).toBe('interrupted');
    expect(out.error?.message).toContain('process running this task is gone');
  });
});

describe('a 100 KB request', () => {
  const long = 'a'.repeat(100_000);
  it('is searched as literal text, never a "too large" regular expression error', async () => {
    await ws.write('src/long.txt', `short\n${long}\n`);
    const run = await office(['run', '--offline', '--json', `find ${long} in src`]);
    expect(run.code, run.stderr.slice(0, 2000)).toBe(0);
    const out = onlyJson(run.stdout) as { result: { total_matches: number; matches: { line: number }[] } };
    expect(out.result.total_matches).toBe(1);
    expect(out.result.matches[0]?.line).toBe(2);
  });

  it('is echoed by its start, not in full', async () => {
    await ws.write('src/other.txt', 'nothing here\n');
    const run = await office(['run', '--offline', `find ${long} in src`]);
    expect(run.code).toBe(0);
    expect(run.stderr.length + run.stdout.length).toBeLessThan(5_000);
    expect(run.stderr).toMatch(/… \(99\d{3} more characters\)/);
  });
});
