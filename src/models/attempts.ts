// Model Selector attempts on one candidate: budget check, timeout, retries with backoff or Retry-After,
// one record per failed attempt, and the circuit breakers' bookkeeping.
import type { Tier } from '../schemas/config.js';
import type { CircuitBreakers } from './breaker.js';
import type { BudgetDecision } from './budget.js';
import { classifyFailure, type Failure, isConnectionLevel, isRetryable } from './providers/http.js';
import { ReplayMiss } from './replay.js';
import { planRetry, type RetrySettings } from './retry.js';
import type { ModelCallOutcome, ModelCallRecord, ModelRole } from './types.js';

export interface Timing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** The fields every record of one candidate within one request shares. */
export interface RecordBase {
  readonly role: ModelRole;
  readonly tier: Tier;
  readonly provider: string;
  readonly model: string;
  readonly task_id?: string;
  readonly request_id: string;
}

export interface CandidateContext {
  readonly base: RecordBase;
  readonly hostKey: string;
  readonly candidateKey: string;
  readonly breakers: CircuitBreakers;
  readonly retry: RetrySettings;
  readonly timing: Timing;
  readonly checkBudget: () => Promise<BudgetDecision>;
  readonly log: (record: ModelCallRecord) => Promise<void>;
}

export type AttemptResult<R> =
  | { readonly ok: true; readonly value: R; readonly latencyMs: number }
  /** `terminal`: stop the whole request (a replay miss), not just this candidate. */
  | { readonly ok: false; readonly reason: string; readonly terminal: boolean };

/** HTTP statuses that will not change within a run (bad key, no such model): open the circuit at once. */
const PERMANENT_STATUSES = [401, 403, 404];

export function recordOf(
  base: RecordBase,
  at: number,
  outcome: ModelCallOutcome,
  extra: Partial<ModelCallRecord> = {},
): ModelCallRecord {
  return {
    at: new Date(at).toISOString(),
    ...base,
    tokens_in: 0,
    tokens_out: 0,
    tokens_estimated: false,
    cost_usd: 0,
    latency_ms: 0,
    cache_hit: false,
    outcome,
    ...extra,
  };
}

/** Calls `call` on one candidate until it answers, gives up, or a budget refuses; logs every failed attempt. */
export async function callWithRetries<R>(
  ctx: CandidateContext,
  call: () => Promise<R>,
): Promise<AttemptResult<R>> {
  const { timing, base } = ctx;
  for (let attempt = 1; ; attempt++) {
    const budget = await ctx.checkBudget();
    if (!budget.ok) {
      await ctx.log(recordOf(base, timing.now(), 'refused_budget', { error: budget.message }));
      return { ok: false, reason: budget.message, terminal: false };
    }
    const started = timing.now();
    try {
      const value = await call();
      ctx.breakers.succeeded(ctx.hostKey);
      ctx.breakers.succeeded(ctx.candidateKey);
      return { ok: true, value, latencyMs: timing.now() - started };
    } catch (err) {
      const latency = timing.now() - started;
      if (err instanceof ReplayMiss) {
        await ctx.log(recordOf(base, started, 'error', { error: err.message, latency_ms: latency }));
        return { ok: false, reason: err.message, terminal: true };
      }
      const failure = classifyFailure(err);
      const plan = isRetryable(failure)
        ? planRetry({
            attempt,
            retryAfter: failure.retryAfter,
            nowMs: timing.now(),
            // A silent server is retried once, not maxAttempts times: each wait costs a whole timeout.
            settings:
              failure.kind === 'timeout'
                ? { ...ctx.retry, maxAttempts: Math.min(2, ctx.retry.maxAttempts) }
                : ctx.retry,
            random: timing.random,
          })
        : undefined;
      const why = plan && !plan.retry ? `${failure.message}; ${plan.reason}` : failure.message;
      await ctx.log(recordOf(base, started, outcomeOf(failure), { error: why, latency_ms: latency }));
      if (!plan?.retry) {
        tripBreakers(ctx, failure);
        return { ok: false, reason: why, terminal: false };
      }
      await timing.sleep(plan.delayMs);
    }
  }
}

function outcomeOf(failure: Failure): ModelCallOutcome {
  if (failure.kind === 'timeout') return 'timeout';
  if (failure.kind === 'rate_limited') return 'rate_limited';
  return 'error';
}

function tripBreakers(ctx: CandidateContext, failure: Failure): void {
  if (isConnectionLevel(failure)) {
    // Nothing listening: one attempt per run is enough to know, so the host's circuit opens at once.
    ctx.breakers.failed(ctx.hostKey, failure.message, failure.kind === 'refused');
    return;
  }
  ctx.breakers.succeeded(ctx.hostKey);
  const permanent = failure.status !== undefined && PERMANENT_STATUSES.includes(failure.status);
  ctx.breakers.failed(ctx.candidateKey, failure.message, permanent);
}
