// Workers on a real queue: `office worker` processes take tasks from BullMQ on a real Redis, keep their state in a
// real PostgreSQL, hand over the tasks of a worker that was killed or stopped, and never re-run a finished step.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from '../../src/cli/commands/run.js';
import { openWorkspace, type Workspace } from '../../src/cli/wiring.js';
import { openTaskQueue } from '../../src/queue/task-queue.js';
import type { TaskDocument } from '../../src/schemas/task.js';
import { client, readEventStream, serveWorkspace } from '../helpers/serve.js';
import { requires } from '../helpers/skip.js';
import {
  freshDatabase,
  type RunningService,
  servicesMissing,
  servicesRequired,
  startPostgres,
  startRedis,
} from '../helpers/services.js';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  type RunningOffice,
  runOffice,
  startOffice,
  type TempWorkspace,
  waitFor,
} from '../helpers/workspace.js';

// .ci/run installs redis-server and postgresql and sets OFFICE_REQUIRE_SERVICES=1: there a missing service fails
// the run instead of these tests being skipped.
it(
  'Redis and PostgreSQL are installed where OFFICE_REQUIRE_SERVICES=1 says they must be',
  requires(
    servicesRequired,
    'OFFICE_REQUIRE_SERVICES is not 1: the queue tests are optional here (.ci/run requires them)',
  ),
  () => {
    expect(servicesMissing).toBeUndefined();
  },
);

interface Tally {
  readonly what: 'start' | 'end';
  readonly task: string;
  readonly step: string;
  readonly pid: number;
  readonly at: number;
}

/** Short leases and locks, so that a killed worker's task is handed on within seconds. */
const WORKER_SETTINGS = {
  leaseMs: 2_000,
  lockMs: 2_000,
  stalledIntervalMs: 1_000,
  backoffMs: 200,
  maxBackoffMs: 1_000,
  queueName: 'office-test',
};

describe(
  'office worker on Redis and PostgreSQL',
  requires(servicesMissing === undefined, servicesMissing ?? ''),
  () => {
    let redis: RunningService;
    let postgres: RunningService;

    beforeAll(async () => {
      [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    });
    afterAll(async () => {
      await killStrayOffices();
      await Promise.all([redis?.stop(), postgres?.stop()]);
    });

    /** A workspace with the fixture plugins and templates, its state in a fresh database, its own queue name. */
    async function setUp(name: string): Promise<{ ws: TempWorkspace; env: Record<string, string> }> {
      const ws = await makeWorkspace(`office-${name}-`);
      await installFixtures(ws, { worker: { ...WORKER_SETTINGS, queueName: `office-${name}` } });
      const store = await freshDatabase(postgres.url, name.replace(/-/g, '_'));
      return { ws, env: { OFFICE_STORE: store, OFFICE_QUEUE: redis.url } };
    }

    function startWorker(ws: TempWorkspace, env: Record<string, string>, concurrency: number): RunningOffice {
      return startOffice(['worker', '--concurrency', String(concurrency)], {
        cwd: ws.root,
        env,
        timeoutMs: 110_000,
      });
    }

    async function tallies(ws: TempWorkspace): Promise<Tally[]> {
      const text = await readFile(ws.path('tally.log'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Tally);
    }

    it('office run --queue submits a task, a worker runs it, and run prints its outcome', async () => {
      const { ws, env } = await setUp('submit');
      const worker = startWorker(ws, env, 1);
      try {
        const run = await runOffice(['run', '--queue', '--json', 'tally one'], {
          cwd: ws.root,
          env,
          timeoutMs: 60_000,
        });
        expect(run.code, run.stderr).toBe(0);
        const out = onlyJson(run.stdout);
        expect(out.status).toBe('succeeded');
        const steps = (await tallies(ws)).filter((t) => t.what === 'start');
        expect(steps.map((t) => t.step)).toEqual(['t1', 't2', 't3']);
        expect(new Set(steps.map((t) => t.pid))).toEqual(new Set([worker.child.pid]));
        // Nothing of the task is in files: the state is in PostgreSQL.
        const list = await runOffice(['list', '--json'], { cwd: ws.root, env });
        expect(list.stdout).toContain(String(out.task_id));
        const noFiles = await runOffice(['list', '--json', '--store', 'files'], { cwd: ws.root, env });
        expect(noFiles.stdout).not.toContain(String(out.task_id));
      } finally {
        worker.child.kill('SIGTERM');
        await worker.done;
        await ws.cleanup();
      }
    });

    it('a side-effecting step cut off by a killed worker waits for approval on the next one, freeing it; approving re-queues the task', async () => {
      const { ws, env } = await setUp('approve');
      await ws.write('hold', 'while this file exists, step s2 keeps working\n');
      const first = startWorker(ws, env, 1);
      let second: RunningOffice | undefined;
      try {
        const submit = await runOffice(['run', '--queue', '--no-wait', '--yes', 'count to four'], {
          cwd: ws.root,
          env,
        });
        expect(submit.code, submit.stderr).toBe(0);
        const taskId = submit.stdout.trim();
        await waitFor(
          async () => (await linesOf(ws, 'count.log')).includes('s2'),
          'step s2 to start',
          30_000,
        );
        first.child.kill('SIGKILL');
        await first.done;
        await ws.write('count.log', '');
        await rm(ws.path('hold'));

        second = startWorker(ws, env, 1);
        const status = async () =>
          onlyJson((await runOffice(['status', taskId, '--json'], { cwd: ws.root, env })).stdout);
        await waitFor(
          async () => (await status()).status === 'needs_approval',
          'the task to wait for approval',
          40_000,
        );
        // Nothing ran again without a person's word, and the worker is free: it takes the next task meanwhile.
        expect(await linesOf(ws, 'count.log')).toEqual([]);
        const other = await runOffice(['run', '--queue', '--json', 'tally other'], {
          cwd: ws.root,
          env,
          timeoutMs: 30_000,
        });
        expect(onlyJson(other.stdout).status).toBe('succeeded');

        const approve = await runOffice(['approve', taskId, 's2'], { cwd: ws.root, env });
        expect(approve.code, approve.stderr).toBe(0);
        expect(approve.stderr).toContain('queued again');
        await waitFor(
          async () => (await status()).status === 'succeeded',
          'the approved task to succeed',
          40_000,
        );
        // s1 finished before the kill and never ran again; s2 ran again once approved; s3 and s4 ran once.
        expect(await linesOf(ws, 'count.log')).toEqual(['s2', 's3', 's4']);
      } finally {
        second?.child.kill('SIGTERM');
        await second?.done;
        await ws.cleanup();
      }
    });

    it('office serve queues submissions for the workers: an Idempotency-Key replay runs nothing twice, events stream, an HTTP approval re-queues', async () => {
      const { ws, env } = await setUp('serve');
      const worker = startWorker(ws, env, 1);
      const served = await serveWorkspace(ws.root, {
        store: env.OFFICE_STORE as string,
        queue: env.OFFICE_QUEUE as string,
      });
      try {
        const api = client(served.url);
        const key = { 'idempotency-key': 'tally-serve-1' };
        const first = await api.post('/v1/tasks', { request: 'tally served', options: { priority: 5 } }, key);
        expect(first.status, JSON.stringify(first.body)).toBe(202);
        const again = await api.post('/v1/tasks', { request: 'tally served', options: { priority: 5 } }, key);
        expect(again.body).toMatchObject({ task_id: first.body.task_id, replayed: true });
        const events = await readEventStream(`${served.url}/v1/tasks/${first.body.task_id}/events`);
        expect(events.status).toBe(200);
        expect(events.events.map((e) => e.event)).toContain('task_finished');
        const done = await api.until(
          first.body.task_id,
          (v) => v.progress.state === 'finished',
          'the served task to finish',
        );
        expect(done.status).toBe('succeeded');
        // Run once, by the worker, not by the server.
        const starts = (await tallies(ws)).filter((t) => t.what === 'start' && t.task === first.body.task_id);
        expect(starts.map((t) => t.pid)).toEqual([worker.child.pid, worker.child.pid, worker.child.pid]);

        const write = await api.post('/v1/tasks', { request: 'count once' });
        const waiting = await api.until(
          write.body.task_id,
          (v) => v.progress.state === 'waiting',
          'the write to wait',
        );
        expect(waiting.needs_approval.map((p: { step_id: string }) => p.step_id)).toEqual(['only']);
        const approved = await api.post(`/v1/tasks/${write.body.task_id}/approvals`, {
          decision: 'approve',
          steps: ['only'],
        });
        expect(approved.body.resumed).toBe(true);
        const finished = await api.until(
          write.body.task_id,
          (v) => v.progress.state === 'finished',
          'the approved write',
        );
        expect(finished.status).toBe('succeeded');
        expect(await linesOf(ws, 'count.log')).toEqual(['only']);
      } finally {
        await served.server.close();
        await served.workspace.close();
        worker.child.kill('SIGTERM');
        await worker.done;
        await ws.cleanup();
      }
    });

    it("office serve cancels a task still waiting on the workers' queue: taken off the queue, stored as cancelled", async () => {
      const { ws, env } = await setUp('cancel-queued');
      // No worker runs: what is submitted waits on the queue.
      const served = await serveWorkspace(ws.root, {
        store: env.OFFICE_STORE as string,
        queue: env.OFFICE_QUEUE as string,
      });
      const queue = openTaskQueue(redis.url, {
        ...(await configOf(ws)),
        ...WORKER_SETTINGS,
        queueName: 'office-cancel-queued',
      });
      try {
        const api = client(served.url);
        const submitted = await api.post('/v1/tasks', { request: 'tally waiting' });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
        const id = submitted.body.task_id as string;
        for (let i = 0; i < 200 && (await queue.state(id)).state !== 'queued'; i++)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await queue.state(id)).state).toBe('queued');
        const cancelled = await api.post(`/v1/tasks/${id}/cancel`);
        expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
        expect(cancelled.body.was).toBe('queued');
        expect((await queue.state(id)).state).toBe('none');
        const view = (await api.get(`/v1/tasks/${id}`)).body;
        expect(view.status).toBe('failed');
        expect(view.error.code).toBe('cancelled');
        expect(view.progress.state).toBe('finished');
        // A second cancel finds it finished.
        expect((await api.post(`/v1/tasks/${id}/cancel`)).status).toBe(409);
        // Nothing of it ever ran.
        expect((await tallies(ws)).filter((t) => t.task === id)).toEqual([]);
      } finally {
        await queue.close();
        await served.server.close();
        await served.workspace.close();
        await ws.cleanup();
      }
    });

    it('three workers, one killed and one stopped mid-run: all 60 tasks succeed, no finished step runs twice, ' +
      'higher priorities start first, and the audit chain verifies', async () => {
      const { ws, env } = await setUp('sixty');
      // Submitted before any worker runs, so the queue is deep when they start: 20 tasks at each of three priorities,
      // interleaved.
      const levels = [1, 50, 200] as const;
      const priorityOf = new Map<string, number>();
      let workspace: Workspace | undefined;
      const queue = openTaskQueue(redis.url, {
        ...(await configOf(ws)),
        ...WORKER_SETTINGS,
        queueName: 'office-sixty',
      });
      try {
        workspace = await openWorkspace(ws.root, { store: env.OFFICE_STORE as string });
        for (let i = 0; i < 60; i++) {
          const priority = levels[i % 3] as number;
          const taskId = await createTask(
            workspace,
            `tally task-${i}`,
            { yes: false, offline: true },
            { priority },
          );
          priorityOf.set(taskId, priority);
          expect(await queue.enqueue(taskId, priority)).toBe(true);
        }
        // Queued again while queued: job id = task id, so nothing is added.
        expect(await queue.enqueue([...priorityOf.keys()][0] as string, 1)).toBe(false);
      } finally {
        await queue.close();
      }
      const store = workspace.store;
      const succeeded = async () => (await store.list()).tasks.filter((t) => t.status === 'succeeded').length;

      const [killed, stopped, survivor] = [
        startWorker(ws, env, 2),
        startWorker(ws, env, 2),
        startWorker(ws, env, 2),
      ];
      try {
        // SIGKILL while the first worker is inside a step (a start with no end, by its pid).
        await waitFor(async () => (await succeeded()) >= 6, 'six tasks to succeed', 60_000);
        await waitFor(
          async () => {
            const lines = await tallies(ws);
            const open = lines.filter(
              (s) =>
                s.what === 'start' &&
                s.pid === killed.child.pid &&
                !lines.some(
                  (e) => e.what === 'end' && e.task === s.task && e.step === s.step && e.pid === s.pid,
                ),
            );
            return open.length > 0;
          },
          'the first worker to be inside a step',
          30_000,
        );
        killed.child.kill('SIGKILL');
        await killed.done;
        // SIGTERM to the second once more tasks are done: it stops its tasks at a checkpoint and hands them back.
        const atKill = await succeeded();
        await waitFor(async () => (await succeeded()) >= atKill + 6, 'six more tasks to succeed', 60_000);
        stopped.child.kill('SIGTERM');
        const stoppedResult = await stopped.done;
        expect(stoppedResult.code, stoppedResult.stderr).toBe(0);

        await waitFor(async () => (await succeeded()) === 60, 'all 60 tasks to succeed', 90_000);
      } finally {
        survivor.child.kill('SIGTERM');
        await survivor.done;
      }

      const { tasks } = await store.list();
      expect(tasks).toHaveLength(60);
      expect(tasks.filter((t) => t.status !== 'succeeded').map((t) => `${t.task_id} ${t.status}`)).toEqual(
        [],
      );

      // No step ran again after its result was stored; steps ran twice only where a worker was cut off inside them.
      const lines = await tallies(ws);
      const starts = lines.filter((l) => l.what === 'start');
      let rerunInFlight = 0;
      for (const doc of tasks) {
        for (const result of Object.values(doc.steps)) {
          expect(result.status).toBe('succeeded');
          const finished = Date.parse(result.finished_at as string);
          const runs = starts.filter((s) => s.task === doc.task_id && s.step === result.step_id);
          expect(runs.length, `${doc.task_id} ${result.step_id}`).toBeGreaterThanOrEqual(1);
          for (const run of runs)
            expect(run.at, `${doc.task_id} ${result.step_id} ran after it finished`).toBeLessThanOrEqual(
              finished,
            );
          if (runs.length > 1) rerunInFlight += runs.length - 1;
        }
        expect(Object.keys(doc.steps)).toHaveLength(3);
      }
      // At most the steps in flight on the two workers cut off (two tasks each).
      expect(rerunInFlight).toBeLessThanOrEqual(4);
      // The killed worker's task was finished by another, resumed from its checkpoint.
      const byKilled = new Set(starts.filter((s) => s.pid === killed.child.pid).map((s) => s.task));
      const handedOver = tasks.filter(
        (t) =>
          byKilled.has(t.task_id) && starts.some((s) => s.task === t.task_id && s.pid !== killed.child.pid),
      );
      expect(handedOver.length).toBeGreaterThanOrEqual(1);
      for (const t of handedOver) {
        expect(
          t.events.some((e) => e.type === 'task_started' && (e as { resumed?: boolean }).resumed === true),
        ).toBe(true);
      }

      // While the queue was deep, every priority-1 task started before any priority-200 task did.
      const firstStart = (doc: TaskDocument) =>
        Date.parse(doc.events.find((e) => e.type === 'task_started')?.at ?? '');
      const startsOf = (p: number) => tasks.filter((t) => priorityOf.get(t.task_id) === p).map(firstStart);
      expect(Math.max(...startsOf(1))).toBeLessThan(Math.min(...startsOf(200)));

      const verify = await runOffice(['audit', 'verify', '--json'], { cwd: ws.root, env });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      const verdict = onlyJson(verify.stdout);
      expect(verdict.ok).toBe(true);
      // Every step run is in the trail: an approval and a tool run per step at least.
      expect(verdict.entries as number).toBeGreaterThanOrEqual(60 * 3 * 2);

      await workspace.close();
      await ws.cleanup();
    }, 150_000);
  },
);

async function configOf(ws: TempWorkspace) {
  const { workerConfigSchema } = await import('../../src/schemas/backends.js');
  return workerConfigSchema.parse(JSON.parse(await ws.read('.office.config.json')).worker);
}
