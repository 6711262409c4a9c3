// Reviewer seam ("QA"): a second opinion after the deterministic checks approve.
import type { Plan } from '../schemas/plan.js';
import type { ReviewVerdict } from '../schemas/review.js';
import type { Subtask } from '../schemas/subtask.js';
import type { ExecuteOutcome } from './execute.js';

export interface ReviewRequest {
  readonly taskId: string;
  readonly request: string;
  readonly subtask: Subtask;
  readonly plan: Plan;
  readonly outcome: ExecuteOutcome;
  /** What the deterministic checks said (always APPROVE when a Reviewer is asked). */
  readonly deterministic: ReviewVerdict;
}

/** May only keep APPROVE or turn it into REVISE/ESCALATE; the orchestrator never asks it to overturn a refusal. */
export type Reviewer = (request: ReviewRequest) => Promise<ReviewVerdict>;
