// What the Office Manager works with: the parts one run is wired with, and the options of one run.
import type { OfficeConfig } from '../schemas/config.js';
import type { Plan } from '../schemas/plan.js';
import type { ToolServices } from '../tools/define-tool.js';
import type { Gatekeeper } from './approve.js';
import type { Decomposer } from './decompose.js';
import type { LoopEvent } from './events.js';
import type { ModelFeed } from './model-feed.js';
import type { PlanCheck } from './model-roles.js';
import type { Planner } from './plan.js';
import type { Approver, PlanMemory, PolicyFn, Reporter, TaskStore, ToolRegistry } from './ports.js';
import type { Reviewer } from './reviewer.js';

export interface OfficeDeps {
  readonly workspace: string;
  readonly config: OfficeConfig;
  readonly store: TaskStore;
  readonly tools: ToolRegistry & { isPlugin?(name: string): boolean };
  readonly reporter: Reporter;
  readonly decompose: Decomposer;
  readonly plan: Planner;
  /** Extra review after the deterministic checks approve (a model); it can only turn APPROVE into REVISE/ESCALATE. */
  readonly review?: Reviewer;
  /** A second check after the rule checks pass (a small model); it can only reject. */
  readonly checkPlan?: (request: { taskId: string; goal: string; plan: Plan }) => Promise<PlanCheck>;
  /** Model calls and fallbacks, stored in the task document and reported as they happen. */
  readonly feed?: ModelFeed;
  /** Plan memory: similar past plans into planning, outcomes out. */
  readonly memory?: PlanMemory;
  readonly policy: PolicyFn;
  readonly gatekeeper?: Gatekeeper;
  /** Appends approval decisions and tool runs to the audit trail. */
  readonly audit?: (event: LoopEvent) => Promise<void>;
  readonly approver?: Approver;
  readonly interactive: boolean;
  readonly services: ToolServices;
  readonly signal: AbortSignal;
  /** Shown when no decomposer understands a request. */
  readonly phrasings: readonly string[];
  readonly now?: () => Date;
}

export interface RunOptions {
  readonly yes?: boolean;
  /** --yes given to this very invocation (not inherited from the run being resumed). */
  readonly yesGivenNow?: boolean;
  readonly maxIterations?: number;
  readonly offline?: boolean;
  /** The folder the request was made in, relative to the workspace root (see the task options' `cwd`). */
  readonly cwd?: string;
}
