// After office is killed with SIGKILL: `office list` shows the task it was running as interrupted, and `office gc`
// stores it so, and removes the lock folders and temp files it left — only those whose process is gone.
import { spawnSync } from 'node:child_process';
import { mkdir, stat, utimes } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  startOffice,
  type TempWorkspace,
  taskIds,
  waitFor,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let releaseLive: (() => Promise<void>) | undefined;

beforeEach(async () => {
  ws = await makeWorkspace();
  await installFixtures(ws);
});
afterEach(async () => {
  await releaseLive?.().catch(() => undefined);
  releaseLive = undefined;
  await killStrayOffices();
  await ws.cleanup();
});

/** A task that office was running when it was killed with SIGKILL. */
async function killedMidTask(): Promise<string> {
  const running = startOffice(['run', '--yes', 'count slowly'], { cwd: ws.root });
  await waitFor(async () => (await linesOf(ws, 'count.log')).length >= 1, 'the slow step to start');
  running.child.kill('SIGKILL');
  await running.done;
  const [id = ''] = await taskIds(ws);
  expect((await readTask(ws, id)).status).toBe('running');
  return id;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const pid = spawnSync('true').pid;
  if (pid === undefined) throw new Error('could not start `true`');
  return pid;
}

const exists = (rel: string) =>
  stat(ws.path(rel)).then(
    () => true,
    () => false,
  );

interface GcReport {
  stale: {
    locks: string[];
    temp_files: string[];
    interrupted_tasks: { task_id: string; pid: number | null }[];
  };
}

describe('what a killed office leaves behind', () => {
  it('office list shows the task it was running as interrupted, in text and JSON', async () => {
    const id = await killedMidTask();
    const json = await runOffice(['list', '--json'], { cwd: ws.root });
    expect((onlyJson(json.stdout) as { tasks: { task_id: string; status: string }[] }).tasks).toEqual([
      expect.objectContaining({ task_id: id, status: 'interrupted' }),
    ]);
    const text = await runOffice(['list'], { cwd: ws.root });
    expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('interrupted');
    expect(text.stdout).not.toContain('running');
    const filtered = await runOffice(['list', '--json', '--status', 'interrupted'], { cwd: ws.root });
    expect((onlyJson(filtered.stdout) as { tasks: unknown[] }).tasks).toHaveLength(1);
  });

  it('office gc stores the task as interrupted and removes stale locks and temp files, not live ones', async () => {
    const id = await killedMidTask();
    const gone = deadPid();
    // What a write cut off by SIGKILL leaves: a lock folder nobody refreshes, and a half-written temp file.
    await mkdir(ws.path(`.office/tasks/${id}.json.lock`));
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(ws.path(`.office/tasks/${id}.json.lock`), minuteAgo, minuteAgo);
    await ws.write(`.office/tasks/.${id}.json.${gone}.a1b2c3.tmp`, '{"half": ');
    // What a live process holds: a lock it refreshes, and a temp file it is writing.
    releaseLive = await lockfile.lock(ws.path('.office/audit.jsonl'), { realpath: false });
    await ws.write(`.office/tasks/.other.json.${process.pid}.d4e5f6.tmp`, '{}');

    const dry = await runOffice(['gc', '--dry-run', '--json'], { cwd: ws.root });
    expect(dry.code, dry.stderr).toBe(0);
    const planned = onlyJson(dry.stdout) as unknown as GcReport;
    expect(planned.stale.locks).toEqual([`tasks/${id}.json.lock`]);
    expect(planned.stale.temp_files).toEqual([`tasks/.${id}.json.${gone}.a1b2c3.tmp`]);
    expect(planned.stale.interrupted_tasks.map((t) => t.task_id)).toEqual([id]);
    expect(await exists(`.office/tasks/${id}.json.lock`)).toBe(true);
    expect((await readTask(ws, id)).status).toBe('running');

    const gc = await runOffice(['gc', '--json'], { cwd: ws.root });
    expect(gc.code, gc.stderr).toBe(0);
    const report = onlyJson(gc.stdout) as unknown as GcReport;
    expect(report.stale.locks).toEqual([`tasks/${id}.json.lock`]);
    expect(await exists(`.office/tasks/${id}.json.lock`)).toBe(false);
    expect(await exists(`.office/tasks/.${id}.json.${gone}.a1b2c3.tmp`)).toBe(false);
    expect(await exists(`.office/tasks/${id}.run`)).toBe(false);
    expect(await exists('.office/audit.jsonl.lock')).toBe(true);
    expect(await exists(`.office/tasks/.other.json.${process.pid}.d4e5f6.tmp`)).toBe(true);
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('interrupted');
    expect(doc.error?.message).toContain(`office resume ${id}`);

    const text = await runOffice(['gc'], { cwd: ws.root });
    expect(text.stdout).not.toContain('stale lock');
  });
});
