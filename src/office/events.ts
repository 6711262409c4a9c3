// Loop events (the seed's "Control Room" feed): what the loop emits; reporters turn them into lines, UI or JSON.
import type { ModelCallRecord } from '../models/types.js';
import type { ValidationIssue } from '../schemas/task.js';

export type LoopEvent =
  | { type: 'task_started'; task_id: string; request: string; resumed: boolean }
  | {
      type: 'decomposed';
      task_id: string;
      by: string;
      subtasks: { id: string; goal: string; dependencies: string[] }[];
    }
  | {
      type: 'subtask_planned';
      task_id: string;
      subtask_id: string;
      plan_id: string;
      iteration: number;
      source: string;
      by: string;
      steps: { step_id: string; action: string }[];
    }
  | {
      type: 'plan_validated';
      task_id: string;
      subtask_id: string;
      plan_id: string;
      ok: boolean;
      issues: ValidationIssue[];
      /** Who made the plan (`template`, `model`, `memory`) and which planner (for the audit of a rejection). */
      source?: string;
      by?: string;
      /** A rejected plan's steps as proposed, for the audit trail. */
      steps?: { step_id: string; action: string; inputs: unknown }[];
    }
  | {
      type: 'step_approval';
      task_id: string;
      plan_id: string;
      step_id: string;
      tool: string;
      risk: string;
      decision: 'allow' | 'ask' | 'deny';
      by: string;
      reason: string;
      /** Exactly what the step runs or touches, for the audit trail and the person approving. */
      command?: string[];
      paths?: { path: string; access: 'read' | 'write' }[];
      proposed_by?: string;
    }
  | { type: 'step_started'; task_id: string; step_id: string; action: string; attempt: number }
  | {
      type: 'step_finished';
      task_id: string;
      step_id: string;
      action: string;
      status: 'succeeded' | 'failed' | 'reused';
      duration_ms: number;
      /** The inputs the tool ran with (for the audit trail). */
      inputs?: unknown;
      /** For commands: the exit code (null when killed by a signal or timed out). */
      exit_code?: number | null;
      summary?: string;
      error?: string;
    }
  | { type: 'step_retry'; task_id: string; step_id: string; attempt: number; delay_ms: number; error: string }
  | {
      type: 'review';
      task_id: string;
      subtask_id: string;
      plan_id: string;
      iteration: number;
      verdict: 'APPROVE' | 'REVISE' | 'ESCALATE';
      summary: string;
      by: string;
    }
  | { type: 'subtask_finished'; task_id: string; subtask_id: string; status: string }
  | { type: 'model_call'; task_id: string; call: ModelCallRecord }
  | { type: 'fallback'; task_id: string; role: string; reason: string }
  | { type: 'progress'; task_id: string; step_id: string; message: string }
  | { type: 'task_finished'; task_id: string; status: string; duration_ms: number; message?: string };

export type LoopEventType = LoopEvent['type'];
