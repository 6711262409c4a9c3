// Receptionist's front desk ("Receptionist"): what the HTTP API does with a task — accept it once per
// Idempotency-Key within quota, queue and run it through the same loop and store as the CLI, record approvals,
// cancel, show, list — and what happens after each run (tenant usage, webhooks). Routes only parse and answer.
import { createHash } from 'node:crypto';
import { teeReporter } from '../cli/reporters.js';
import { createTask } from '../cli/commands/run.js';
import { taskResultJson } from '../cli/task-view.js';
import type { Workspace } from '../cli/wiring.js';
import { TaskNotFound } from '../errors.js';
import { pendingSteps } from '../mcp/run-task.js';
import { SERVE_DECIDER } from '../office/approve.js';
import { runTask } from '../office/orchestrate.js';
import type { PendingStep } from '../schemas/mcp.js';
import type { ServerConfig } from '../schemas/server-config.js';
import type { ApprovalBody, SubmitTaskBody, TaskView } from '../schemas/server-api.js';
import type { TaskDocument, TaskStatus } from '../schemas/task.js';
import { effectiveStatus } from '../store/stale-state.js';
import type { OfficeMetrics } from '../telemetry/metrics.js';
import type { Tracing } from '../telemetry/tracing.js';
import { mayTouch, type Principal } from './auth.js';
import type { EventHub } from './event-hub.js';
import {
  BadRequest,
  Forbidden,
  IdempotencyConflict,
  NotAccepting,
  QuotaExceeded,
  StateConflict,
} from './http-errors.js';
import type { ServerLoop } from './loop.js';
import { quotaRefusal, type TenantLedger } from './quotas.js';
import { type RunRequest, type RunState, TaskRunner } from './runner.js';
import { type BookEntry, entryOf, pageOf, type Served, servedOf } from './task-book.js';
import { deliver } from './webhooks.js';
import type { TaskQueue } from '../queue/task-queue.js';
import { RemoteRuns } from './remote-runs.js';

export interface DeskOptions {
  readonly ws: Workspace;
  readonly loop: ServerLoop;
  readonly hub: EventHub;
  readonly ledger: TenantLedger;
  readonly metrics?: OfficeMetrics;
  readonly tracing?: Tracing;
  readonly settings: ServerConfig;
  /** OFFICE_WEBHOOK_SECRET: webhooks are signed with it; without it no webhook is sent. */
  readonly webhookSecret?: string;
  readonly onWarning: (message: string) => void;
  /** With a queue configured, tasks go to `office worker`s through it instead of running in this process. */
  readonly taskQueue?: TaskQueue;
}

type TaskState = TaskView['progress']['state'];

const finishedEvents = new Set(['task_finished', 'cancelled']);

/** A stable hash of a submission, so the same body under the same key is recognised as a replay. */
function requestHash(body: SubmitTaskBody): string {
  const canonical = JSON.stringify({
    request: body.request,
    options: {
      max_iterations: body.options.max_iterations ?? null,
      offline: body.options.offline ?? false,
      priority: body.options.priority ?? null,
    },
    callback_url: body.callback_url ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export class FrontDesk {
  readonly runner: TaskRunner;
  /** Tasks handed to workers through the queue (only with a queue configured). */
  readonly remote: RemoteRuns | undefined;
  private readonly book = new Map<string, BookEntry>();
  private readonly keys = new Map<string, Promise<{ taskId: string; hash: string }>>();
  private readonly cancelledBy = new Map<string, string>();
  /** Tasks queued or running whose run has not yet emitted its task_finished: their event streams stay open. */
  private readonly open = new Set<string>();
  private readonly deliveries = new Set<Promise<unknown>>();
  private readonly stopDeliveries = new AbortController();
  private draining = false;

  private constructor(private readonly o: DeskOptions) {
    this.runner = new TaskRunner(
      o.settings.concurrency,
      (request, signal) => this.run(request, signal),
      (taskId, err) => o.onWarning(`task ${taskId}: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.remote = o.taskQueue
      ? new RemoteRuns({
          queue: o.taskQueue,
          store: o.ws.store,
          hub: o.hub,
          onEnded: (doc) => {
            this.open.delete(doc.task_id);
            this.settle(doc, servedOf(doc)?.tenant ?? 'cli');
          },
          onWarning: o.onWarning,
        })
      : undefined;
  }

  /** Queued or running here, or on the workers. */
  private runState(taskId: string): RunState | undefined {
    return this.runner.state(taskId) ?? this.remote?.state(taskId);
  }

  /** Tasks waiting for a slot (here or on the workers' queue) and tasks running. */
  get queuedCount(): number {
    return this.runner.queued + (this.remote?.queued ?? 0);
  }

  get activeCount(): number {
    return this.runner.active + (this.remote?.active ?? 0);
  }

  /** Opens the desk over the stored tasks: their tenants, idempotency keys and usage are known from the start. */
  static async open(o: DeskOptions): Promise<FrontDesk> {
    const desk = new FrontDesk(o);
    const { tasks, problems } = await o.ws.store.list();
    for (const p of problems) o.onWarning(p.message);
    for (const doc of tasks) {
      const served = servedOf(doc);
      const tenant = served?.tenant ?? 'cli';
      desk.book.set(doc.task_id, entryOf(doc, tenant, desk.waiting(doc).length));
      if (served?.idempotency_key)
        desk.keys.set(
          `${tenant}\0${served.idempotency_key}`,
          Promise.resolve({ taskId: doc.task_id, hash: served.request_hash }),
        );
      o.ledger.known(tenant, Date.parse(doc.created_at));
      for (const c of doc.model_calls)
        o.ledger.spent(tenant, c.tokens_in + c.tokens_out, c.cost_usd, Date.parse(c.at));
    }
    return desk;
  }

  /**
   * Queues again the served tasks a stopped server left unfinished (stored as interrupted, or as running with no
   * live process behind them): they carry on where they stopped, finished steps reused. Returns their ids.
   */
  async resumeUnfinished(): Promise<string[]> {
    const resumed: string[] = [];
    for (const entry of [...this.book.values()].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
      if (entry.tenant === 'cli') continue;
      if (entry.status !== 'interrupted' && entry.status !== 'running') continue;
      if (entry.status === 'running') {
        const holder = await this.o.ws.store.runHolder(entry.task_id);
        if (effectiveStatus('running', holder) !== 'interrupted') continue;
      }
      if (this.queue({ taskId: entry.task_id, resumed: true })) {
        this.o.ledger.active(entry.tenant, entry.task_id, true);
        resumed.push(entry.task_id);
      }
    }
    return resumed;
  }

  get accepting(): boolean {
    return !this.draining;
  }

  // ---- Submitting ----

  async submit(
    principal: Principal,
    body: SubmitTaskBody,
    idempotencyKey: string | undefined,
  ): Promise<{ taskId: string; replayed: boolean }> {
    if (this.draining) throw new NotAccepting('office serve is shutting down; submit again once it is back');
    if (body.callback_url && !this.o.webhookSecret)
      throw new BadRequest(
        'callback_url needs webhooks to be signed: start office serve with OFFICE_WEBHOOK_SECRET set',
        'callback_url',
      );
    const hash = requestHash(body);
    if (idempotencyKey === undefined)
      return { taskId: await this.create(principal, body, hash), replayed: false };
    if (!/^[\x21-\x7e]{1,200}$/.test(idempotencyKey))
      throw new BadRequest('Idempotency-Key takes 1 to 200 printable ASCII characters', 'Idempotency-Key');
    const slot = `${principal.tenant}\0${idempotencyKey}`;
    const earlier = this.keys.get(slot);
    if (earlier) {
      const { taskId, hash: earlierHash } = await earlier;
      if (earlierHash !== hash)
        throw new IdempotencyConflict(
          `Idempotency-Key "${idempotencyKey}" was used for task ${taskId} with a different body; use a new key`,
        );
      return { taskId, replayed: true };
    }
    // The slot is taken before anything is awaited, so a concurrent duplicate waits for this task, not a second.
    const making = this.create(principal, body, hash, idempotencyKey).then((taskId) => ({ taskId, hash }));
    this.keys.set(slot, making);
    try {
      return { taskId: (await making).taskId, replayed: false };
    } catch (err) {
      this.keys.delete(slot);
      throw err;
    }
  }

  private async create(
    principal: Principal,
    body: SubmitTaskBody,
    hash: string,
    key?: string,
  ): Promise<string> {
    const refusal = quotaRefusal(principal.quotas, this.o.ledger.usage(principal.tenant), Date.now());
    if (refusal) {
      this.o.metrics?.quotaRefusal(principal.tenant, refusal.quota);
      throw new QuotaExceeded(refusal.message, refusal.quota, refusal.retryAfterSeconds);
    }
    const served: Served = {
      tenant: principal.tenant,
      request_hash: hash,
      ...(key ? { idempotency_key: key } : {}),
      ...(body.callback_url ? { callback_url: body.callback_url } : {}),
    };
    const options = {
      yes: false,
      offline: body.options.offline ?? false,
      ...(body.options.max_iterations ? { maxIterations: body.options.max_iterations } : {}),
    };
    // Counted before the file is written, so that concurrent submissions cannot all slip under a quota.
    const placeholder = `pending-${hash}-${Math.random()}`;
    this.o.ledger.submitted(principal.tenant, placeholder);
    try {
      const taskId = await createTask(this.o.ws, body.request, options, {
        served,
        ...(body.options.priority !== undefined ? { priority: body.options.priority } : {}),
      });
      const doc = await this.o.ws.store.read(taskId);
      this.book.set(taskId, entryOf(doc, principal.tenant, 0));
      this.o.ledger.active(principal.tenant, taskId, true);
      this.o.metrics?.submitted(principal.tenant);
      this.queue({ taskId, resumed: false });
      return taskId;
    } finally {
      this.o.ledger.active(principal.tenant, placeholder, false);
    }
  }

  // ---- Running ----

  private queue(request: RunRequest): boolean {
    const queued = this.remote ? this.remote.dispatch(request.taskId) : this.runner.enqueue(request);
    if (queued) this.open.add(request.taskId);
    return queued;
  }

  private async run({ taskId, resumed }: RunRequest, signal: AbortSignal): Promise<void> {
    const { ws, hub, loop } = this.o;
    const before = await ws.store.read(taskId);
    const tenant = servedOf(before)?.tenant ?? 'cli';
    hub.begin(taskId, before.events.length);
    const entry = this.book.get(taskId);
    if (entry) entry.status = 'running';
    const deps = await loop.depsFor({
      reporter: teeReporter(hub.reporter(), this.o.metrics?.reporterFor(tenant), this.o.tracing?.reporter, {
        emit: (e) => {
          if (e.type === 'model_call')
            this.o.ledger.spent(tenant, e.call.tokens_in + e.call.tokens_out, e.call.cost_usd);
        },
      }),
      signal,
      offline: before.options.offline,
    });
    try {
      await runTask(deps, taskId, {
        yes: false,
        yesGivenNow: false,
        offline: before.options.offline,
        ...(before.options.maxIterations ? { maxIterations: before.options.maxIterations } : {}),
        resumed: resumed || before.events.length > 0,
      });
    } finally {
      // Only now is every event of the run stored: streams still open read what they missed and end.
      this.open.delete(taskId);
      hub.settled(taskId);
    }
    let after = await ws.store.read(taskId);
    if (signal.aborted && signal.reason === 'cancelled')
      after = await this.markCancelled(taskId, this.cancelledBy.get(taskId) ?? tenant);
    this.cancelledBy.delete(taskId);
    this.settle(after, tenant);
  }

  /** After a run (or a cancel): the book, the tenant's active count, and the webhook for an outcome. */
  private settle(doc: TaskDocument, tenant: string): void {
    this.book.set(doc.task_id, entryOf(doc, tenant, this.waiting(doc).length));
    if (!this.runState(doc.task_id)) this.o.ledger.active(tenant, doc.task_id, false);
    if (doc.status !== 'interrupted' && doc.status !== 'running') this.sendWebhook(doc);
  }

  private sendWebhook(doc: TaskDocument): void {
    const url = servedOf(doc)?.callback_url ?? this.o.settings.webhooks.url;
    const secret = this.o.webhookSecret;
    if (!url || !secret) return;
    const { attempts, baseDelayMs, maxDelayMs, timeoutMs } = this.o.settings.webhooks;
    const payload = { event: 'task.finished', task: this.viewOf(doc) };
    const delivery = deliver(
      url,
      payload,
      { secret, attempts, baseDelayMs, maxDelayMs, timeoutMs },
      async (attempt) => {
        this.o.metrics?.webhookDelivery(
          attempt.delivered ? 'delivered' : attempt.attempt < attempts ? 'retry' : 'failed',
        );
        await this.o.ws.store.update(doc.task_id, (d) => {
          d.webhooks = [...(d.webhooks ?? []), attempt];
        });
      },
      this.stopDeliveries.signal,
    );
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  // ---- Reading ----

  private async readFor(principal: Principal, taskId: string): Promise<TaskDocument> {
    const id = await this.o.ws.store.resolveId(taskId);
    const doc = await this.o.ws.store.read(id);
    const tenant = servedOf(doc)?.tenant ?? 'cli';
    // Another tenant's task is not found, rather than forbidden: its existence is not theirs to know.
    if (!mayTouch(principal, tenant)) throw new TaskNotFound(taskId);
    return doc;
  }

  private waiting(doc: TaskDocument): PendingStep[] {
    return doc.status === 'needs_approval' ? pendingSteps(doc, this.o.loop.tools) : [];
  }

  stateOf(doc: TaskDocument): TaskState {
    const running = this.runState(doc.task_id);
    if (running) return running;
    if (doc.status === 'needs_approval') return 'waiting';
    if (doc.status === 'interrupted' || doc.status === 'running') return 'interrupted';
    return 'finished';
  }

  viewOf(doc: TaskDocument): TaskView {
    const subtasks = Object.values(doc.subtasks);
    return {
      ...taskResultJson(doc),
      needs_approval: this.waiting(doc),
      progress: {
        state: this.stateOf(doc),
        stored_status: doc.status,
        tenant: servedOf(doc)?.tenant ?? 'cli',
        created_at: doc.created_at,
        updated_at: doc.updated_at,
        subtasks_done: subtasks.filter((s) => s.status === 'succeeded').length,
        subtasks_total: doc.dag?.subtasks.length ?? 0,
        steps_finished: Object.values(doc.steps).filter((s) => s.status !== 'started').length,
        events: doc.events.length,
      },
      webhooks: doc.webhooks ?? [],
    };
  }

  async view(principal: Principal, taskId: string): Promise<TaskView> {
    return this.viewOf(await this.readFor(principal, taskId));
  }

  document(principal: Principal, taskId: string): Promise<TaskDocument> {
    return this.readFor(principal, taskId);
  }

  list(
    principal: Principal,
    query: { status?: string | undefined; limit: number; cursor?: string | undefined },
  ): { tasks: (BookEntry & { state: TaskState })[]; next_cursor: string | null } {
    const rows = [...this.book.values()]
      .filter((r) => mayTouch(principal, r.tenant))
      .map((r) => ({ ...r, state: this.stateOfEntry(r) }));
    const page = pageOf(
      rows,
      (r) => !query.status || r.status === query.status || r.state === query.status,
      query.limit,
      query.cursor,
    );
    if (!page) throw new BadRequest('cursor is not one this server gave out', 'cursor');
    return { tasks: page.rows, next_cursor: page.next };
  }

  private stateOfEntry(r: BookEntry): TaskState {
    const running = this.runState(r.task_id);
    if (running) return running;
    if (r.status === 'needs_approval') return 'waiting';
    return r.status === 'interrupted' || r.status === 'running' ? 'interrupted' : 'finished';
  }

  /** Events stored so far (event N is `events[N]`). */
  async storedEvents(
    principal: Principal,
    taskId: string,
  ): Promise<{ taskId: string; events: TaskDocument['events'] }> {
    const doc = await this.readFor(principal, taskId);
    return { taskId: doc.task_id, events: doc.events };
  }

  /** Whether a run of the task is queued or under way and has not yet emitted its last event. */
  isLive(taskId: string): boolean {
    return this.open.has(taskId);
  }

  static endsRun(type: string): boolean {
    return finishedEvents.has(type);
  }

  // ---- Acting on a task ----

  async approve(principal: Principal, taskId: string, body: ApprovalBody) {
    if (this.draining) throw new NotAccepting('office serve is shutting down; approve once it is back');
    const doc = await this.readFor(principal, taskId);
    if (this.runState(doc.task_id) || doc.status !== 'needs_approval')
      throw new StateConflict(
        `task ${doc.task_id} is not waiting for approval (it is ${this.stateOf(doc)}, status ${doc.status})`,
      );
    const pending = this.waiting(doc);
    const unknown = body.steps.filter((s) => !pending.some((p) => p.step_id === s));
    if (unknown.length > 0)
      throw new BadRequest(
        `no step waiting for approval named ${unknown.map((s) => `"${s}"`).join(', ')}; waiting: ${pending.map((p) => p.step_id).join(', ') || 'none'}`,
        'steps',
      );
    const chosen = pending.filter((p) => body.steps.includes(p.step_id));
    const currentPlans = new Set(
      Object.values(doc.subtasks)
        .filter((s) => s.status === 'needs_approval' && s.current_plan_id)
        .map((s) => s.current_plan_id as string),
    );
    const at = new Date().toISOString();
    const by = `${SERVE_DECIDER} (${principal.tenant})`;
    const note = body.note?.trim() || undefined;
    const updated = await this.o.ws.store.update(doc.task_id, (d) => {
      for (const step of chosen) {
        const asked = d.approvals
          .filter((a) => a.decision === 'ask' && a.step_id === step.step_id && currentPlans.has(a.plan_id))
          .at(-1);
        if (!asked) continue;
        d.approvals.push({
          ...asked,
          decision: body.decision === 'approve' ? 'allow' : 'deny',
          by,
          reason:
            body.decision === 'approve'
              ? asked.reason
              : `denied by ${principal.tenant} over HTTP${note ? `: ${note}` : ''}`,
          at,
          ...(body.decision === 'deny' && note ? { note } : {}),
        });
      }
      d.events.push({
        at,
        type: body.decision === 'approve' ? 'approved' : 'denied',
        steps: chosen.map((s) => s.step_id),
        by,
        ...(note ? { note } : {}),
      });
    });
    this.publishStored(updated);
    const tenant = servedOf(updated)?.tenant ?? 'cli';
    const resumed = this.queue({ taskId: doc.task_id, resumed: true });
    if (resumed) this.o.ledger.active(tenant, doc.task_id, true);
    return { task_id: doc.task_id, decision: body.decision, steps: chosen, resumed };
  }

  async cancel(
    principal: Principal,
    taskId: string,
  ): Promise<{ task_id: string; was: 'running' | 'queued' | 'waiting' | 'interrupted' }> {
    const doc = await this.readFor(principal, taskId);
    const tenant = servedOf(doc)?.tenant ?? 'cli';
    if (tenant === 'cli' && !principal.scopes.has('admin'))
      throw new Forbidden('tasks started by the CLI can be cancelled only with the admin scope');
    if (this.remote?.state(doc.task_id)) {
      // Still waiting on the workers' queue: taken off it, and stored as cancelled like a task queued here.
      if (!(await this.remote.withdraw(doc.task_id)))
        throw new StateConflict(
          `task ${doc.task_id} is running on a worker; cancelling a task a worker runs is not supported yet (stop that worker: it hands the task back at its checkpoint)`,
        );
      this.open.delete(doc.task_id);
      const after = await this.markCancelled(doc.task_id, principal.tenant);
      this.settle(after, tenant);
      return { task_id: doc.task_id, was: 'queued' };
    }
    this.cancelledBy.set(doc.task_id, principal.tenant);
    const held = this.runner.cancel(doc.task_id);
    if (held?.was === 'queued') {
      this.open.delete(doc.task_id);
      this.o.hub.settled(doc.task_id);
    }
    if (held?.was === 'running') {
      await held.done;
      return { task_id: doc.task_id, was: 'running' };
    }
    const state = held?.was ?? this.stateOf(doc);
    if (state === 'finished') {
      this.cancelledBy.delete(doc.task_id);
      throw new StateConflict(`task ${doc.task_id} has finished already (${doc.status}); nothing to cancel`);
    }
    const after = await this.markCancelled(doc.task_id, principal.tenant);
    this.cancelledBy.delete(doc.task_id);
    this.settle(after, tenant);
    return {
      task_id: doc.task_id,
      was: state === 'queued' ? 'queued' : state === 'waiting' ? 'waiting' : 'interrupted',
    };
  }

  private async markCancelled(taskId: string, by: string): Promise<TaskDocument> {
    const at = new Date().toISOString();
    const doc = await this.o.ws.store.update(taskId, (d) => {
      d.status = 'failed';
      d.error = { code: 'cancelled', message: `cancelled by ${by} over HTTP` };
      d.finished_at = at;
      d.events.push({ at, type: 'cancelled', by });
    });
    this.publishStored(doc);
    return doc;
  }

  /** Hands the last stored event (written by the desk, not the loop) to live listeners, with its number. */
  private publishStored(doc: TaskDocument): void {
    const last = doc.events.at(-1);
    if (!last) return;
    this.o.hub.begin(doc.task_id, doc.events.length - 1);
    this.o.hub.publish(doc.task_id, last);
  }

  // ---- The Control Room's view ----

  tasksByStatusAndTenant(): { status: TaskStatus; tenant: string; count: number }[] {
    const counts = new Map<string, { status: TaskStatus; tenant: string; count: number }>();
    for (const r of this.book.values()) {
      const key = `${r.status}\0${r.tenant}`;
      const c = counts.get(key) ?? { status: r.status, tenant: r.tenant, count: 0 };
      c.count += 1;
      counts.set(key, c);
    }
    return [...counts.values()];
  }

  approvalsWaiting(): number {
    let n = 0;
    for (const r of this.book.values()) if (r.status === 'needs_approval') n += r.waiting_steps;
    return n;
  }

  // ---- Stopping ----

  /**
   * SIGTERM: take nothing new, interrupt running tasks (each stores its state; the step in flight hands over its
   * result or is stopped), and give webhook deliveries under way a moment before abandoning their retries.
   */
  async stop(): Promise<void> {
    this.draining = true;
    await this.runner.stop();
    await this.remote?.close();
    const pending = Promise.allSettled([...this.deliveries]);
    const grace = new Promise((resolve) => setTimeout(resolve, 2_000).unref());
    await Promise.race([pending, grace]);
    this.stopDeliveries.abort();
    await pending;
  }
}
