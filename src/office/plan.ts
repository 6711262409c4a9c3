// Planner ("Strategist"): one contract-valid plan per subtask and iteration — from a template when one matched,
// from a model when one is reachable, with the feedback of earlier rounds (the scratchpad).
import type { Plan } from '../schemas/plan.js';
import type { Subtask } from '../schemas/subtask.js';
import type { Template } from '../schemas/template.js';
import type { ReusablePlan } from './ports.js';
import { planFromTemplate, stepInputHash } from './templates.js';

export interface PlanRequest {
  readonly taskId: string;
  readonly request: string;
  /** The folder the request was made in, workspace-relative: its paths are relative to it. */
  readonly cwd?: string;
  readonly subtask: Subtask;
  readonly iteration: number;
  /** Feedback from validation, approval and review of earlier rounds. */
  readonly scratchpad: readonly string[];
  /** Results of the subtasks this one depends on. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Similar past plans and lessons, already trimmed, for model planners. */
  readonly memory?: string;
  /** A past plan that succeeded for this very request and goal on an unchanged workspace. */
  readonly reusable?: ReusablePlan;
}

export interface PlanProduced {
  readonly plan: unknown;
  readonly source: 'template' | 'model' | 'memory';
  readonly by: string;
}

/** A planner that can decline (returns undefined) so that the next one in the chain answers. */
export type Planner = (request: PlanRequest) => Promise<PlanProduced | undefined>;

export function templatePlanner(templates: readonly Template[], now: () => Date): Planner {
  return async (req) => {
    const plan: Plan | undefined = planFromTemplate(req.subtask, templates, req.taskId, req.iteration, now());
    return plan ? { plan, source: 'template', by: `template:${req.subtask.template?.id}` } : undefined;
  };
}

/** Tries each planner in order; the first that answers wins. */
export function plannerChain(planners: readonly Planner[]): Planner {
  return async (req) => {
    for (const planner of planners) {
      const produced = await planner(req);
      if (produced) return produced;
    }
    return undefined;
  };
}

/**
 * Reuses a remembered plan (0 tokens): the same steps, re-keyed for this task. It is still validated and
 * approved like any plan.
 */
export function memoryPlanner(now: () => Date): Planner {
  return async (req) => {
    const reusable = req.reusable;
    if (!reusable || req.scratchpad.length > 0) return undefined;
    const planId = `${req.subtask.id}.p${req.iteration}`;
    const steps = reusable.steps.map((s) => ({
      step_id: s.step_id,
      action: s.action,
      inputs: { ...s.inputs },
      dependencies: [...(s.dependencies ?? [])],
      parallelizable: s.parallelizable ?? false,
      timeout_seconds: s.timeout_seconds ?? 300,
      idempotency_key: `${req.taskId}:${planId}:${s.step_id}:${stepInputHash(s.action, s.inputs)}`,
    }));
    const plan: Plan = {
      plan_id: planId,
      task_id: req.taskId,
      generated_at: now().toISOString(),
      ...(reusable.confidence !== undefined ? { confidence: reusable.confidence } : {}),
      metadata: {
        priority: req.subtask.priority,
        required_tools: [...new Set(steps.map((s) => s.action))],
        estimated_cost_tokens: 0,
        reused_from: reusable.memory_id,
      },
      steps,
    };
    return { plan, source: 'memory', by: `memory:${reusable.memory_id}` };
  };
}
