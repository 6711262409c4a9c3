// Model-backed roles ("Task Analyst", "Strategist", "Senior Reviewer", "QA" with a model): each asks the router
// for structured output and, when no model answers, says so and leaves the decision to its deterministic fallback.
import { z } from 'zod';
import type { ModelRole, ModelRouter } from '../models/types.js';
import type { Plan } from '../schemas/plan.js';
import { type ReviewVerdict, reviewFeedbackSchema } from '../schemas/review.js';
import type { Decomposer } from './decompose.js';
import type { ModelFeed } from './model-feed.js';
import { failureSummary } from './model-feed.js';
import type { Planner } from './plan.js';
import type { ToolRegistry } from './ports.js';
import { fillPrompt, jsonForPrompt, type PromptSet, toolCatalog } from './prompts.js';
import type { Reviewer } from './reviewer.js';
import { stepInputHash } from './templates.js';

export interface ModelRoleContext {
  readonly router: ModelRouter;
  readonly prompts: PromptSet;
  readonly tools: ToolRegistry;
  readonly feed: ModelFeed;
  /** Token budget for one prompt's context. */
  readonly budgetTokens: number;
  readonly now: () => Date;
}

/** What a model returns for decomposition: the subtask DAG without template references. */
export const modelDagSchema = z.strictObject({
  subtasks: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9_-]+$/),
        goal: z.string().min(1),
        dependencies: z.array(z.string()),
        tool_hints: z.array(z.string()),
        priority: z.int().min(0),
      }),
    )
    .min(1)
    .max(12),
});

/** What a model returns for planning; office adds ids, keys, timestamps and metadata. */
export const modelPlanSchema = z.strictObject({
  confidence: z.number().min(0).max(1),
  steps: z
    .array(
      z.strictObject({
        step_id: z.string().min(1),
        action: z.string().min(1),
        inputs: z.record(z.string(), z.unknown()),
        dependencies: z.array(z.string()),
        parallelizable: z.boolean(),
        timeout_seconds: z.int().min(1),
      }),
    )
    .min(1)
    .max(20),
});

export const modelPlanCheckSchema = z.strictObject({
  verdict: z.enum(['ok', 'reject']),
  reason: z.string().optional(),
});

export const modelReviewSchema = z.strictObject({
  verdict: z.enum(['APPROVE', 'REVISE', 'ESCALATE']),
  summary: z.string(),
  feedback: z.array(reviewFeedbackSchema),
});

function fellBack(
  ctx: ModelRoleContext,
  role: ModelRole,
  reason: string,
  calls: Parameters<typeof failureSummary>[1],
): void {
  ctx.feed.publish({ type: 'fallback', role, reason: failureSummary(reason, calls) });
}

/**
 * The request as a model reads it: when it was made in a subfolder, a line saying so, because its paths are
 * relative to that folder while tool inputs take workspace-relative paths.
 */
export function requestInFolder(request: string, cwd: string | undefined): string {
  if (!cwd) return request;
  return (
    `${request}\n(Made in the folder "${cwd}" of the workspace: paths in this request are relative to it; ` +
    `tool inputs take paths relative to the workspace root, e.g. "${cwd}/…".)`
  );
}

export function modelDecomposer(ctx: ModelRoleContext): Decomposer {
  return async (text, context) => {
    const request = requestInFolder(text, context?.cwd);
    if (!ctx.router.enabled) return undefined;
    const result = await ctx.router.generate({
      role: 'decompose',
      schema: modelDagSchema,
      schemaName: 'subtask_dag',
      system: ctx.prompts.decompose.system,
      prompt: fillPrompt(
        ctx.prompts.decompose.user,
        { request, catalog: toolCatalog(ctx.tools, 'names') },
        { catalog: 0.8 },
        ctx.budgetTokens,
      ),
    });
    if (!result.ok) {
      fellBack(
        ctx,
        'decompose',
        'no model could decompose the request; only templates were tried',
        result.calls,
      );
      return undefined;
    }
    return { dag: result.value, by: `${result.provider}:${result.model}` };
  };
}

export function modelPlanner(ctx: ModelRoleContext): Planner {
  return async (req) => {
    if (!ctx.router.enabled) return undefined;
    const prompt = fillPrompt(
      ctx.prompts.plan.user,
      {
        request: requestInFolder(req.request, req.cwd),
        subtask_id: req.subtask.id,
        goal: req.subtask.goal,
        tool_hints: req.subtask.tool_hints.join(', ') || 'none',
        catalog: toolCatalog(ctx.tools),
        inputs: Object.keys(req.inputs).length > 0 ? jsonForPrompt(req.inputs, ctx.budgetTokens) : 'none',
        feedback: req.scratchpad.length > 0 ? req.scratchpad.map((f) => `- ${f}`).join('\n') : 'none',
        memory: req.memory ?? 'none',
      },
      { catalog: 0.35, inputs: 0.2, feedback: 0.15, memory: 0.25 },
      ctx.budgetTokens,
    );
    const result = await ctx.router.generate({
      role: 'plan',
      schema: modelPlanSchema,
      schemaName: 'plan',
      system: ctx.prompts.plan.system,
      prompt,
      taskId: req.taskId,
    });
    if (!result.ok) {
      fellBack(ctx, 'plan', `no model could plan subtask "${req.subtask.id}"`, result.calls);
      return undefined;
    }
    const tokens = result.calls.reduce((n, c) => n + c.tokens_in + c.tokens_out, 0);
    const steps = result.value.steps.map((s) => ({
      ...s,
      idempotency_key: `${req.taskId}:${req.subtask.id}.p${req.iteration}:${s.step_id}:${stepInputHash(s.action, s.inputs)}`,
    }));
    const plan: Plan = {
      plan_id: `${req.subtask.id}.p${req.iteration}`,
      task_id: req.taskId,
      generated_at: ctx.now().toISOString(),
      confidence: result.value.confidence,
      metadata: {
        priority: req.subtask.priority,
        required_tools: [...new Set(steps.map((s) => s.action))],
        estimated_cost_tokens: tokens,
      },
      steps,
    };
    return { plan, source: 'model', by: `${result.provider}:${result.model}` };
  };
}

export interface PlanCheck {
  readonly ok: boolean;
  readonly reason?: string;
  readonly by: string;
}

/** The small model's sanity check of a rule-valid plan; a timeout or no model lets the plan pass, and says so. */
export function modelPlanCheck(ctx: ModelRoleContext, timeoutMs: number) {
  return async (req: { taskId: string; goal: string; plan: Plan }): Promise<PlanCheck> => {
    if (!ctx.router.enabled) return { ok: true, by: 'rules' };
    const call = ctx.router.generate({
      role: 'validate',
      schema: modelPlanCheckSchema,
      schemaName: 'plan_check',
      system: ctx.prompts.validate.system,
      prompt: fillPrompt(ctx.prompts.validate.user, {
        goal: req.goal,
        plan: jsonForPrompt(req.plan.steps, ctx.budgetTokens),
      }),
      taskId: req.taskId,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      ctx.feed.publish({
        type: 'fallback',
        role: 'validate',
        reason: `the model check took over ${timeoutMs} ms; the plan passed on the rule checks alone`,
      });
      return { ok: true, by: 'rules' };
    }
    if (!result.ok) {
      fellBack(
        ctx,
        'validate',
        'no model checked the plan; it passed on the rule checks alone',
        result.calls,
      );
      return { ok: true, by: 'rules' };
    }
    const by = `rules+${result.provider}:${result.model}`;
    return result.value.verdict === 'ok'
      ? { ok: true, by }
      : { ok: false, reason: result.value.reason ?? 'rejected without a reason', by };
  };
}

/** A large model's review after the deterministic checks approved; it may only keep APPROVE or ask for more. */
export function modelReviewer(ctx: ModelRoleContext): Reviewer {
  return async (req) => {
    if (!ctx.router.enabled) return req.deterministic;
    const results = Object.fromEntries(
      [...req.outcome.results.values()].map((r) => [
        r.step_id,
        { action: r.action, status: r.status, model_generated: r.model_generated ?? false, output: r.output },
      ]),
    );
    const result = await ctx.router.generate({
      role: 'review',
      schema: modelReviewSchema,
      schemaName: 'review',
      system: ctx.prompts.review.system,
      prompt: fillPrompt(
        ctx.prompts.review.user,
        {
          request: req.request,
          goal: req.subtask.goal,
          plan: jsonForPrompt(req.plan.steps, ctx.budgetTokens),
          results: jsonForPrompt(results, ctx.budgetTokens),
        },
        { plan: 0.25, results: 0.6 },
        ctx.budgetTokens,
      ),
      taskId: req.taskId,
    });
    if (!result.ok) {
      fellBack(ctx, 'review', 'no model reviewed the result; the deterministic review stands', result.calls);
      return req.deterministic;
    }
    const verdict: ReviewVerdict = { ...result.value, by: `${result.provider}:${result.model}` };
    return verdict;
  };
}
