// Plan contract (the seed's "Plan Contract Schema"): the zod twin of ../shared/contracts/plan.schema.json.
// It must accept exactly what the JSON Schema accepts; test/schemas/plan-contract.test.ts holds it to that.
import { z } from 'zod';
import { isDateTime } from './date-time.js';

/** An object in the JSON Schema sense: not null, not an array; extra keys kept. */
const jsonObject = z.record(z.string(), z.unknown());

/** A JSON Schema "integer": any whole number, also beyond 2^53 (zod's int() stops at the safe range). */
const integer = z.number().refine(Number.isInteger, 'expected an integer');

/** JSON Schema "date-time", judged as ajv-formats judges it. */
const dateTime = z.string().refine(isDateTime, 'expected an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z');

export const planStepSchema = z.looseObject({
  step_id: z.string(),
  action: z.string(),
  inputs: jsonObject,
  outputs_expectation: jsonObject.nullable().optional(),
  timeout_seconds: integer.optional(),
  parallelizable: z.boolean().optional(),
  idempotency_key: z.string(),
  dependencies: z.array(z.string()).optional(),
});

export const planMetadataSchema = z.looseObject({
  priority: integer.refine((n) => n >= 0, 'expected a number >= 0').optional(),
  required_tools: z.array(z.string()).optional(),
  estimated_cost_tokens: z.number().optional(),
  estimated_duration_seconds: z.number().optional(),
});

export const planSchema = z.looseObject({
  plan_id: z.string(),
  task_id: z.string(),
  generated_at: dateTime.optional(),
  confidence: z.number().min(0).max(1).optional(),
  metadata: planMetadataSchema,
  steps: z.array(planStepSchema),
});

export type PlanStep = z.infer<typeof planStepSchema>;
export type Plan = z.infer<typeof planSchema>;

/** Defaults the contract declares for fields a plan may omit. */
export const STEP_DEFAULTS = { timeout_seconds: 300, parallelizable: false } as const;

/**
 * A step input may take an earlier step's output through a reference: an object whose only key is
 * `$ref`, valued `"<step_id>"` or `"<step_id>.<path.into.output>"`. The validator checks that the
 * referenced step is among the step's dependencies.
 */
export const stepRefSchema = z.strictObject({ $ref: z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/) });
export type StepRef = z.infer<typeof stepRefSchema>;

export function isStepRef(value: unknown): value is StepRef {
  return stepRefSchema.safeParse(value).success;
}
