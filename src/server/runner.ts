// Receptionist's dispatcher ("Receptionist" handing work to the "Office Manager"): a queue of tasks run a few at a
// time in this process, each with its own stop signal, so a task can be cancelled and the server can stop cleanly.

export type RunState = 'queued' | 'running';

export interface RunRequest {
  readonly taskId: string;
  readonly resumed: boolean;
}

/** Runs one task until it ends or `signal` aborts (`signal.reason` says why: 'cancelled' or 'shutdown'). */
export type RunFn = (request: RunRequest, signal: AbortSignal) => Promise<void>;

export class TaskRunner {
  private readonly queue: RunRequest[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(
    private readonly concurrency: number,
    private readonly run: RunFn,
    private readonly onError: (taskId: string, err: unknown) => void,
    private readonly onChange: (taskId: string) => void = () => {},
  ) {}

  /** Queues a task; false when it is queued or running already, or the runner is stopping. */
  enqueue(request: RunRequest): boolean {
    if (this.stopping || this.state(request.taskId)) return false;
    this.queue.push(request);
    this.onChange(request.taskId);
    this.pump();
    return true;
  }

  state(taskId: string): RunState | undefined {
    if (this.running.has(taskId)) return 'running';
    return this.queue.some((r) => r.taskId === taskId) ? 'queued' : undefined;
  }

  get queued(): number {
    return this.queue.length;
  }

  get active(): number {
    return this.running.size;
  }

  /** Stops a queued or running task; what it was, or undefined when the runner does not hold it. */
  cancel(taskId: string): { was: RunState; done: Promise<void> } | undefined {
    const at = this.queue.findIndex((r) => r.taskId === taskId);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.onChange(taskId);
      return { was: 'queued', done: Promise.resolve() };
    }
    const run = this.running.get(taskId);
    if (!run) return undefined;
    run.controller.abort('cancelled');
    return { was: 'running', done: run.done };
  }

  /**
   * Accepts nothing more, interrupts the running tasks (each stores its state as `interrupted`, the step in flight
   * handing over its result or being stopped) and waits for them. Queued tasks stay stored for the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    for (const run of this.running.values()) run.controller.abort('shutdown');
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.concurrency && this.queue.length > 0) {
      const request = this.queue.shift();
      if (!request) break;
      const controller = new AbortController();
      const done = this.run(request, controller.signal)
        .catch((err: unknown) => this.onError(request.taskId, err))
        .finally(() => {
          this.running.delete(request.taskId);
          this.onChange(request.taskId);
          this.pump();
        });
      this.running.set(request.taskId, { controller, done });
      this.onChange(request.taskId);
    }
  }
}
