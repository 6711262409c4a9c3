// Templates (the offline "Task Analyst" and "Strategist"): intent patterns → subtask DAG → contract-valid plans.
import { z } from 'zod';

export const templateStepSchema = z.strictObject({
  step_id: z.string(),
  action: z.string(),
  /**
   * JSON; a string "{{name}}" becomes the captured value, "{{name:int}}" a whole number, "{{name:argv}}" the
   * words of a command line (split like a shell, never run by one); "{{name}}" inside text is interpolated.
   */
  inputs: z.record(z.string(), z.unknown()),
  timeout_seconds: z.int().min(1).optional(),
  parallelizable: z.boolean().optional(),
  dependencies: z.array(z.string()).optional(),
});

export const templateSubtaskSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  goal: z.string(),
  tool_hints: z.array(z.string()).default([]),
  dependencies: z.array(z.string()).default([]),
  priority: z.int().min(0).default(0),
  steps: z.array(templateStepSchema).min(1),
  /** The step whose output is the subtask's result (default: the last step). */
  result_step: z.string().optional(),
});

export const templateSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  description: z.string(),
  /** Lower ranks are tried first, so specific phrasings win over general ones. */
  rank: z.int().default(100),
  /** Human-readable phrasings, shown in `office run --help` and the README. */
  phrasings: z.array(z.string()).min(1),
  /** Regular expressions with named groups, matched case-insensitively against the whole request (or one clause). */
  patterns: z.array(z.string()).min(1),
  defaults: z.record(z.string(), z.string()).default({}),
  /**
   * Parameters that are paths: written in a request they are relative to the folder office runs in, and are
   * turned into workspace-relative paths (defaults stay relative to the workspace root).
   */
  path_params: z.array(z.string()).default(['dir', 'path']),
  subtasks: z.array(templateSubtaskSchema).min(1),
});

export type Template = z.infer<typeof templateSchema>;
export type TemplateSubtask = z.infer<typeof templateSubtaskSchema>;
