// Receptionist's answers to mistakes ("Receptionist"): the typed errors a caller can cause over HTTP, and the one
// table mapping every typed error (these and the CLI's) to an HTTP status.
import { OfficeError, TaskBusy, TaskNotFound, UsageError } from '../errors.js';

export class BadRequest extends OfficeError {
  override readonly code: string = 'bad_request';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class QuotaExceeded extends OfficeError {
  override readonly code = 'quota_exceeded';
  constructor(
    message: string,
    readonly quota: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The same Idempotency-Key with a different body. */
export class IdempotencyConflict extends OfficeError {
  override readonly code = 'idempotency_conflict';
}

/** The task is not in a state where this makes sense (approving a running task, cancelling a finished one). */
export class StateConflict extends OfficeError {
  override readonly code = 'state_conflict';
}

/** The server is stopping (SIGTERM) and takes no new work. */
export class NotAccepting extends OfficeError {
  override readonly code = 'shutting_down';
}

export class Forbidden extends OfficeError {
  override readonly code = 'forbidden';
}

/** The one table: error → HTTP status. Anything untyped is a bug (500). */
export function httpStatusOf(err: unknown): number {
  if (err instanceof BadRequest || err instanceof UsageError) return 400;
  if (err instanceof Forbidden) return 403;
  if (err instanceof TaskNotFound) return 404;
  if (err instanceof IdempotencyConflict || err instanceof StateConflict || err instanceof TaskBusy)
    return 409;
  if (err instanceof QuotaExceeded) return 429;
  if (err instanceof NotAccepting) return 503;
  return 500;
}
