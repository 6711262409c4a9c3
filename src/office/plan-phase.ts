// Strategist and Senior Reviewer at work for one subtask round: recall, plan, validate (rules, then a small model
// for plans a model made), store the plan and its validation — or dead-letter the subtask when its rounds run out.
import type { Plan } from '../schemas/plan.js';
import type { Subtask } from '../schemas/subtask.js';
import type { SubtaskState, TaskDocument } from '../schemas/task.js';
import { resolveInside } from '../util/workspace.js';
import { remember, type TaskSession } from './task-session.js';
import { validatePlan } from './validate.js';

export type PlanPhaseOutcome =
  | { readonly kind: 'planned'; readonly plan: Plan; readonly doc: TaskDocument }
  /** The plan was rejected; its reasons are in the scratchpad for the next round. */
  | { readonly kind: 'rejected' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'dead_lettered' };

/** The steps of a plan as proposed, whatever shape it has (a rejected plan may not fit the contract). */
function proposedSteps(plan: unknown): { step_id: string; action: string; inputs: unknown }[] {
  const steps = (plan as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  return steps.map((raw: unknown) => {
    const step = (raw ?? {}) as { step_id?: unknown; action?: unknown; inputs?: unknown };
    return {
      step_id: String(step.step_id ?? '?'),
      action: String(step.action ?? '?'),
      inputs: step.inputs ?? null,
    };
  });
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

async function deadLetter(
  session: TaskSession,
  subtask: Subtask,
  doc: TaskDocument,
  state: SubtaskState,
  rounds: number,
  why = 'no acceptable plan',
): Promise<PlanPhaseOutcome> {
  const reason =
    `subtask "${subtask.id}" (${subtask.goal}) found ${why} in ${rounds} ` +
    `iteration${rounds === 1 ? '' : 's'}; last feedback: ${state.scratchpad.at(-1) ?? 'none'}`;
  await deadLetterSubtask(session, subtask, doc, reason);
  return { kind: 'dead_lettered' };
}

/** Ends a subtask in the dead-letter queue with `reason` (shown by `office dlq` and as the task's error). */
export async function deadLetterSubtask(
  session: TaskSession,
  subtask: Subtask,
  doc: TaskDocument,
  reason: string,
): Promise<void> {
  const { deps, taskId } = session;
  await deps.store.deadLetter({
    task_id: taskId,
    request: doc.request,
    reason,
    subtask_id: subtask.id,
    at: session.now().toISOString(),
  });
  await session.update((d) => {
    const s = d.subtasks[subtask.id];
    if (s) s.status = 'dead_lettered';
    d.error = { code: 'dead_lettered', message: reason };
  });
}

export async function planPhase(
  session: TaskSession,
  subtask: Subtask,
  doc: TaskDocument,
  state: SubtaskState,
  maxIterations: number,
): Promise<PlanPhaseOutcome> {
  const { deps, taskId } = session;
  if (state.iteration - state.iteration_base >= maxIterations)
    return deadLetter(session, subtask, doc, state, maxIterations);
  const iteration = state.iteration + 1;
  await session.update((d) => {
    const s = d.subtasks[subtask.id];
    if (s) s.status = 'planning';
  });
  const inputs = Object.fromEntries(subtask.dependencies.map((id) => [id, doc.subtasks[id]?.result]));
  // Templates need no memory; for everything else, recall similar plans and lessons once per round.
  const recalled =
    deps.memory && !subtask.template
      ? await deps.memory.recall({ taskId, request: doc.request, subtaskId: subtask.id, goal: subtask.goal })
      : undefined;
  const produced = await deps.plan({
    taskId,
    request: doc.request,
    ...(doc.options.cwd !== undefined ? { cwd: doc.options.cwd } : {}),
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
    return { kind: 'failed' };
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
    source: produced.source,
    by: produced.by,
    ...(validation.ok ? {} : { steps: proposedSteps(produced.plan) }),
  });
  const stored = await session.update((d) => {
    const at = session.now().toISOString();
    if (validation.plan) {
      d.plans.push({
        subtask_id: subtask.id,
        iteration,
        source: produced.source,
        by: produced.by,
        plan: validation.plan,
        at,
      });
    }
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
      s.scratchpad.push(`plan ${planId} was rejected: ${validation.issues.map((i) => i.message).join('; ')}`);
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
    // A template plans the same way every round: once its plan is rejected, more rounds cannot help.
    const now = stored.subtasks[subtask.id];
    if (produced.source === 'template' && now) {
      return deadLetter(
        session,
        subtask,
        stored,
        now,
        iteration - now.iteration_base,
        'no acceptable plan (a template plans the same way every round)',
      );
    }
    return { kind: 'rejected' };
  }
  return { kind: 'planned', plan: validation.plan, doc: stored };
}
