// Subtask DAG (the seed's "Task Analyst" output): what decomposition hands to the Office Manager.
import { z } from 'zod';

export const subtaskSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"'),
  goal: z.string().min(1),
  dependencies: z.array(z.string()).default([]),
  tool_hints: z.array(z.string()).default([]),
  priority: z.int().min(0).default(0),
  /** Set by template decomposition: the template that matched and the values it captured. */
  template: z
    .strictObject({ id: z.string(), subtask: z.string(), params: z.record(z.string(), z.string()) })
    .optional(),
});

export const subtaskDagSchema = z.strictObject({
  subtasks: z.array(subtaskSchema).min(1),
});

export type Subtask = z.infer<typeof subtaskSchema>;
export type SubtaskDag = z.infer<typeof subtaskDagSchema>;
