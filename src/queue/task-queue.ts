// The Office Manager's in-tray on Redis ("Office Manager"): a BullMQ queue of task ids, one job per task (job id =
// task id), ordered by priority; `office serve`, `office run --queue` and approvals put tasks in, `office worker`s
// take them out.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerConfig } from '../schemas/backends.js';

export interface TaskJob {
  readonly taskId: string;
}

/** Where a task's job stands: waiting (or delayed for a retry), being run, or ended (or never queued). */
export type JobState = 'queued' | 'active' | 'completed' | 'failed' | 'none';

export interface TaskQueue {
  readonly name: string;
  /**
   * Queues the task unless a job for it is queued or running already; a job for it that ended (completed, or failed
   * for good) is replaced. Returns whether a job was added.
   */
  enqueue(taskId: string, priority: number): Promise<boolean>;
  state(taskId: string): Promise<{ state: JobState; failedReason?: string }>;
  /** Takes the task's job off the queue if no worker has started it; true when it was taken off. */
  withdraw(taskId: string): Promise<boolean>;
  /** Jobs waiting (counting delayed retries) and running, for a status line. */
  counts(): Promise<{ waiting: number; active: number }>;
  close(): Promise<void>;
}

/** The URL with its password hidden, for messages. */
export function safeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

/**
 * A Redis connection as BullMQ wants it: a worker's blocking commands must not give up (maxRetriesPerRequest
 * null); ioredis reconnects by itself after an outage.
 */
export function redisConnection(url: string): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  // Connection errors are retried by ioredis; reported through the commands that fail, not as crashes.
  connection.on('error', () => undefined);
  return connection;
}

/** Job options: retries with backoff are for infrastructure failures; the worker decides what counts as one. */
export function jobOptions(taskId: string, priority: number, worker: WorkerConfig) {
  return {
    jobId: taskId,
    priority,
    attempts: worker.attempts,
    backoff: { type: 'office', delay: worker.backoffMs },
    removeOnComplete: true,
    // Kept for a day so that `office run --queue` can say why; a later enqueue replaces it.
    removeOnFail: { age: 86_400 },
  } as const;
}

export function openTaskQueue(url: string, worker: WorkerConfig): TaskQueue {
  const connection = redisConnection(url);
  const queue = new Queue<TaskJob>(worker.queueName, { connection });
  queue.on('error', () => undefined);
  return {
    name: worker.queueName,
    async enqueue(taskId, priority) {
      const existing = await queue.getJob(taskId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
        await existing.remove().catch(() => undefined);
      }
      const added = await queue.add('task', { taskId }, jobOptions(taskId, priority, worker));
      // BullMQ returns the job already there when the id is taken (a concurrent enqueue won): nothing was added.
      return added.timestamp !== existing?.timestamp;
    },
    async state(taskId) {
      const job = await queue.getJob(taskId);
      if (!job) return { state: 'none' };
      const state = await job.getState();
      if (state === 'active') return { state: 'active' };
      if (state === 'completed') return { state: 'completed' };
      if (state === 'failed') return { state: 'failed', failedReason: job.failedReason };
      if (state === 'unknown') return { state: 'none' };
      return { state: 'queued' };
    },
    async withdraw(taskId) {
      const job = await queue.getJob(taskId);
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return false;
      // A worker may take it between the two calls: then remove() fails (the job is locked) and it runs.
      return job.remove().then(
        () => true,
        () => false,
      );
    },
    async counts() {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), active: c.active ?? 0 };
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
