// Gatekeeper verdicts ("IT Security"): a model's risk assessment may only make a policy decision stricter.
import { z } from 'zod';
import type { Decision } from './decide.js';

/** A model's risk assessment of one step; parsed with this schema where the model's output arrives. */
export const riskAssessmentSchema = z.strictObject({
  level: z.enum(['low', 'medium', 'high']),
  reason: z.string().min(1),
});
export type RiskAssessment = z.infer<typeof riskAssessmentSchema>;

/**
 * Applies an assessment to a decision: a high-risk assessment turns allow into ask and ask into deny;
 * anything else leaves the decision as it was. Never loosens, whatever the assessment says.
 */
export function tighten(decision: Decision, assessment: RiskAssessment | undefined): Decision {
  if (assessment?.level !== 'high' || decision.type === 'deny') return decision;
  const type = decision.type === 'allow' ? 'ask' : 'deny';
  return {
    type,
    rule: `gatekeeper(${decision.rule})`,
    reason: `a risk assessment rated this step high risk: ${assessment.reason} (policy alone would ${decision.type}: ${decision.reason})`,
  };
}
