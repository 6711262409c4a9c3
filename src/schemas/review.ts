// Review verdict (the seed's "QA"): APPROVE, REVISE with feedback for the next plan, or ESCALATE to a person.
import { z } from 'zod';

export const reviewFeedbackSchema = z.strictObject({
  step_id: z.string().optional(),
  problem: z.string(),
  suggestion: z.string().optional(),
});

export const reviewVerdictSchema = z.strictObject({
  verdict: z.enum(['APPROVE', 'REVISE', 'ESCALATE']),
  summary: z.string(),
  feedback: z.array(reviewFeedbackSchema).default([]),
  /** Who decided: the deterministic checks, or a model (named `provider:model`). */
  by: z.string().default('rules'),
});

export type ReviewFeedback = z.infer<typeof reviewFeedbackSchema>;
export type ReviewVerdict = z.infer<typeof reviewVerdictSchema>;
