// Task document (the seed's "Archives" and "Task Scratchpad"): everything one task produced, stored as it happens.
import { z } from 'zod';
import { modelCallRecordSchema } from './model-call.js';
import { planSchema } from './plan.js';
import { reviewVerdictSchema } from './review.js';
import { subtaskDagSchema } from './subtask.js';

export const taskStatuses = [
  'running',
  'succeeded',
  'failed',
  'dead_lettered',
  'needs_approval',
  'escalated',
  'interrupted',
] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const subtaskStatuses = [
  'pending',
  'planning',
  'running',
  'succeeded',
  'failed',
  'needs_approval',
  'escalated',
  'dead_lettered',
] as const;
export type SubtaskStatus = (typeof subtaskStatuses)[number];

export const validationIssueSchema = z.strictObject({
  rule: z.string(),
  message: z.string(),
  step_id: z.string().optional(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

export const storedPlanSchema = z.strictObject({
  subtask_id: z.string(),
  iteration: z.int().min(1),
  source: z.enum(['template', 'model', 'memory']),
  by: z.string(),
  plan: planSchema,
  at: z.string(),
});

export const validationRecordSchema = z.strictObject({
  plan_id: z.string(),
  ok: z.boolean(),
  issues: z.array(validationIssueSchema),
  by: z.string(),
  at: z.string(),
});

export const approvalRecordSchema = z.strictObject({
  plan_id: z.string(),
  step_id: z.string(),
  tool: z.string(),
  risk: z.string(),
  decision: z.enum(['allow', 'ask', 'deny']),
  /** Who or what decided: a policy rule, `--yes`, `office approve`, or a person at the prompt. */
  by: z.string(),
  reason: z.string(),
  at: z.string(),
  /** What the step runs, exactly (tools that run programs). */
  command: z.array(z.string()).optional(),
  /** The paths it reads and writes (file tools). */
  paths: z.array(z.strictObject({ path: z.string(), access: z.enum(['read', 'write']) })).optional(),
  /** Where the step came from when a person should weigh it: a model that had read workspace files. */
  proposed_by: z.string().optional(),
});

export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;

export const stepResultSchema = z.strictObject({
  idempotency_key: z.string(),
  plan_id: z.string(),
  step_id: z.string(),
  action: z.string(),
  status: z.enum(['started', 'succeeded', 'failed']),
  /** Hash of the action and resolved inputs: a stored result is reused only for the same step. */
  input_hash: z.string(),
  attempts: z.int().min(0),
  started_at: z.string(),
  finished_at: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  model_generated: z.boolean().optional(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export const reviewRecordSchema = z.strictObject({
  plan_id: z.string(),
  subtask_id: z.string(),
  iteration: z.int().min(1),
  review: reviewVerdictSchema,
  at: z.string(),
});

export const taskEventSchema = z.looseObject({ at: z.string(), type: z.string() });
export type TaskEvent = z.infer<typeof taskEventSchema>;

export const subtaskStateSchema = z.strictObject({
  status: z.enum(subtaskStatuses),
  /** Plans made for this subtask so far (plan ids count up: <subtask>.p1, .p2, …). */
  iteration: z.int().min(0),
  /** Iterations before the last `office dlq retry`: the limit counts from here. */
  iteration_base: z.int().min(0).default(0),
  /** Feedback kept across REVISE rounds, handed to the next plan (the scratchpad). */
  scratchpad: z.array(z.string()),
  result: z.unknown().optional(),
  current_plan_id: z.string().optional(),
});
export type SubtaskState = z.infer<typeof subtaskStateSchema>;

export const taskOptionsSchema = z.looseObject({
  yes: z.boolean().default(false),
  maxIterations: z.int().min(1).optional(),
  offline: z.boolean().default(false),
  /**
   * The folder office was run from, relative to the workspace root ('' for the root itself): paths in the request
   * are relative to it. Absent when office ran outside the workspace (--dir elsewhere): paths are then relative to
   * the root.
   */
  cwd: z.string().optional(),
});
export type TaskOptions = z.infer<typeof taskOptionsSchema>;

export const taskDocumentSchema = z.strictObject({
  version: z.literal(1),
  task_id: z.string(),
  request: z.string(),
  workspace: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  status: z.enum(taskStatuses),
  options: taskOptionsSchema,
  dag: subtaskDagSchema.nullable(),
  subtasks: z.record(z.string(), subtaskStateSchema),
  plans: z.array(storedPlanSchema),
  validations: z.array(validationRecordSchema),
  approvals: z.array(approvalRecordSchema),
  /** Keyed by idempotency_key: a resumed task never re-runs a step stored here as succeeded. */
  steps: z.record(z.string(), stepResultSchema),
  reviews: z.array(reviewRecordSchema),
  events: z.array(taskEventSchema),
  model_calls: z.array(modelCallRecordSchema),
  result: z.unknown().optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  finished_at: z.string().optional(),
  duration_ms: z.number().optional(),
});
export type TaskDocument = z.infer<typeof taskDocumentSchema>;
