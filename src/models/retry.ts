// Model Selector retry timing: exponential backoff with full jitter, and the server's Retry-After.

export interface RetrySettings {
  /** Attempts per candidate, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Longest wait before a retry; a Retry-After asking for more makes the router move to the next candidate. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Full jitter: a random wait between 0 and base·2^(attempt-1), capped. `attempt` counts from 1. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (relative to `nowMs`); undefined if unreadable. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export type RetryPlan =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: string };

/** After a retryable failure on attempt `attempt`: wait how long, or give up on this candidate? */
export function planRetry(input: {
  readonly attempt: number;
  readonly retryAfter?: string | undefined;
  readonly nowMs: number;
  readonly settings: RetrySettings;
  readonly random: () => number;
}): RetryPlan {
  const { attempt, settings } = input;
  if (attempt >= settings.maxAttempts)
    return { retry: false, reason: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}` };
  const asked = input.retryAfter === undefined ? undefined : parseRetryAfter(input.retryAfter, input.nowMs);
  if (asked !== undefined) {
    if (asked > settings.maxDelayMs) {
      return {
        retry: false,
        reason: `server asked to wait ${Math.ceil(asked / 1000)} s (Retry-After), more than ${settings.maxDelayMs / 1000} s`,
      };
    }
    return { retry: true, delayMs: asked };
  }
  return { retry: true, delayMs: backoffDelay(attempt, settings, input.random) };
}
