// Control Room ("Control Room"): pure statistics over stored task documents — outcomes, durations, model usage.
import { UsageError } from '../errors.js';
import { summarizeUsage, type UsageSummary } from '../models/usage.js';
import type { ModelCallRecord } from '../schemas/model-call.js';
import { type TaskDocument, type TaskStatus, taskStatuses } from '../schemas/task.js';

const AGE_UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `7d`, `12h`, `30m` → milliseconds. Throws a UsageError naming the accepted forms. */
export function parseAge(text: string): number {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  const amount = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof AGE_UNITS | undefined;
  if (!unit || !(amount > 0)) {
    throw new UsageError(
      `--since takes an age: a whole number followed by d (days), h (hours) or m (minutes), e.g. 7d, 12h or 30m; not "${text}"`,
    );
  }
  return amount * AGE_UNITS[unit];
}

/** Statuses that end a task for good; running, needs_approval and interrupted tasks can still go on. */
export const finishedStatuses: readonly TaskStatus[] = ['succeeded', 'failed', 'dead_lettered', 'escalated'];

export interface DurationStats {
  /** Finished tasks with a recorded duration. */
  readonly count: number;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
}

export interface TaskStats {
  /** Tasks created at or after this instant were counted; undefined: all tasks. */
  readonly since: Date | undefined;
  readonly tasks: number;
  readonly byStatus: Readonly<Record<TaskStatus, number>>;
  readonly finished: number;
  readonly succeeded: number;
  /** succeeded / finished; undefined when no task has finished. */
  readonly successRate: number | undefined;
  readonly duration: DurationStats;
  /** Model calls of every counted task (fallbacks: requests no model answered). */
  readonly usage: UsageSummary;
}

/** Nearest-rank percentile of ascending `sorted`: the smallest value with at least p% of values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * A task's model calls with request ids made unique across tasks and runs: the router numbers requests per
 * process (m1, m2, ...), so the first request of every task, and of every resumed run, is "m1". A record belongs
 * to the run whose `task_started` event came last before it.
 */
function namespacedCalls(doc: TaskDocument): ModelCallRecord[] {
  const starts = doc.events.filter((e) => e.type === 'task_started').map((e) => e.at);
  return doc.model_calls.map((call, index) => {
    const run = starts.filter((at) => at <= call.at).length;
    return { ...call, request_id: `${doc.task_id}#${run}/${call.request_id ?? `#${index}`}` };
  });
}

export function computeStats(tasks: readonly TaskDocument[], options: { since?: Date } = {}): TaskStats {
  const since = options.since;
  const counted =
    since === undefined
      ? tasks
      : tasks.filter((t) => {
          const created = Date.parse(t.created_at);
          return Number.isFinite(created) && created >= since.getTime();
        });
  const byStatus = Object.fromEntries(taskStatuses.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const t of counted) byStatus[t.status] += 1;
  const finishedTasks = counted.filter((t) => finishedStatuses.includes(t.status));
  const succeeded = byStatus.succeeded;
  const durations = finishedTasks
    .map((t) => t.duration_ms)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  return {
    since,
    tasks: counted.length,
    byStatus,
    finished: finishedTasks.length,
    succeeded,
    successRate: finishedTasks.length === 0 ? undefined : succeeded / finishedTasks.length,
    duration: {
      count: durations.length,
      p50Ms: nearestRank(durations, 50),
      p95Ms: nearestRank(durations, 95),
    },
    usage: summarizeUsage(counted.flatMap(namespacedCalls)),
  };
}
