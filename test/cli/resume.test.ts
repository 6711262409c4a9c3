// Crash and interrupt recovery: `office resume` finishes a killed or interrupted task without re-running finished steps.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  readTask,
  runOffice,
  startOffice,
  type TempWorkspace,
  taskIds,
  waitFor,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await installFixtures(ws);
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const dir = () => ['--dir', ws.root];

/**
 * Starts "count to four" with --yes and waits until s1 has finished and s2 has written its label; s2 is then held
 * mid-run (while the file `hold` exists), so whatever stops office now cuts s2 off. Remove `hold` to let it go.
 */
async function countUntilS2IsHeld() {
  await ws.write('hold', '');
  const running = startOffice(['run', '--yes', 'count to four', ...dir()], { cwd: ws.root });
  await waitFor(
    async () => (await linesOf(ws, 'count.log')).length >= 2 || (running.child.exitCode !== null && 'exited'),
    '2 lines in count.log',
  );
  expect(running.child.exitCode, `office ended early: ${running.stderr()}`).toBeNull();
  const [id] = await taskIds(ws);
  if (!id) throw new Error('no task stored');
  return { running, id };
}

const releaseHold = () => rm(ws.path('hold'), { force: true });

/** Status of each stored step, by step id. */
async function stepStatuses(id: string): Promise<Record<string, string>> {
  const doc = await readTask(ws, id);
  return Object.fromEntries(Object.values(doc.steps).map((s) => [s.step_id, s.status]));
}

function countsOf(lines: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe('office resume', () => {
  it('finishes a task killed with SIGKILL mid-plan: finished steps are not run again, the cut-off one only with a fresh approval', async () => {
    const { running, id } = await countUntilS2IsHeld();
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(await stepStatuses(id)).toEqual({ s1: 'succeeded', s2: 'started' });
    expect((await readTask(ws, id)).status).toBe('running');
    await releaseHold();

    // s2 was cut off mid-run: the task's own --yes from the first run does not run it again.
    const guarded = await runOffice(['resume', id, ...dir()], { cwd: ws.root });
    expect(guarded.code, guarded.stderr).toBe(3);
    expect(guarded.stderr).toContain('step "s2" (write) started in an earlier run and did not finish');
    expect(countsOf(await linesOf(ws, 'count.log'))).toEqual({ s1: 1, s2: 1 });

    const resume = await runOffice(['resume', id, '--yes', ...dir()], { cwd: ws.root });
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(`resuming ${id}`);
    expect(resume.stderr).toContain('s1: count_step reused');
    // s1 ran once; s2 again, after the fresh approval; s3 and s4 for the first time.
    expect(countsOf(await linesOf(ws, 'count.log'))).toEqual({ s1: 1, s2: 2, s3: 1, s4: 1 });
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.result).toEqual({ label: 's4' });
  });

  it('stores an interrupted task on Ctrl-C (exit 130), keeping the result of the step that was finishing', async () => {
    const { running, id } = await countUntilS2IsHeld();
    running.child.kill('SIGINT');
    // s2 finishes after the interrupt: its result still arrives, and office records it before it stops.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await releaseHold();
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('interrupted');

    const interrupted = await readTask(ws, id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error?.message).toContain(`office resume ${id}`);
    expect(await stepStatuses(id)).toEqual({ s1: 'succeeded', s2: 'succeeded' });

    const resume = await runOffice(['resume', id, ...dir()], { cwd: ws.root });
    expect(resume.code, resume.stderr).toBe(0);
    expect(countsOf(await linesOf(ws, 'count.log'))).toEqual({ s1: 1, s2: 1, s3: 1, s4: 1 });
    expect((await readTask(ws, id)).status).toBe('succeeded');
  });

  it('a write step cut off by SIGKILL is not run again on the inherited --yes: it needs a fresh approval', async () => {
    const running = startOffice(['run', '--yes', 'count slowly', ...dir()], { cwd: ws.root });
    await waitFor(async () => (await linesOf(ws, 'count.log')).length >= 1, 'the slow step to start');
    running.child.kill('SIGKILL');
    await running.done;
    const [id = ''] = await taskIds(ws);
    expect(Object.values((await readTask(ws, id)).steps).map((s) => s.status)).toEqual(['started']);

    const guarded = await runOffice(['resume', id, ...dir()], { cwd: ws.root });
    expect(guarded.code, guarded.stderr).toBe(3);
    expect(guarded.stderr).toContain('started in an earlier run and did not finish');
    expect(await linesOf(ws, 'count.log')).toEqual(['slow']);
  });

  it('refuses to resume a task that a live process is running, naming the process', async () => {
    const running = startOffice(['run', '--yes', 'count slowly', ...dir()], { cwd: ws.root });
    await waitFor(async () => (await linesOf(ws, 'count.log')).length >= 1, 'the slow step to start');
    const [id] = await taskIds(ws);
    const resume = await runOffice(['resume', String(id), '--yes', ...dir()], { cwd: ws.root });
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain(`is being run by process ${running.child.pid}`);
    running.child.kill('SIGKILL');
    await running.done;
  });

  it('says a finished task has nothing to resume, and exits 0', async () => {
    const run = await runOffice(['run', '--json', 'list files', ...dir()], { cwd: ws.root });
    const id = String(JSON.parse(run.stdout).task_id);
    const resume = await runOffice(['resume', id, ...dir()], { cwd: ws.root });
    expect(resume.code).toBe(0);
    expect(resume.stderr).toContain('already succeeded');
  });
});
