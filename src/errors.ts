// Typed errors users can cause, and the one table that maps each to an exit code.

/** Exit codes, documented in the README. Never 0 for a run that did not succeed. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  needsApproval: 3,
  /** A code query (trace, callers, callees) answered: no such symbol, or no call path between them. */
  notFound: 4,
  /** A code query answered: a name matches several symbols, and the candidates are listed. */
  ambiguous: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Base of every error a user can cause: a message that says what was wrong and what to do. */
export class OfficeError extends Error {
  readonly exitCode: ExitCode = EXIT.failed;
  /** Machine-readable name, stable across versions (used in --json output). */
  readonly code: string = 'failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UsageError extends OfficeError {
  override readonly exitCode = EXIT.usage;
  override readonly code = 'usage';
}

export class ConfigError extends OfficeError {
  override readonly exitCode = EXIT.usage;
  override readonly code = 'config';
}

/** A file under .office/ that cannot be read as what it should be. */
export class CorruptFileError extends OfficeError {
  override readonly code = 'corrupt_file';
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly setAsideTo?: string,
  ) {
    super(
      `${path} is not a readable office file (${detail}).` +
        (setAsideTo ? ` It was moved to ${setAsideTo}; the other tasks are unaffected.` : ''),
    );
  }
}

export class TaskNotFound extends OfficeError {
  override readonly exitCode = EXIT.usage;
  override readonly code = 'task_not_found';
  constructor(readonly taskId: string) {
    super(`No task "${taskId}" in this workspace. Run \`office list\` to see the tasks there are.`);
  }
}

/** A task id that is taken already (ids are random; a clash means: make another). */
export class TaskExists extends OfficeError {
  override readonly code = 'task_exists';
  constructor(readonly taskId: string) {
    super(`a task with id ${taskId} exists already`);
  }
}

/** Another live process is running this task. */
export class TaskBusy extends OfficeError {
  override readonly code = 'task_busy';
  constructor(taskId: string, pid: number, since: string, host?: string) {
    super(
      `task ${taskId} is being run by process ${pid}${host ? ` on ${host}` : ''} (since ${since}); ` +
        'wait for it to finish, or stop that process and run `office resume` again.',
    );
  }
}

/** The PostgreSQL store or the Redis queue could not be reached or answered with an error: worth retrying. */
export class BackendUnavailable extends OfficeError {
  override readonly code = 'backend_unavailable';
}

/** A path that would leave the workspace root (traversal or a symlink pointing outside). */
export class PathOutsideWorkspace extends OfficeError {
  override readonly code = 'path_outside_workspace';
  constructor(
    readonly requested: string,
    readonly root: string,
  ) {
    super(`"${requested}" is outside the workspace ${root}; office only reads and writes inside it.`);
  }
}

export class PlanRejected extends OfficeError {
  override readonly code = 'plan_rejected';
}

export class ToolDenied extends OfficeError {
  override readonly exitCode = EXIT.needsApproval;
  override readonly code = 'tool_denied';
}

export class NeedsApproval extends OfficeError {
  override readonly exitCode = EXIT.needsApproval;
  override readonly code = 'needs_approval';
}

export class ProviderUnavailable extends OfficeError {
  override readonly code = 'provider_unavailable';
}

export class BudgetExceeded extends OfficeError {
  override readonly code = 'budget_exceeded';
}

export class Interrupted extends OfficeError {
  override readonly exitCode = EXIT.interrupted;
  override readonly code = 'interrupted';
}

/** The sandbox that was asked for cannot run here (bubblewrap missing, or no user namespaces). */
export class SandboxUnavailable extends OfficeError {
  override readonly code = 'sandbox_unavailable';
}

/** A tool failure; `retryable` says whether the executor may try again with backoff. */
export class ToolError extends OfficeError {
  override readonly code = 'tool_error';
  constructor(
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Exit code for a task's final status. */
export function exitCodeForStatus(status: TaskOutcome): ExitCode {
  switch (status) {
    case 'succeeded':
      return EXIT.ok;
    case 'needs_approval':
    case 'escalated':
      return EXIT.needsApproval;
    case 'interrupted':
      return EXIT.interrupted;
    default:
      return EXIT.failed;
  }
}

export type TaskOutcome =
  | 'succeeded'
  | 'failed'
  | 'dead_lettered'
  | 'needs_approval'
  | 'escalated'
  | 'interrupted';

/** Exit code for the answer of a code query: `office trace` and `office run "trace …"` exit alike. */
export function exitCodeForAnswer(status: 'found' | 'not_found' | 'ambiguous'): ExitCode {
  return status === 'found' ? EXIT.ok : status === 'not_found' ? EXIT.notFound : EXIT.ambiguous;
}

/** Exit code for anything thrown: typed errors carry theirs; anything else is a bug (1). */
export function exitCodeForError(err: unknown): ExitCode {
  return err instanceof OfficeError ? err.exitCode : EXIT.failed;
}
