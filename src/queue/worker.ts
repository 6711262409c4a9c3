// `office worker`'s engine ("Office Manager" on many machines): takes task jobs from the BullMQ queue and runs each
// through the same loop as `office run` — same checkpoints, approvals and rerun guard — holding the task's lease in
// the store while it runs. What is retried, and what is not, is decided here.
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { ApprovalMode } from '../cli/safety.js';
import type { Workspace } from '../cli/wiring.js';
import { BackendUnavailable, TaskBusy, TaskNotFound } from '../errors.js';
import { runTask } from '../office/orchestrate.js';
import type { Reporter } from '../office/ports.js';
import type { TaskDocument } from '../schemas/task.js';
import { openServerLoop } from '../server/loop.js';
import type { SandboxMode } from '../tools/sandbox.js';
import { redisConnection, type TaskJob } from './task-queue.js';

export interface QueueWorkerOptions {
  readonly ws: Workspace;
  readonly queueUrl: string;
  readonly concurrency: number;
  readonly offline: boolean;
  readonly approvalMode?: ApprovalMode;
  readonly sandboxMode?: SandboxMode;
  readonly log: (line: string) => void;
  /** Loop events of every task this worker runs (the worker's own log; the task documents keep them too). */
  readonly reporter?: Reporter;
}

export interface QueueWorker {
  /** Lease lost on a task (another worker took it over): stop running it here. */
  leaseLost(taskId: string): void;
  /**
   * SIGTERM: take no new job, interrupt the running tasks (each stores its state as interrupted) and hand their jobs
   * back to the queue at once, then wait for them.
   */
  close(): Promise<void>;
}

/** Stored statuses a job has work to do for: the rest are outcomes, and a job for them ends at once. */
export function hasWorkLeft(doc: TaskDocument): boolean {
  if (doc.status === 'running' || doc.status === 'interrupted' || doc.status === 'needs_approval')
    return true;
  // A run that failed because the store went away is an infrastructure failure, not the task's outcome.
  return doc.status === 'failed' && doc.error?.code === 'backend_unavailable';
}

/** Errors worth another attempt (with backoff): the store or queue unreachable, a lease still held. */
export function isInfrastructureFailure(err: unknown): boolean {
  return err instanceof BackendUnavailable || err instanceof TaskBusy;
}

/** Backoff between attempts: doubling from `base`, capped, with up to a quarter of jitter. */
export function backoffMs(attemptsMade: number, base: number, cap: number, random = Math.random): number {
  const raw = Math.min(cap, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(raw * (0.75 + random() * 0.25));
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const settings = o.ws.config.worker;
  const loop = await openServerLoop(o.ws, {
    offline: o.offline,
    onWarning: (m) => o.log(`warning: ${m}`),
    ...(o.approvalMode ? { approvalMode: o.approvalMode } : {}),
    ...(o.sandboxMode ? { sandboxMode: o.sandboxMode } : {}),
  });
  const running = new Map<string, AbortController>();
  let stopping = false;
  const reporter: Reporter = o.reporter ?? { emit: () => {} };

  async function processJob(job: Job<TaskJob>, token?: string): Promise<{ status: string }> {
    const taskId = job.data.taskId;
    let before: TaskDocument;
    try {
      before = await o.ws.store.read(taskId);
    } catch (err) {
      if (err instanceof TaskNotFound) throw new UnrecoverableError(`task ${taskId} is not in the store`);
      throw err;
    }
    if (!hasWorkLeft(before)) return { status: before.status };
    const controller = new AbortController();
    running.set(taskId, controller);
    o.log(
      `task ${taskId}: ${before.events.length > 0 ? 'resuming' : 'starting'} (attempt ${job.attemptsMade + 1})`,
    );
    try {
      const deps = await loop.depsFor({
        reporter,
        signal: controller.signal,
        offline: before.options.offline,
      });
      try {
        await runTask(deps, taskId, {
          yes: before.options.yes,
          yesGivenNow: false,
          offline: before.options.offline,
          ...(before.options.maxIterations ? { maxIterations: before.options.maxIterations } : {}),
          resumed: before.events.length > 0,
        });
      } catch (err) {
        if (isInfrastructureFailure(err)) throw err;
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      }
      const after = await o.ws.store.read(taskId);
      if (after.status === 'interrupted' && stopping && token) {
        // Handed back at once, without spending an attempt: another worker resumes it from its checkpoint.
        o.log(`task ${taskId}: interrupted at a checkpoint; handed back to the queue`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (after.status === 'interrupted')
        throw new Error(`task ${taskId} was interrupted (${after.error?.message ?? 'its lease was lost'})`);
      if (!hasWorkLeft(after) || after.status === 'needs_approval') {
        o.log(`task ${taskId}: ${after.status}`);
        return { status: after.status };
      }
      throw new BackendUnavailable(after.error?.message ?? `task ${taskId} ended ${after.status}`);
    } finally {
      running.delete(taskId);
    }
  }

  // BullMQ does not close a connection it was handed: closed below, after the worker.
  const connection = redisConnection(o.queueUrl);
  const worker = new Worker<TaskJob>(settings.queueName, (job, token) => processJob(job, token), {
    connection,
    concurrency: o.concurrency,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
    // A job whose worker died is handed on; a job that keeps killing workers ends failed after this many.
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade: number) =>
        backoffMs(attemptsMade, settings.backoffMs, settings.maxBackoffMs),
    },
  });
  worker.on('error', (err) => o.log(`queue: ${err.message}`));
  worker.on('failed', (job, err) => {
    if (job && !(err instanceof DelayedError))
      o.log(`task ${job.data.taskId}: attempt ${job.attemptsMade} failed: ${err.message}`);
  });
  worker.on('stalled', (jobId) => o.log(`task ${jobId}: its worker stopped answering; handed to another`));
  await worker.waitUntilReady();

  return {
    leaseLost(taskId) {
      running.get(taskId)?.abort('lease lost');
    },
    async close() {
      stopping = true;
      const closing = worker.close();
      for (const controller of running.values()) controller.abort('shutdown');
      await closing;
      connection.disconnect();
      await loop.close();
    },
  };
}
