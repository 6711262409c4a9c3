// `office serve` as a real child process: SIGTERM in the middle of a task checkpoints it and the next start finishes
// it without running a finished step again; with no configuration it listens on 127.0.0.1 only and refuses another
// address without a token.
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../helpers/serve.js';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  readTask,
  runOffice,
  startOffice,
  type TempWorkspace,
  waitFor,
} from '../helpers/workspace.js';

let ws: TempWorkspace | undefined;
afterEach(async () => {
  await killStrayOffices();
  await ws?.cleanup();
  ws = undefined;
});

/** Starts `office serve --port 0` and waits for the line saying where it listens. */
async function serve(root: string, extra: string[] = []) {
  const running = startOffice(['serve', '--port', '0', '--dir', root, ...extra], {
    cwd: root,
    timeoutMs: 120_000,
  });
  const url = await waitFor(
    () =>
      /at (http:\/\/127\.0\.0\.1:\d+)/.exec(running.stderr())?.[1] ??
      (running.child.exitCode !== null && 'exited'),
    'office serve to listen',
  );
  if (url === 'exited') throw new Error(`office serve exited: ${running.stderr()}`);
  return { running, url };
}

describe('office serve, the process', () => {
  it('SIGTERM mid-task saves it as interrupted; the next start resumes it and no finished step runs twice', async () => {
    ws = await makeWorkspace('office-serve-');
    await installFixtures(ws, { approval: { rules: [{ tool: 'count_step', decision: 'allow' }] } });
    await ws.write('hold', '');
    const first = await serve(ws.root);
    const api = client(first.url);
    const { body } = await api.post('/v1/tasks', { request: 'count to four' }, { 'idempotency-key': 'once' });
    const taskId: string = body.task_id;
    await waitFor(async () => (await linesOf(ws!, 'count.log')).length >= 2, 's2 to start');

    first.running.child.kill('SIGTERM');
    const stopped = await first.running.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('SIGTERM: taking no new tasks');
    const saved = await readTask(ws, taskId);
    expect(saved.status).toBe('interrupted');
    expect(Object.values(saved.steps).map((s) => [s.step_id, s.status])).toEqual([
      ['s1', 'succeeded'],
      ['s2', 'succeeded'],
    ]);
    await rm(ws.path('hold'), { force: true });

    const second = await serve(ws.root);
    expect(second.running.stderr()).toContain(`resuming 1 unfinished task(s): ${taskId}`);
    const again = client(second.url);
    const done = await again.until(
      taskId,
      (v) => v.progress.state === 'finished',
      'the resumed task to finish',
    );
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ label: 's4' });
    expect(await linesOf(ws, 'count.log')).toEqual(['s1', 's2', 's3', 's4']);
    // The idempotency key survives the restart: the same submission is the same task.
    const replay = await again.post('/v1/tasks', { request: 'count to four' }, { 'idempotency-key': 'once' });
    expect(replay.body).toMatchObject({ task_id: taskId, replayed: true });

    second.running.child.kill('SIGTERM');
    expect((await second.running.done).code).toBe(0);
  });

  it('with no configuration listens on 127.0.0.1 only, and refuses another address without a token', async () => {
    ws = await makeWorkspace('office-serve-');
    const { running, url } = await serve(ws.root);
    expect(running.stderr()).toContain('no token: loopback only');
    expect((await client(url).get('/readyz')).status).toBe(200);
    running.child.kill('SIGTERM');
    expect((await running.done).code).toBe(0);

    const refused = await runOffice(['serve', '--host', '0.0.0.0', '--port', '0', '--dir', ws.root], {
      cwd: ws.root,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('will not listen on 0.0.0.0 without a token');
  });
});
