// `office serve`'s HTTP API ("Receptionist"): every body it reads or writes, checked at the boundary; the OpenAPI
// document at /openapi.json is generated from these.
import { z } from 'zod';
import { prioritySchema } from './backends.js';
import { pendingStepSchema, runTaskResultSchema } from './mcp.js';
import { taskStatuses, webhookDeliverySchema } from './task.js';

export const submitTaskBodySchema = z
  .strictObject({
    request: z
      .string()
      .trim()
      .min(1, 'say what to do, e.g. "trace checkout to chargeCard in ./src"')
      .max(10_000),
    options: z
      .strictObject({
        max_iterations: z.int().min(1).max(20).optional(),
        /** Use no model for this task: templates, rules and deterministic review only. */
        offline: z.boolean().optional(),
        /** With `office worker`s behind the server: the place in their queue, 1 (runs first) to 1000; default 100. */
        priority: prioritySchema.optional(),
      })
      .prefault({}),
    /** POSTed with the outcome when the task finishes (signed with OFFICE_WEBHOOK_SECRET). */
    callback_url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  })
  .describe('A request for office, as `office run` takes it.');
export type SubmitTaskBody = z.infer<typeof submitTaskBodySchema>;

export const taskAcceptedSchema = z.strictObject({
  task_id: z.string(),
  status_url: z.string(),
  events_url: z.string(),
  /** True when the Idempotency-Key named a task submitted before (nothing new was started). */
  replayed: z.boolean(),
});

/** Where a task is now, beyond its result: queued, running, waiting for a person, or finished. */
export const taskProgressSchema = z.strictObject({
  state: z.enum(['queued', 'running', 'waiting', 'finished', 'interrupted']),
  stored_status: z.enum(taskStatuses),
  tenant: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  subtasks_done: z.int(),
  subtasks_total: z.int(),
  steps_finished: z.int(),
  events: z.int(),
});

export const taskViewSchema = runTaskResultSchema
  .omit({ approve_with: true })
  .extend({
    progress: taskProgressSchema,
    webhooks: z.array(webhookDeliverySchema),
  })
  .describe(
    "`office run --json`'s object, plus progress, the steps waiting for approval (with argv) and webhooks.",
  );
export type TaskView = z.infer<typeof taskViewSchema>;

export const taskListQuerySchema = z.strictObject({
  status: z.enum([...taskStatuses, 'queued', 'waiting']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Opaque: the `next_cursor` of the previous page. */
  cursor: z.string().optional(),
});

export const taskRowSchema = z.strictObject({
  task_id: z.string(),
  status: z.enum(taskStatuses),
  state: taskProgressSchema.shape.state,
  request: z.string(),
  tenant: z.string(),
  created_at: z.string(),
  duration_ms: z.number().nullable(),
  waiting_steps: z.int(),
});

export const taskListSchema = z.strictObject({
  tasks: z.array(taskRowSchema),
  next_cursor: z.string().nullable(),
});

export const approvalBodySchema = z.strictObject({
  steps: z.array(z.string().min(1)).min(1, 'name at least one step waiting for approval'),
  decision: z.enum(['approve', 'deny']),
  /** With a denial: what to do instead; it goes back to the planner. */
  note: z.string().max(2_000).optional(),
});
export type ApprovalBody = z.infer<typeof approvalBodySchema>;

export const approvalResultSchema = z.strictObject({
  task_id: z.string(),
  decision: z.enum(['approve', 'deny']),
  steps: z.array(pendingStepSchema),
  /** The task was queued again and carries on. */
  resumed: z.boolean(),
});

export const cancelResultSchema = z.strictObject({
  task_id: z.string(),
  /** What cancelling did: stopped a running task, removed a queued one, or ended one waiting for approval. */
  was: z.enum(['running', 'queued', 'waiting', 'interrupted']),
});

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    /** For a bad body: the field at fault, as a dotted path. */
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const usageSchema = z.strictObject({
  tenants: z.array(
    z.strictObject({
      tenant: z.string(),
      tasks_today: z.int(),
      tokens_today: z.int(),
      cost_usd_today: z.number(),
      tokens_total: z.int(),
      cost_usd_total: z.number(),
      active_tasks: z.int(),
    }),
  ),
});

export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'ready', 'starting', 'draining']),
  running: z.int().optional(),
  queued: z.int().optional(),
});
