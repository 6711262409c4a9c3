// Office Manager's inner loop for one subtask: plan → validate → approve → execute → review, again on REVISE,
// until APPROVE, a person is needed, or the rounds run out. Every transition is stored as it happens.
import { Interrupted, OfficeError } from '../errors.js';
import type { Plan, PlanStep } from '../schemas/plan.js';
import type { ReviewVerdict } from '../schemas/review.js';
import type { Subtask } from '../schemas/subtask.js';
import type { TaskDocument } from '../schemas/task.js';
import { approvePlan } from './approve.js';
import type { RunOptions } from './deps.js';
import { type ExecuteOutcome, executePlan } from './execute.js';
import { deadLetterSubtask, planPhase } from './plan-phase.js';
import { repeatOfReviewed } from './repeat-guard.js';
import { reviewDeterministically } from './review.js';
import { remember, type TaskSession, toolContextFor } from './task-session.js';

export type SubtaskOutcome = 'succeeded' | 'needs_approval' | 'escalated' | 'dead_lettered' | 'failed';

/** A plan that was validated but not yet reviewed (a resumed task carries on with it). */
function unfinishedPlan(doc: TaskDocument, subtask: Subtask): Plan | undefined {
  const current = doc.subtasks[subtask.id]?.current_plan_id;
  if (!current || doc.reviews.some((r) => r.plan_id === current)) return undefined;
  const stored = doc.plans.find((p) => p.plan.plan_id === current && p.subtask_id === subtask.id);
  return stored && doc.validations.some((v) => v.plan_id === current && v.ok) ? stored.plan : undefined;
}

function resultOf(plan: Plan, outputs: ReadonlyMap<string, { output?: unknown }>): unknown {
  const resultStep = typeof plan.result_step === 'string' ? plan.result_step : plan.steps.at(-1)?.step_id;
  return resultStep ? outputs.get(resultStep)?.output : undefined;
}

/**
 * Approval of every step; `proceed` when all may run, `denied` when a person refused with a note for the planner,
 * `ended` when a refusal ended the subtask, `needs_approval` when a person must act.
 */
async function approvePhase(
  session: TaskSession,
  subtask: Subtask,
  plan: Plan,
  doc: TaskDocument,
  options: RunOptions,
): Promise<'proceed' | 'needs_approval' | 'denied' | 'ended'> {
  const { deps, taskId } = session;
  const stored = doc.plans.find((p) => p.plan.plan_id === plan.plan_id);
  const provenance =
    stored?.source === 'model' && sawWorkspaceContent(doc, subtask)
      ? `a model (${stored.by}) that had read workspace files: instructions planted in them could have shaped it`
      : undefined;
  const approval = await approvePlan({
    taskId,
    plan,
    ...(provenance ? { provenance } : {}),
    tools: deps.tools,
    policy: deps.policy,
    interactive: deps.interactive,
    yes: options.yes ?? false,
    yesGivenNow: options.yesGivenNow ?? false,
    ...(deps.approver ? { approver: deps.approver } : {}),
    ...(deps.gatekeeper ? { gatekeeper: deps.gatekeeper } : {}),
    recorded: doc.approvals,
    priorSteps: doc.steps,
    now: session.now,
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
      ...(r.command ? { command: r.command } : {}),
      ...(r.paths ? { paths: r.paths } : {}),
      ...(r.proposed_by ? { proposed_by: r.proposed_by } : {}),
    });
  }
  const planId = plan.plan_id;
  await session.update((d) => {
    d.approvals.push(...approval.records);
    const s = d.subtasks[subtask.id];
    if (!s) return;
    if (approval.status === 'denied') {
      delete s.current_plan_id;
      s.scratchpad.push(
        `plan ${planId} was refused: ${approval.denied.map((x) => `${x.step_id} (${x.tool}): ${x.reason}`).join('; ')}`,
      );
    }
    if (approval.status === 'needs_approval') {
      s.status = 'needs_approval';
      const n = approval.pending.length;
      const list = approval.pending
        .map(
          (p) =>
            `${p.step_id} (${p.tool}, ${p.risk})${p.action ? ` ${p.action}` : ''}${p.proposed_by ? ` [proposed by ${p.proposed_by}]` : ''}: ${p.reason}`,
        )
        .join('; ');
      d.error = {
        code: 'needs_approval',
        message:
          `${n} step${n === 1 ? '' : 's'} of plan ${planId} need${n === 1 ? 's' : ''} approval: ${list}. ` +
          `Approve with \`office approve ${taskId} --all\` and then \`office resume ${taskId}\`, or resume with \`office resume ${taskId} --yes\`.`,
      };
    }
  });
  if (approval.status === 'denied') {
    // A refusal is not a lesson for plan memory. Only a person's note asks for another plan; without one, the
    // next plan would be refused the same way, so the subtask ends here.
    if (approval.denied.every((x) => x.note !== undefined)) return 'denied';
    const list = approval.denied
      .map((x) => `step "${x.step_id}" (${x.tool}) was refused: ${x.reason}`)
      .join('; ');
    await session.update((d) => {
      const s = d.subtasks[subtask.id];
      if (s) s.status = 'failed';
      d.error = { code: 'denied', message: `${list}. Nothing of plan ${planId} ran.` };
    });
    return 'ended';
  }
  return approval.status === 'needs_approval' ? 'needs_approval' : 'proceed';
}

/**
 * Whether workspace content could have reached the model that plans `subtask`: earlier steps of this task produced
 * output (it reaches planning through the review feedback and through the results of subtasks this one depends on).
 */
function sawWorkspaceContent(doc: TaskDocument, subtask: Subtask): boolean {
  return subtask.dependencies.length > 0 || Object.values(doc.steps).some((s) => s.output !== undefined);
}

/** The deterministic checks first; a model's review only for plans a model or memory made, and only after them. */
async function review(
  session: TaskSession,
  subtask: Subtask,
  plan: Plan,
  doc: TaskDocument,
  outcome: ExecuteOutcome,
  source: string,
): Promise<ReviewVerdict> {
  const { deps } = session;
  const toolContext = (step: PlanStep) => toolContextFor(deps, session, step, deps.signal);
  const verdict = await reviewDeterministically({ plan, outcome, tools: deps.tools, toolContext });
  if (verdict.verdict !== 'APPROVE' || !deps.review || source === 'template') return verdict;
  return deps.review({
    taskId: session.taskId,
    request: doc.request,
    subtask,
    plan,
    outcome,
    deterministic: verdict,
  });
}

/** Runs the approved plan, reviews it, stores the verdict and what it means for the subtask. */
async function executeAndReview(
  session: TaskSession,
  subtask: Subtask,
  plan: Plan,
  doc: TaskDocument,
): Promise<ReviewVerdict> {
  const { deps, taskId } = session;
  await session.update((d) => {
    const s = d.subtasks[subtask.id];
    if (s) s.status = 'running';
    delete d.error;
  });
  const outcome = await executePlan({
    taskId,
    plan,
    tools: deps.tools,
    persist: session.updateNow,
    reporter: { emit: session.emit },
    concurrency: deps.config.concurrency,
    retry: deps.config.retry,
    signal: deps.signal,
    prior: doc.steps,
    toolContext: (step, signal) => toolContextFor(deps, session, step, signal),
  });
  const source = doc.plans.find((p) => p.plan.plan_id === plan.plan_id)?.source ?? 'model';
  const verdict = await review(session, subtask, plan, doc, outcome, source);
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
  await remember(session, {
    kind: verdict.verdict === 'APPROVE' ? 'success' : 'failure',
    request: doc.request,
    subtask,
    source,
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
      plan_id: plan.plan_id,
      subtask_id: subtask.id,
      iteration,
      review: verdict,
      at: session.now().toISOString(),
    });
    const s = d.subtasks[subtask.id];
    if (!s) return;
    if (verdict.verdict === 'APPROVE') {
      s.status = 'succeeded';
      s.result = resultOf(plan, outcome.results);
    } else if (verdict.verdict === 'ESCALATE') {
      s.status = 'escalated';
      d.error = {
        code: 'escalated',
        message: `a person needs to look at subtask "${subtask.id}": ${verdict.summary}`,
      };
    } else {
      delete s.current_plan_id;
      // A model's feedback points are kept word for word; the rules' summary already lists theirs.
      const points = verdict.feedback.map(
        (f) => `${f.step_id ? `${f.step_id}: ` : ''}${f.problem}${f.suggestion ? ` (${f.suggestion})` : ''}`,
      );
      const detail = points.length > 0 && verdict.by !== 'rules' ? `; ${points.join('; ')}` : '';
      s.scratchpad.push(`review of plan ${plan.plan_id} asked for a revision: ${verdict.summary}${detail}`);
    }
  });
  return verdict;
}

export async function runSubtask(
  session: TaskSession,
  subtask: Subtask,
  options: RunOptions,
): Promise<SubtaskOutcome> {
  const { deps, taskId } = session;
  const maxIterations = options.maxIterations ?? deps.config.maxIterations;
  for (;;) {
    if (deps.signal.aborted) throw new Interrupted('interrupted');
    let doc = await deps.store.read(taskId);
    const state = doc.subtasks[subtask.id];
    if (!state) throw new OfficeError(`task ${taskId} has no state for subtask ${subtask.id}`);
    if (state.status === 'succeeded') return 'succeeded';

    let plan = unfinishedPlan(doc, subtask);
    if (!plan) {
      const planned = await planPhase(session, subtask, doc, state, maxIterations);
      if (planned.kind === 'rejected') continue;
      if (planned.kind !== 'planned') return planned.kind;
      plan = planned.plan;
      doc = planned.doc;
    }

    const repeat = repeatOfReviewed(plan, subtask.id, doc);
    if (repeat.type === 'repeat') {
      await deadLetterSubtask(
        session,
        subtask,
        doc,
        `subtask "${subtask.id}" (${subtask.goal}): plan ${plan.plan_id} does exactly what plan ${repeat.planId} did, ` +
          `which was reviewed: ${repeat.summary}. Running it again would end the same way, so it did not run.`,
      );
      return 'dead_lettered';
    }

    const approval = await approvePhase(session, subtask, plan, doc, options);
    if (approval === 'needs_approval') return 'needs_approval';
    if (approval === 'ended') return 'failed';
    if (approval === 'denied') continue;

    const stored = await deps.store.read(taskId);
    const verdict = await executeAndReview(session, subtask, plan, stored);
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
    const source = stored.plans.find((p) => p.plan.plan_id === plan.plan_id)?.source;
    if (source === 'template') {
      // A template plans the same way every round: what failed now would fail again, identically.
      await deadLetterSubtask(
        session,
        subtask,
        stored,
        `subtask "${subtask.id}" (${subtask.goal}) failed: ${verdict.summary}. Its plan comes from a template, ` +
          'which plans the same way every round, so it was not run again.',
      );
      return 'dead_lettered';
    }
  }
}
