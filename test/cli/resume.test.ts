// Crash and interrupt recovery: `office resume` finishes a killed or interrupted task without re-running finished steps.
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

const LABELS = ['s1', 's2', 's3', 's4'];

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

/** Starts "count to four" with --yes and waits until `lines` steps have written their label. */
async function countUntil(lines: number) {
  const running = startOffice(['run', '--yes', 'count to four', ...dir()], { cwd: ws.root });
  await waitFor(
    async () =>
      (await linesOf(ws, 'count.log')).length >= lines || (running.child.exitCode !== null && 'exited'),
    `${lines} lines in count.log`,
  );
  expect(running.child.exitCode, `office ended early: ${running.stderr()}`).toBeNull();
  const [id] = await taskIds(ws);
  if (!id) throw new Error('no task stored');
  return { running, id };
}

/** Step ids stored as succeeded. */
async function finishedSteps(id: string): Promise<string[]> {
  const doc = await readTask(ws, id);
  return Object.values(doc.steps)
    .filter((s) => s.status === 'succeeded')
    .map((s) => s.step_id);
}

function countsOf(lines: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe('office resume', () => {
  it('finishes a task killed with SIGKILL mid-plan without re-running a finished step', async () => {
    const { running, id } = await countUntil(2);
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');

    const finished = await finishedSteps(id);
    expect(finished).toContain('s1');
    expect((await readTask(ws, id)).status).toBe('running');

    const resume = await runOffice(['resume', id, '--yes', ...dir()], { cwd: ws.root });
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(`resuming ${id}`);
    for (const step of finished) expect(resume.stderr).toContain(`${step}: count_step reused`);

    const counts = countsOf(await linesOf(ws, 'count.log'));
    for (const step of finished) expect(counts[step], `${step} ran again`).toBe(1);
    for (const label of LABELS) expect(counts[label], `${label} never ran`).toBeGreaterThanOrEqual(1);
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.result).toEqual({ label: 's4' });
  });

  it('stores an interrupted task on Ctrl-C (exit 130), keeping the result of the step that was finishing', async () => {
    const { running, id } = await countUntil(2);
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('interrupted');

    const interrupted = await readTask(ws, id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error?.message).toContain(`office resume ${id}`);
    // The step running at Ctrl-C (the last label written) handed over its result before office stopped: it is
    // stored as succeeded, not as a step cut off half-way.
    const written = await linesOf(ws, 'count.log');
    const finished = await finishedSteps(id);
    expect(finished).toEqual(written);
    expect(Object.values(interrupted.steps).filter((s) => s.status === 'started')).toEqual([]);

    const resume = await runOffice(['resume', id, ...dir()], { cwd: ws.root });
    expect(resume.code, resume.stderr).toBe(0);
    const counts = countsOf(await linesOf(ws, 'count.log'));
    for (const step of finished) expect(counts[step], `${step} ran again`).toBe(1);
    for (const label of LABELS) expect(counts[label]).toBe(1);
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
