// Result reviewer ("QA"): APPROVE, REVISE with feedback, or ESCALATE. Deterministic checks per tool come first;
// a model's opinion (when one is wired) can only add doubts, never approve what the checks refused.
import type { z } from 'zod';
import type { Plan, PlanStep } from '../schemas/plan.js';
import type { ReviewFeedback, ReviewVerdict } from '../schemas/review.js';
import type { ToolContext } from '../tools/define-tool.js';
import type { ExecuteOutcome } from './execute.js';
import type { ToolRegistry } from './ports.js';

export interface ReviewContext {
  readonly plan: Plan;
  readonly outcome: ExecuteOutcome;
  readonly tools: ToolRegistry;
  toolContext(step: PlanStep): ToolContext;
}

export async function reviewDeterministically(ctx: ReviewContext): Promise<ReviewVerdict> {
  const feedback: ReviewFeedback[] = [];
  let escalate = false;
  const notes: string[] = [];
  for (const step of ctx.plan.steps) {
    const result = ctx.outcome.results.get(step.step_id);
    if (!result) {
      feedback.push({ step_id: step.step_id, problem: 'did not run because a step it depends on failed' });
      continue;
    }
    if (result.status !== 'succeeded') {
      feedback.push({
        step_id: step.step_id,
        problem: `${step.action} failed: ${result.error ?? 'unknown error'}`,
        suggestion: 'change the step inputs or use another tool',
      });
      continue;
    }
    const tool = ctx.tools.get(step.action);
    if (!tool?.review || tool.modelGenerated) continue;
    const parsed = (tool.input as z.ZodType).safeParse(step.inputs);
    const verdict = await tool.review(
      parsed.success ? parsed.data : step.inputs,
      result.output,
      ctx.toolContext(step),
    );
    if (verdict.ok) {
      if (verdict.note) notes.push(`${step.step_id}: ${verdict.note}`);
      continue;
    }
    if (verdict.escalate) escalate = true;
    feedback.push({
      step_id: step.step_id,
      problem: verdict.problem,
      ...(verdict.suggestion ? { suggestion: verdict.suggestion } : {}),
    });
  }
  if (feedback.length === 0) {
    return {
      verdict: 'APPROVE',
      summary: notes.length > 0 ? notes.join('; ') : 'every step succeeded and passed its checks',
      feedback: [],
      by: 'rules',
    };
  }
  return {
    verdict: escalate ? 'ESCALATE' : 'REVISE',
    summary: feedback.map((f) => (f.step_id ? `${f.step_id}: ${f.problem}` : f.problem)).join('; '),
    feedback,
    by: 'rules',
  };
}
