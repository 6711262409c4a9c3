// Where a workspace keeps its state and its queue ("Archives", "Office Manager"'s in-tray): local files by default,
// PostgreSQL and BullMQ on Redis when a team runs several `office worker` processes.
import { z } from 'zod';

export const storeUrlSchema = z
  .string()
  .regex(/^(files|postgres(ql)?:\/\/.+)$/, '"files" or a postgres://user:password@host:port/database URL');

export const queueUrlSchema = z.string().regex(/^rediss?:\/\/.+/, 'a redis://host:port URL');

export const workerConfigSchema = z.strictObject({
  /** Tasks one `office worker` runs at once (--concurrency overrides). */
  concurrency: z.int().min(1).max(64).default(1),
  /** How long a task's lease in the store lasts without a heartbeat (renewed every third of it). */
  leaseMs: z.int().min(500).max(600_000).default(30_000),
  /** BullMQ's job lock: a job whose worker stops renewing it for this long is stalled and handed to another. */
  lockMs: z.int().min(500).max(600_000).default(30_000),
  /** How often each worker looks for stalled jobs. */
  stalledIntervalMs: z.int().min(200).max(600_000).default(15_000),
  /** Runs of one job when infrastructure fails (a lost database, a lease held by a dead worker, a shutdown). */
  attempts: z.int().min(1).max(100).default(12),
  /** Backoff between those runs: doubling from this, capped at maxBackoffMs. */
  backoffMs: z.int().min(0).default(1_000),
  maxBackoffMs: z.int().min(0).default(30_000),
  /** The BullMQ queue name (one per workspace sharing a Redis). */
  queueName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('office-tasks'),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** A task's queue priority: 1 runs first, 1000 last (BullMQ's order: a lower number is served earlier). */
export const prioritySchema = z.int().min(1).max(1_000);
export const DEFAULT_PRIORITY = 100;
