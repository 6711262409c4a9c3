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
  /** Exactly what the step will do (`runs npm test (in .)`, `reads .env`), never shortened. */
  readonly action: string;
  /** For tools that run programs: the argv. */
  readonly command?: readonly string[];
  /** Set when a model proposed the step after workspace content reached it: weigh it as untrusted. */
  readonly provenance?: string;
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

/** A past plan worth reusing as it is: same request and subtask goal, succeeded, on an unchanged workspace. */
export interface ReusablePlan {
  readonly memory_id: string;
  /** The steps as they ran (action, inputs, dependencies, parallelizable, timeout_seconds). */
  readonly steps: readonly {
    readonly step_id: string;
    readonly action: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly dependencies?: readonly string[];
    readonly parallelizable?: boolean;
    readonly timeout_seconds?: number;
  }[];
  readonly confidence?: number;
}

export interface RecallQuery {
  readonly taskId: string;
  readonly request: string;
  readonly subtaskId: string;
  readonly goal: string;
}

export interface Recollection {
  /** Similar successes and lessons from failures, as prompt text already trimmed to a budget ('' when none). */
  readonly text: string;
  readonly reusable?: ReusablePlan;
}

/** What happened to one plan, for memory ("Corporate Knowledge"). */
export interface PlanOutcome {
  readonly kind: 'success' | 'failure';
  readonly taskId: string;
  readonly request: string;
  readonly subtaskId: string;
  readonly goal: string;
  readonly planSource: string;
  readonly plan: {
    readonly plan_id: string;
    readonly steps: ReusablePlan['steps'];
    readonly confidence?: number;
  };
  /** For failures: the validator's, approver's or reviewer's reasons. */
  readonly reasons: readonly string[];
  readonly durationMs: number;
  readonly tokens: number;
}

/** Plan memory: similar past plans and lessons in, outcomes out. */
export interface PlanMemory {
  recall(query: RecallQuery): Promise<Recollection>;
  remember(outcome: PlanOutcome): Promise<void>;
}
