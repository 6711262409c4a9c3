// Office Manager's scratchpad ("Task Scratchpad"): one task's events, model calls and state changes, stored
// together so every transition is one atomic write; plus what a step's tool sees and what memory is told.
import type { ModelCallRecord } from '../models/types.js';
import type { Plan, PlanStep } from '../schemas/plan.js';
import type { Subtask } from '../schemas/subtask.js';
import type { TaskDocument } from '../schemas/task.js';
import type { ToolContext } from '../tools/define-tool.js';
import { resolveInside } from '../util/workspace.js';
import type { OfficeDeps, RunOptions } from './deps.js';
import type { LoopEvent } from './events.js';

/** Buffers events and stores them with the next state change, so every transition is one write. */
export class TaskSession {
  private pending: LoopEvent[] = [];
  private calls: ModelCallRecord[] = [];
  constructor(
    readonly deps: OfficeDeps,
    readonly taskId: string,
  ) {}

  /** The clock of this run (injectable for tests). */
  now = (): Date => (this.deps.now ?? (() => new Date()))();

  private audited: Promise<void> = Promise.resolve();
  private auditProblem: string | undefined;

  emit = (event: LoopEvent): void => {
    this.deps.reporter.emit(event);
    this.pending.push(event);
    const audit = this.deps.audit;
    const audited =
      event.type === 'step_approval' ||
      event.type === 'step_finished' ||
      (event.type === 'plan_validated' && !event.ok);
    if (audit && audited) {
      this.audited = this.audited
        .then(() => audit(event))
        .catch((err: unknown) => {
          this.auditProblem = `the audit trail could not be written: ${err instanceof Error ? err.message : String(err)}`;
        });
    }
  };

  recordModelCall = (call: ModelCallRecord): void => {
    this.calls.push(call);
    this.emit({ type: 'model_call', task_id: this.taskId, call });
  };

  /**
   * Writes a change at once, without waiting for audit entries still being appended or flushing buffered events
   * (the next `update` does that): for a step's outcome, which must be on disk before anything else happens.
   */
  updateNow = (mutate: (doc: TaskDocument) => void): Promise<TaskDocument> =>
    this.deps.store.update(this.taskId, mutate);

  update = async (mutate: (doc: TaskDocument) => void = () => {}): Promise<TaskDocument> => {
    await this.audited;
    if (this.auditProblem) {
      const message = this.auditProblem;
      this.auditProblem = undefined;
      this.emit({ type: 'progress', task_id: this.taskId, step_id: '-', message });
    }
    const events = this.pending;
    const calls = this.calls;
    this.pending = [];
    this.calls = [];
    const at = new Date().toISOString();
    return this.deps.store.update(this.taskId, (doc) => {
      doc.events.push(...events.map((e) => ({ at, ...e })));
      doc.model_calls.push(...calls);
      mutate(doc);
    });
  };
}

export function newTaskDocument(
  taskId: string,
  request: string,
  workspace: string,
  options: RunOptions,
  now: Date,
): TaskDocument {
  const at = now.toISOString();
  return {
    version: 1,
    task_id: taskId,
    request,
    workspace,
    created_at: at,
    updated_at: at,
    status: 'running',
    options: {
      yes: options.yes ?? false,
      offline: options.offline ?? false,
      ...(options.maxIterations ? { maxIterations: options.maxIterations } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    },
    dag: null,
    subtasks: {},
    plans: [],
    validations: [],
    approvals: [],
    steps: {},
    reviews: [],
    events: [],
    model_calls: [],
  };
}

export function toolContextFor(
  deps: OfficeDeps,
  session: TaskSession,
  step: PlanStep,
  signal: AbortSignal,
): ToolContext {
  return {
    workspace: deps.workspace,
    taskId: session.taskId,
    stepId: step.step_id,
    signal,
    config: deps.config,
    resolvePath: (path) => resolveInside(deps.workspace, path),
    log: (message) =>
      session.emit({ type: 'progress', task_id: session.taskId, step_id: step.step_id, message }),
    services: deps.services,
  };
}

/** Stores a plan's outcome in memory; memory trouble is reported and never stops the run. */
export async function remember(
  session: TaskSession,
  o: {
    kind: 'success' | 'failure';
    request: string;
    subtask: Subtask;
    source: string;
    plan: Plan;
    reasons: string[];
    durationMs: number;
  },
): Promise<void> {
  const memory = session.deps.memory;
  // A template's success teaches nothing (the template is already the answer), and skipping it keeps the
  // vector index out of runs that need no model.
  if (!memory || (o.kind === 'success' && o.source === 'template')) return;
  try {
    await memory.remember({
      kind: o.kind,
      taskId: session.taskId,
      request: o.request,
      subtaskId: o.subtask.id,
      goal: o.subtask.goal,
      planSource: o.source,
      plan: {
        plan_id: o.plan.plan_id,
        steps: o.plan.steps.map((s) => ({
          step_id: s.step_id,
          action: s.action,
          inputs: s.inputs,
          dependencies: s.dependencies ?? [],
          parallelizable: s.parallelizable ?? false,
          timeout_seconds: s.timeout_seconds ?? 300,
        })),
        ...(o.plan.confidence !== undefined ? { confidence: o.plan.confidence } : {}),
      },
      reasons: o.reasons,
      durationMs: o.durationMs,
      tokens:
        typeof o.plan.metadata.estimated_cost_tokens === 'number' ? o.plan.metadata.estimated_cost_tokens : 0,
    });
  } catch (err) {
    session.emit({
      type: 'progress',
      task_id: session.taskId,
      step_id: '-',
      message: `plan memory could not be written: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}
