// Model call records ("Model Selector" telemetry): one per call or refusal, stored in the task document.
import { z } from 'zod';
import { tierNames } from './config.js';

export const modelRoles = ['decompose', 'plan', 'validate', 'review', 'gatekeeper', 'ask', 'embed'] as const;
export type ModelRole = (typeof modelRoles)[number];

export const modelCallOutcomes = [
  'ok',
  'error',
  'timeout',
  'rate_limited',
  'invalid_output',
  'refused_budget',
  'circuit_open',
  /** Not called: a cloud candidate without its API key. */
  'skipped',
] as const;
export type ModelCallOutcome = (typeof modelCallOutcomes)[number];

export const modelCallRecordSchema = z.strictObject({
  at: z.string(),
  role: z.enum(modelRoles),
  tier: z.enum(tierNames),
  provider: z.string(),
  model: z.string(),
  tokens_in: z.number().min(0),
  tokens_out: z.number().min(0),
  /** True when the provider reported no usage and the counts are estimates. */
  tokens_estimated: z.boolean(),
  cost_usd: z.number().min(0),
  latency_ms: z.number().min(0),
  cache_hit: z.boolean(),
  outcome: z.enum(modelCallOutcomes),
  error: z.string().optional(),
  task_id: z.string().optional(),
  /** Groups the records of one generate/embed request (a request with no `ok` record fell back). */
  request_id: z.string().optional(),
  /** True when office cut the middle of the prompt to fit the model's context window. */
  prompt_trimmed: z.boolean().optional(),
});
export type ModelCallRecord = Readonly<z.infer<typeof modelCallRecordSchema>>;
