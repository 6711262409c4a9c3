// The seams the Office Manager works through: it imports no SDK, parser, UI or storage library, only these.
import type { ToolDefinition } from '../tools/define-tool.js';
import type { LoopEvent } from './events.js';

export type { ModelRouter } from '../models/types.js';
export type { TaskStore } from '../store/task-store.js';

/** Receives every loop event; the plain-line, stream-JSON and terminal UI reporters implement it. */
export interface Reporter {
  emit(event: LoopEvent): void;
}

export interface ToolRegistry {
  get(name: string): ToolDefinition | undefined;
  list(): readonly ToolDefinition[];
}

/** A step that policy says a person must approve. */
export interface ApprovalRequest {
  readonly taskId: string;
  readonly planId: string;
  readonly stepId: string;
  readonly tool: string;
  readonly risk: string;
  readonly inputs: unknown;
  /** Why policy asks (the rule that decided). */
  readonly reason: string;
  /** A model's risk assessment, when a gatekeeper ran. */
  readonly assessment?: string;
}

export type ApprovalAnswer =
  | { readonly decision: 'approve'; readonly scope: 'once' | 'tool' }
  | { readonly decision: 'deny'; readonly note?: string };

/** Asks a person. Absent when nobody can answer (no TTY, --ci): `ask` then stops the task as needs_approval. */
export interface Approver {
  ask(request: ApprovalRequest): Promise<ApprovalAnswer>;
}

/** Policy as one pure decision: data in, allow / ask / deny out, naming the rule that decided. */
export interface PolicyDecision {
  readonly type: 'allow' | 'ask' | 'deny';
  readonly rule: string;
  readonly reason: string;
}

export interface PolicyRequest {
  readonly tool: string;
  readonly risk: string;
  readonly paths: readonly { path: string; access: 'read' | 'write' }[];
  readonly command?: readonly string[];
  readonly interactive: boolean;
  readonly pluginTool: boolean;
}

export type PolicyFn = (request: PolicyRequest) => PolicyDecision;
