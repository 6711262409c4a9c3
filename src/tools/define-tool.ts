// Workshop plugin API ("Workshop"): how every tool, built-in or a user's, is declared.
import type { z } from 'zod';
import type { CodeIndexService } from '../code/service.js';
import type { ModelRouter } from '../models/types.js';
import type { OfficeConfig, Risk } from '../schemas/config.js';

/** What a tool may touch, for the validator (inside the workspace?) and policy (write scopes). */
export interface ToolPathAccess {
  readonly path: string;
  readonly access: 'read' | 'write';
}

/** Result of a tool's deterministic review of its own finished step. */
export type ToolReview =
  | { readonly ok: true; readonly note?: string }
  | {
      readonly ok: false;
      readonly problem: string;
      readonly suggestion?: string;
      readonly escalate?: boolean;
    };

/** Runs a program under the sandbox (see src/tools/sandbox.ts). */
export interface SandboxRunner {
  /** Which sandbox runs the commands: `bwrap` (isolated) or `process` (clean env, timeout, tree kill). */
  readonly kind?: 'bwrap' | 'process';
  run(
    argv: readonly string[],
    options: { cwd: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<{
    exitCode: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
    truncated: boolean;
  }>;
}

export interface ToolServices {
  readonly models: ModelRouter;
  readonly code: CodeIndexService;
  readonly sandbox?: SandboxRunner;
}

export interface ToolContext {
  /** Absolute, real path of the workspace root. */
  readonly workspace: string;
  readonly taskId: string;
  readonly stepId: string;
  readonly signal: AbortSignal;
  readonly config: OfficeConfig;
  /** Resolves a workspace-relative (or absolute) path; throws PathOutsideWorkspace if it leaves the root. */
  resolvePath(path: string): string;
  /** Progress for the reporter; never printed by the tool itself. */
  log(message: string): void;
  readonly services: ToolServices;
}

/** What `render` may use besides the output: the step's input, and how to show a path to the person. */
export interface RenderView<I = unknown> {
  readonly input: I;
  /**
   * A workspace-relative path (with a line and column, when given) as the person should see it: relative to the
   * folder they run office in, and a hyperlink on a terminal that supports them.
   */
  path(workspacePath: string, line?: number, column?: number): string;
}

export interface ToolDefinition<I = unknown, O = unknown> {
  /** lower_snake_case, unique across all loaded tools. */
  readonly name: string;
  readonly description: string;
  readonly risk: Risk;
  readonly input: z.ZodType<I>;
  /** Paths the step would read or write, for path checks and write scopes. */
  paths?(input: I): readonly ToolPathAccess[];
  /** For tools that run programs: the argv, for command allowlists. */
  command?(input: I): readonly string[];
  /** Tool-specific checks the plan validator runs on a step's inputs; each string is one problem. */
  check?(input: I): readonly string[];
  run(input: I, ctx: ToolContext): Promise<O>;
  /**
   * Whether a finished run's output means the step failed (a command that exited non-zero), and why. The step is
   * then stored as failed, with its output, and never retried: the same inputs give the same failure.
   */
  failure?(input: I, output: O): string | undefined;
  /** For tools that run programs: the exit code in an output, recorded in the audit trail. */
  exitCode?(output: O): number | null;
  /** Deterministic check of a finished step's output; a failed check makes the reviewer ask for a revision. */
  review?(input: I, output: O, ctx: ToolContext): ToolReview | Promise<ToolReview>;
  /** One line describing an output, for reporters. */
  summarize?(output: O): string;
  /** The output as text for a person (printed by `office run` without --json); JSON is shown otherwise. */
  render?(output: O, view?: RenderView<I>): string;
  /** Output comes from a model: shown to users, never used as evidence by the deterministic review. */
  readonly modelGenerated?: boolean;
}

const TOOL_BRAND = Symbol.for('office.tool');

/** Declares a tool. Tool modules export the result as a named export; the registry finds it by its brand. */
export function defineTool<I, O>(definition: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return Object.defineProperty({ ...definition }, TOOL_BRAND, { value: true, enumerable: false });
}

export function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_BRAND] === true
  );
}
