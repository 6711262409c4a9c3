// Planner ("Strategist"): one contract-valid plan per subtask and iteration — from a template when one matched,
// from a model when one is reachable, with the feedback of earlier rounds (the scratchpad).
import type { Plan } from '../schemas/plan.js';
import type { Subtask } from '../schemas/subtask.js';
import type { Template } from '../schemas/template.js';
import { planFromTemplate } from './templates.js';

export interface PlanRequest {
  readonly taskId: string;
  readonly request: string;
  readonly subtask: Subtask;
  readonly iteration: number;
  /** Feedback from validation, approval and review of earlier rounds. */
  readonly scratchpad: readonly string[];
  /** Results of the subtasks this one depends on. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Similar past plans and lessons, already trimmed, for model planners. */
  readonly memory?: string;
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
