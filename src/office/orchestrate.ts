// Office Manager ("Office Manager"): runs a task's subtask DAG; per subtask the plan → validate → approve →
// execute → review loop, storing every transition so a crash loses nothing and `office resume` carries on.
import { Interrupted, OfficeError } from '../errors.js';
import type { ModelCallRecord } from '../models/types.js';
import type { OfficeConfig } from '../schemas/config.js';
import type { Plan, PlanStep } from '../schemas/plan.js';
import type { Subtask } from '../schemas/subtask.js';
import type { TaskDocument, TaskStatus } from '../schemas/task.js';
import type { ToolContext, ToolServices } from '../tools/define-tool.js';
import { resolveInside } from '../util/workspace.js';
import { approvePlan, type Gatekeeper } from './approve.js';
import type { Decomposer } from './decompose.js';
import { subtaskOrder } from './decompose.js';
import type { LoopEvent } from './events.js';
import type { ModelFeed } from './model-feed.js';
import type { PlanCheck } from './model-roles.js';
import { executePlan } from './execute.js';
import type { Planner } from './plan.js';
import type { Approver, PlanMemory, PolicyFn, Reporter, TaskStore, ToolRegistry } from './ports.js';
import { reviewDeterministically } from './review.js';
import type { Reviewer } from './reviewer.js';
import { validatePlan } from './validate.js';

export interface OfficeDeps {
  readonly workspace: string;
  readonly config: OfficeConfig;
  readonly store: TaskStore;
  readonly tools: ToolRegistry & { isPlugin?(name: string): boolean };
  readonly reporter: Reporter;
  readonly decompose: Decomposer;
  readonly plan: Planner;
  /** Extra review after the deterministic checks approve (a model); it can only turn APPROVE into REVISE/ESCALATE. */
  readonly review?: Reviewer;
  /** A second check after the rule checks pass (a small model); it can only reject. */
  readonly checkPlan?: (request: { taskId: string; goal: string; plan: Plan }) => Promise<PlanCheck>;
  /** Model calls and fallbacks, stored in the task document and reported as they happen. */
  readonly feed?: ModelFeed;
  /** Plan memory: similar past plans into planning, outcomes out. */
  readonly memory?: PlanMemory;
  readonly policy: PolicyFn;
  readonly gatekeeper?: Gatekeeper;
  /** Appends approval decisions and tool runs to the audit trail. */
  readonly audit?: (event: LoopEvent) => Promise<void>;
  readonly approver?: Approver;
  readonly interactive: boolean;
  readonly services: ToolServices;
  readonly signal: AbortSignal;
  /** Shown when no decomposer understands a request. */
  readonly phrasings: readonly string[];
  readonly now?: () => Date;
}

export interface RunOptions {
  readonly yes?: boolean;
  /** --yes given to this very invocation (not inherited from the run being resumed). */
  readonly yesGivenNow?: boolean;
  readonly maxIterations?: number;
  readonly offline?: boolean;
}

type SubtaskOutcome = 'succeeded' | 'needs_approval' | 'escalated' | 'dead_lettered' | 'failed';

/** Buffers events and stores them with the next state change, so every transition is one write. */
class TaskSession {
  private pending: LoopEvent[] = [];
  private calls: ModelCallRecord[] = [];
  constructor(
    readonly deps: OfficeDeps,
    readonly taskId: string,
  ) {}

  private audited: Promise<void> = Promise.resolve();
  private auditProblem: string | undefined;

  emit = (event: LoopEvent): void => {
    this.deps.reporter.emit(event);
    this.pending.push(event);
    const audit = this.deps.audit;
    if (audit && (event.type === 'step_approval' || event.type === 'step_finished')) {
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

function toolContextFor(
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

function checkPath(workspace: string): (path: string) => string | null {
  return (path) => {
    try {
      resolveInside(workspace, path);
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
}

function resultOf(plan: Plan, outputs: ReadonlyMap<string, { output?: unknown }>): unknown {
  const resultStep = typeof plan.result_step === 'string' ? plan.result_step : plan.steps.at(-1)?.step_id;
  return resultStep ? outputs.get(resultStep)?.output : undefined;
}

/** Stores a plan's outcome in memory; memory trouble is reported and never stops the run. */
async function remember(
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

async function runSubtask(
  session: TaskSession,
  subtask: Subtask,
  options: RunOptions,
): Promise<SubtaskOutcome> {
  const { deps, taskId } = session;
  const now = deps.now ?? (() => new Date());
  const maxIterations = options.maxIterations ?? deps.config.maxIterations;

  for (;;) {
    if (deps.signal.aborted) throw new Interrupted('interrupted');
    let doc = await deps.store.read(taskId);
    const state = doc.subtasks[subtask.id];
    if (!state) throw new OfficeError(`task ${taskId} has no state for subtask ${subtask.id}`);
    if (state.status === 'succeeded') return 'succeeded';

    // Reuse a plan that was validated but not yet reviewed (a resumed task), else plan anew.
    let plan: Plan | undefined;
    const current = state.current_plan_id;
    if (current && !doc.reviews.some((r) => r.plan_id === current)) {
      const stored = doc.plans.find((p) => p.plan.plan_id === current && p.subtask_id === subtask.id);
      if (stored && doc.validations.some((v) => v.plan_id === current && v.ok)) plan = stored.plan;
    }

    if (!plan) {
      if (state.iteration - state.iteration_base >= maxIterations) {
        const reason =
          `subtask "${subtask.id}" (${subtask.goal}) found no acceptable plan in ${maxIterations} ` +
          `iteration${maxIterations === 1 ? '' : 's'}; last feedback: ${state.scratchpad.at(-1) ?? 'none'}`;
        await deps.store.deadLetter({
          task_id: taskId,
          request: doc.request,
          reason,
          subtask_id: subtask.id,
          at: now().toISOString(),
        });
        await session.update((d) => {
          const s = d.subtasks[subtask.id];
          if (s) s.status = 'dead_lettered';
          d.error = { code: 'dead_lettered', message: reason };
        });
        return 'dead_lettered';
      }
      const iteration = state.iteration + 1;
      await session.update((d) => {
        const s = d.subtasks[subtask.id];
        if (s) s.status = 'planning';
      });
      const inputs = Object.fromEntries(subtask.dependencies.map((id) => [id, doc.subtasks[id]?.result]));
      // Templates need no memory; for everything else, recall similar plans and lessons once per round.
      const recalled =
        deps.memory && !subtask.template
          ? await deps.memory.recall({
              taskId,
              request: doc.request,
              subtaskId: subtask.id,
              goal: subtask.goal,
            })
          : undefined;
      const produced = await deps.plan({
        taskId,
        request: doc.request,
        subtask,
        iteration,
        scratchpad: state.scratchpad,
        inputs,
        ...(recalled?.text ? { memory: recalled.text } : {}),
        ...(recalled?.reusable ? { reusable: recalled.reusable } : {}),
      });
      if (!produced) {
        await session.update((d) => {
          const s = d.subtasks[subtask.id];
          if (s) s.status = 'failed';
          d.error = {
            code: 'no_plan',
            message: `no planner could plan subtask "${subtask.id}" (${subtask.goal})`,
          };
        });
        return 'failed';
      }
      let validation = validatePlan(produced.plan, {
        taskId,
        tools: deps.tools,
        maxStepTimeoutSeconds: deps.config.maxStepTimeoutSeconds,
        checkPath: checkPath(deps.workspace),
      });
      let validatedBy = 'rules';
      // Template plans are trusted as written; a model's plan also gets the small model's sanity check.
      if (validation.ok && deps.checkPlan && produced.source !== 'template') {
        const check = await deps.checkPlan({ taskId, goal: subtask.goal, plan: validation.plan });
        validatedBy = check.by;
        if (!check.ok) {
          validation = {
            ok: false,
            plan: validation.plan,
            issues: [{ rule: 'model_check', message: `${check.by}: ${check.reason ?? 'rejected'}` }],
          };
        }
      }
      const planId = validation.plan?.plan_id ?? `${subtask.id}.invalid${iteration}`;
      session.emit({
        type: 'subtask_planned',
        task_id: taskId,
        subtask_id: subtask.id,
        plan_id: planId,
        iteration,
        source: produced.source,
        by: produced.by,
        steps: validation.plan?.steps.map((s) => ({ step_id: s.step_id, action: s.action })) ?? [],
      });
      session.emit({
        type: 'plan_validated',
        task_id: taskId,
        subtask_id: subtask.id,
        plan_id: planId,
        ok: validation.ok,
        issues: [...validation.issues],
      });
      doc = await session.update((d) => {
        const at = now().toISOString();
        if (validation.plan)
          d.plans.push({
            subtask_id: subtask.id,
            iteration,
            source: produced.source,
            by: produced.by,
            plan: validation.plan,
            at,
          });
        d.validations.push({
          plan_id: planId,
          ok: validation.ok,
          issues: [...validation.issues],
          by: validatedBy,
          at,
        });
        const s = d.subtasks[subtask.id];
        if (!s) return;
        s.iteration = iteration;
        if (validation.ok) {
          s.current_plan_id = planId;
        } else {
          delete s.current_plan_id;
          s.scratchpad.push(
            `plan ${planId} was rejected: ${validation.issues.map((i) => i.message).join('; ')}`,
          );
        }
      });
      if (!validation.ok) {
        if (validation.plan) {
          await remember(session, {
            kind: 'failure',
            request: doc.request,
            subtask,
            source: produced.source,
            plan: validation.plan,
            reasons: validation.issues.map((i) => i.message),
            durationMs: 0,
          });
        }
        continue;
      }
      plan = validation.plan;
    }

    const approval = await approvePlan({
      taskId,
      plan,
      tools: deps.tools,
      policy: deps.policy,
      interactive: deps.interactive,
      yes: options.yes ?? false,
      yesGivenNow: options.yesGivenNow ?? false,
      ...(deps.approver ? { approver: deps.approver } : {}),
      ...(deps.gatekeeper ? { gatekeeper: deps.gatekeeper } : {}),
      recorded: doc.approvals,
      priorSteps: doc.steps,
      now,
    });
    for (const r of approval.records) {
      session.emit({
        type: 'step_approval',
        task_id: taskId,
        plan_id: r.plan_id,
        step_id: r.step_id,
        tool: r.tool,
        risk: r.risk,
        decision: r.decision,
        by: r.by,
        reason: r.reason,
      });
    }
    const planId = plan.plan_id;
    doc = await session.update((d) => {
      d.approvals.push(...approval.records);
      const s = d.subtasks[subtask.id];
      if (!s) return;
      if (approval.status === 'needs_approval') s.status = 'needs_approval';
      if (approval.status === 'denied') {
        delete s.current_plan_id;
        s.scratchpad.push(
          `plan ${planId} was refused: ${approval.denied.map((x) => `${x.step_id} (${x.tool}): ${x.reason}`).join('; ')}`,
        );
      }
      if (approval.status === 'needs_approval') {
        const list = approval.pending
          .map((p) => `${p.step_id} (${p.tool}, ${p.risk}): ${p.reason}`)
          .join('; ');
        d.error = {
          code: 'needs_approval',
          message:
            `${approval.pending.length} step${approval.pending.length === 1 ? '' : 's'} of plan ${planId} need${approval.pending.length === 1 ? 's' : ''} approval: ${list}. ` +
            `Approve with \`office approve ${taskId} --all\` and then \`office resume ${taskId}\`, or resume with \`office resume ${taskId} --yes\`.`,
        };
      }
    });
    if (approval.status === 'needs_approval') return 'needs_approval';
    if (approval.status === 'denied') {
      await remember(session, {
        kind: 'failure',
        request: doc.request,
        subtask,
        source: doc.plans.find((p) => p.plan.plan_id === planId)?.source ?? 'model',
        plan,
        reasons: approval.denied.map((x) => `${x.tool} was refused: ${x.reason}`),
        durationMs: 0,
      });
      continue;
    }

    await session.update((d) => {
      const s = d.subtasks[subtask.id];
      if (s) s.status = 'running';
      delete d.error;
    });
    const outcome = await executePlan({
      taskId,
      plan,
      tools: deps.tools,
      persist: session.update,
      reporter: { emit: session.emit },
      concurrency: deps.config.concurrency,
      retry: deps.config.retry,
      signal: deps.signal,
      prior: doc.steps,
      toolContext: (step, signal) => toolContextFor(deps, session, step, signal),
    });

    const toolContext = (step: PlanStep) => toolContextFor(deps, session, step, deps.signal);
    let verdict = await reviewDeterministically({ plan, outcome, tools: deps.tools, toolContext });
    const source = doc.plans.find((p) => p.plan.plan_id === plan?.plan_id)?.source;
    if (verdict.verdict === 'APPROVE' && deps.review && source !== 'template') {
      verdict = await deps.review({
        taskId,
        request: doc.request,
        subtask,
        plan,
        outcome,
        deterministic: verdict,
      });
    }
    const iteration = doc.subtasks[subtask.id]?.iteration ?? 1;
    session.emit({
      type: 'review',
      task_id: taskId,
      subtask_id: subtask.id,
      plan_id: plan.plan_id,
      iteration,
      verdict: verdict.verdict,
      summary: verdict.summary,
      by: verdict.by,
    });
    const finalPlan = plan;
    await remember(session, {
      kind: verdict.verdict === 'APPROVE' ? 'success' : 'failure',
      request: doc.request,
      subtask,
      source: source ?? 'model',
      plan,
      reasons:
        verdict.verdict === 'APPROVE'
          ? []
          : [verdict.summary, ...verdict.feedback.flatMap((f) => (f.suggestion ? [f.suggestion] : []))],
      durationMs: [...outcome.results.values()].reduce(
        (n, r) => n + (r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : 0),
        0,
      ),
    });
    await session.update((d) => {
      d.reviews.push({
        plan_id: finalPlan.plan_id,
        subtask_id: subtask.id,
        iteration,
        review: verdict,
        at: now().toISOString(),
      });
      const s = d.subtasks[subtask.id];
      if (!s) return;
      if (verdict.verdict === 'APPROVE') {
        s.status = 'succeeded';
        s.result = resultOf(finalPlan, outcome.results);
      } else if (verdict.verdict === 'ESCALATE') {
        s.status = 'escalated';
        d.error = {
          code: 'escalated',
          message: `a person needs to look at subtask "${subtask.id}": ${verdict.summary}`,
        };
      } else {
        delete s.current_plan_id;
        const points = verdict.feedback.map(
          (f) =>
            `${f.step_id ? `${f.step_id}: ` : ''}${f.problem}${f.suggestion ? ` (${f.suggestion})` : ''}`,
        );
        s.scratchpad.push(
          `review of plan ${finalPlan.plan_id} asked for a revision: ${verdict.summary}${points.length > 0 && verdict.by !== 'rules' ? `; ${points.join('; ')}` : ''}`,
        );
      }
    });
    if (verdict.verdict === 'APPROVE') {
      session.emit({
        type: 'subtask_finished',
        task_id: taskId,
        subtask_id: subtask.id,
        status: 'succeeded',
      });
      return 'succeeded';
    }
    if (verdict.verdict === 'ESCALATE') return 'escalated';
  }
}

/** Runs (or resumes) a task to its end, or to the point where a person must act. Never throws for task failures. */
export async function runTask(
  deps: OfficeDeps,
  taskId: string,
  options: RunOptions & { resumed?: boolean } = {},
): Promise<TaskDocument> {
  const release = await deps.store.acquireRun(taskId);
  const already = await deps.store.read(taskId).catch(async (err) => {
    await release();
    throw err;
  });
  if (already.status === 'succeeded') {
    await release();
    return already;
  }
  const session = new TaskSession(deps, taskId);
  const unlisten = deps.feed?.listen((activity) => {
    if (activity.type === 'call') session.recordModelCall(activity.call);
    else session.emit({ type: 'fallback', task_id: taskId, role: activity.role, reason: activity.reason });
  });
  const started = Date.now();
  let status: TaskStatus = 'failed';
  let doc = already;
  try {
    session.emit({
      type: 'task_started',
      task_id: taskId,
      request: doc.request,
      resumed: options.resumed ?? false,
    });
    doc = await session.update((d) => {
      d.status = 'running';
      delete d.error;
      delete d.finished_at;
    });

    if (!doc.dag) {
      const decomposition = await deps.decompose(doc.request);
      if (!decomposition) {
        status = 'failed';
        const message =
          `office did not understand "${doc.request}" with its templates` +
          (deps.services.models.enabled
            ? ' and no model could decompose it'
            : ' (models are off or unreachable)') +
          `. Phrasings it knows: ${deps.phrasings.map((p) => `"${p}"`).join(', ')}.`;
        doc = await session.update((d) => {
          d.error = { code: 'not_understood', message };
        });
        return doc;
      }
      const { dag, by } = decomposition;
      session.emit({
        type: 'decomposed',
        task_id: taskId,
        by,
        subtasks: dag.subtasks.map((s) => ({ id: s.id, goal: s.goal, dependencies: s.dependencies })),
      });
      doc = await session.update((d) => {
        d.dag = dag;
        d.subtasks = Object.fromEntries(
          dag.subtasks.map((s) => [
            s.id,
            { status: 'pending' as const, iteration: 0, iteration_base: 0, scratchpad: [] },
          ]),
        );
      });
    }
    const dag = doc.dag;
    if (!dag) throw new OfficeError(`task ${taskId} lost its subtask DAG`);
    if (options.resumed) {
      session.emit({
        type: 'decomposed',
        task_id: taskId,
        by: 'stored (resumed)',
        subtasks: dag.subtasks.map((s) => ({ id: s.id, goal: s.goal, dependencies: s.dependencies })),
      });
    }
    const order = subtaskOrder(dag) ?? [];
    for (const id of order) {
      const subtask = dag.subtasks.find((s) => s.id === id);
      if (!subtask) continue;
      const outcome = await runSubtask(session, subtask, options);
      if (outcome !== 'succeeded') {
        status = outcome;
        return doc;
      }
    }
    status = 'succeeded';
    return doc;
  } catch (err) {
    if (err instanceof Interrupted || deps.signal.aborted) {
      status = 'interrupted';
    } else {
      status = 'failed';
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof OfficeError ? err.code : 'internal';
      session.emit({ type: 'progress', task_id: taskId, step_id: '-', message: `error: ${message}` });
      await session
        .update((d) => {
          d.error = { code, message };
        })
        .catch(() => undefined);
    }
    return doc;
  } finally {
    const finalStatus = status;
    const duration = Date.now() - started;
    try {
      const finished = await session.update((d) => {
        d.status = finalStatus;
        d.finished_at = new Date().toISOString();
        d.duration_ms = (d.duration_ms ?? 0) + duration;
        if (finalStatus === 'succeeded') {
          delete d.error;
          const ids = d.dag?.subtasks.map((s) => s.id) ?? [];
          d.result =
            ids.length === 1 && ids[0]
              ? d.subtasks[ids[0]]?.result
              : Object.fromEntries(ids.map((id) => [id, d.subtasks[id]?.result]));
        }
        if (finalStatus === 'interrupted')
          d.error = {
            code: 'interrupted',
            message: `interrupted; continue with \`office resume ${taskId}\``,
          };
      });
      session.emit({
        type: 'task_finished',
        task_id: taskId,
        status: finalStatus,
        duration_ms: duration,
        ...(finished.error ? { message: finished.error.message } : {}),
      });
      await session.update();
    } finally {
      unlisten?.();
      await release();
    }
  }
}
