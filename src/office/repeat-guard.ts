// Office Manager's repeat guard: whether another REVISE round could change anything. A template plans the same
// way every round, and a plan identical to one already reviewed would fail the same way: both end the subtask.
import type { Plan } from '../schemas/plan.js';
import type { TaskDocument } from '../schemas/task.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { secretValues } from '../config/secrets.js';
import { redactDeep } from '../util/redact.js';

/** What a plan would do, whatever its ids: each step's action, inputs and dependencies (as step positions). */
export function planFingerprint(plan: Plan): string {
  // Task documents hold plans as written to disk, masked: compare masked with masked.
  plan = redactDeep(plan, { secrets: secretValues() });
  const position = new Map(plan.steps.map((s, i) => [s.step_id, i] as const));
  return canonicalJson(
    plan.steps.map((s) => ({
      action: s.action,
      inputs: s.inputs,
      dependencies: (s.dependencies ?? []).map((d) => position.get(d) ?? d),
    })),
  );
}

export type RepeatDecision =
  | { readonly type: 'new' }
  | { readonly type: 'repeat'; readonly planId: string; readonly summary: string };

/**
 * Whether `plan` does exactly what a plan of the same subtask already reviewed did — since the last `office dlq
 * retry`, which is how a person says the world has changed.
 */
export function repeatOfReviewed(plan: Plan, subtaskId: string, doc: TaskDocument): RepeatDecision {
  const fingerprint = planFingerprint(plan);
  const since = doc.subtasks[subtaskId]?.iteration_base ?? 0;
  for (const review of doc.reviews) {
    if (review.subtask_id !== subtaskId || review.plan_id === plan.plan_id || review.iteration <= since)
      continue;
    const earlier = doc.plans.find((p) => p.plan.plan_id === review.plan_id)?.plan;
    if (earlier && planFingerprint(earlier) === fingerprint) {
      return { type: 'repeat', planId: review.plan_id, summary: review.review.summary };
    }
  }
  return { type: 'new' };
}
