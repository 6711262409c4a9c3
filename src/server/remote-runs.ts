// Receptionist's view of the workers ("Receptionist" with `office worker`s behind it): with a queue configured, the
// desk queues tasks on BullMQ instead of running them, and this watcher follows each one through the store —
// handing its stored events to live event streams, and telling the desk when its run has ended.
import type { TaskQueue } from '../queue/task-queue.js';
import { priorityOf } from '../queue/submit.js';
import type { TaskDocument } from '../schemas/task.js';
import type { TaskStore } from '../store/task-store.js';
import type { EventHub } from './event-hub.js';

export type RemoteState = 'queued' | 'running';

export interface RemoteRunsOptions {
  readonly queue: TaskQueue;
  readonly store: TaskStore;
  readonly hub: EventHub;
  /** A watched task's job has ended (the task's outcome, or a wait for approval, is stored). */
  readonly onEnded: (doc: TaskDocument) => void;
  readonly onWarning: (message: string) => void;
  readonly pollMs?: number;
}

export class RemoteRuns {
  private readonly watched = new Map<string, { state: RemoteState; events: number }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly o: RemoteRunsOptions) {}

  state(taskId: string): RemoteState | undefined {
    return this.watched.get(taskId)?.state;
  }

  /**
   * Takes a queued task off the workers' queue (a worker has not started it): it is no longer watched. False when
   * a worker runs it already, or it is not watched.
   */
  async withdraw(taskId: string): Promise<boolean> {
    if (this.watched.get(taskId)?.state !== 'queued') return false;
    if (!(await this.o.queue.withdraw(taskId))) return false;
    this.watched.delete(taskId);
    this.o.hub.settled(taskId);
    return true;
  }

  get queued(): number {
    return [...this.watched.values()].filter((w) => w.state === 'queued').length;
  }

  get active(): number {
    return [...this.watched.values()].filter((w) => w.state === 'running').length;
  }

  /**
   * Queues the task with its stored priority (nothing is added while a job for it is queued or running). It counts
   * as queued from now on; false when it is watched already.
   */
  dispatch(taskId: string): boolean {
    if (this.watched.has(taskId)) return false;
    const watch = { state: 'queued' as RemoteState, events: Number.POSITIVE_INFINITY };
    this.watched.set(taskId, watch);
    void (async () => {
      const doc = await this.o.store.read(taskId);
      watch.events = doc.events.length;
      this.o.hub.begin(taskId, doc.events.length);
      await this.o.queue.enqueue(taskId, priorityOf(doc));
      this.timer ??= setInterval(() => void this.poll(), this.o.pollMs ?? 300);
    })().catch((err: unknown) => {
      this.watched.delete(taskId);
      this.o.hub.settled(taskId);
      this.o.onWarning(
        `task ${taskId} could not be queued: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return true;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [taskId, watch] of [...this.watched]) {
        if (watch.events === Number.POSITIVE_INFINITY) continue;
        try {
          const job = await this.o.queue.state(taskId);
          const doc = await this.o.store.read(taskId);
          for (const event of doc.events.slice(watch.events)) this.o.hub.publish(taskId, event);
          watch.events = doc.events.length;
          if (job.state === 'queued' || job.state === 'active') {
            watch.state = job.state === 'active' ? 'running' : 'queued';
            continue;
          }
          this.watched.delete(taskId);
          this.o.hub.settled(taskId);
          this.o.onEnded(doc);
        } catch (err) {
          this.o.onWarning(`task ${taskId}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (this.watched.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    } finally {
      this.polling = false;
    }
  }

  /** Stops watching; the jobs stay queued for the workers. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.o.queue.close();
  }
}
