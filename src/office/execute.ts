// Executor ("Worker Bee"): runs an approved plan's steps in dependency order, in parallel where allowed,
// with per-step timeouts, retries with backoff and full jitter, and results stored under idempotency keys.
import type { z } from 'zod';
import { Interrupted, OfficeError, ToolError } from '../errors.js';
import { isStepRef, type Plan, type PlanStep } from '../schemas/plan.js';
import type { StepResult, TaskDocument } from '../schemas/task.js';
import type { ToolContext } from '../tools/define-tool.js';
import type { Reporter, ToolRegistry } from './ports.js';
import { stepInputHash } from './templates.js';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ExecuteContext {
  readonly taskId: string;
  readonly plan: Plan;
  readonly tools: ToolRegistry;
  /**
   * Persists a change to the task document at once (the executor stores each step's state as it changes): a
   * step's outcome is written before anything else happens — no audit entry, report or event is waited for.
   */
  readonly persist: (mutate: (doc: TaskDocument) => void) => Promise<unknown>;
  readonly reporter: Reporter;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal;
  /** Results already stored for this task, keyed by idempotency key (from the task document). */
  readonly prior: Readonly<Record<string, StepResult>>;
  toolContext(step: PlanStep, signal: AbortSignal): ToolContext;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface ExecuteOutcome {
  readonly status: 'succeeded' | 'failed';
  /** Final result of each step that ran or was reused, by step id. */
  readonly results: ReadonlyMap<string, StepResult>;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Interrupted('interrupted'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Interrupted('interrupted'));
      },
      { once: true },
    );
  });
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );
}

/** Replaces `{ "$ref": "step.path" }` values with the referenced step output. */
export function resolveRefs(value: unknown, outputs: ReadonlyMap<string, unknown>): unknown {
  if (isStepRef(value)) {
    const [stepId = '', ...path] = value.$ref.split('.');
    return valueAt(outputs.get(stepId), path);
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, outputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, outputs)]));
  }
  return value;
}

/** A ToolError marked retryable, or any error carrying `retryable: true` (plugins need not import ours). */
function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** After Ctrl-C, a running tool gets this long to stop (its signal is aborted) or to hand over its result. */
const INTERRUPT_GRACE_MS = 10_000;

/**
 * Runs `work` with a timeout. On an interrupt (`outer` aborts) the tool's own signal is aborted and its answer
 * awaited a little: a result that arrives — the command had finished — is kept, not thrown away; a tool that
 * stops because of the signal, or does not answer in time, makes the step Interrupted.
 */
async function runWithTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  outer: AbortSignal,
): Promise<T> {
  if (outer.aborted) throw new Interrupted('interrupted');
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settle first: a tool that returns (or throws) when its signal aborts must still count as timed out.
      reject(new ToolError(`timed out after ${Math.round(timeoutMs / 1000)} s (timeout_seconds)`, false));
      controller.abort(new Error('timeout'));
    }, timeoutMs);
  });
  const running = work(controller.signal);
  let onAbort = () => {};
  const interrupted = new Promise<T>((resolve, reject) => {
    onAbort = () => {
      controller.abort(outer.reason);
      graceTimer = setTimeout(() => reject(new Interrupted('interrupted')), INTERRUPT_GRACE_MS);
      running.then(resolve, () => reject(new Interrupted('interrupted')));
    };
    outer.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([running, timeout, interrupted]);
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    outer.removeEventListener('abort', onAbort);
  }
}

export async function executePlan(ctx: ExecuteContext): Promise<ExecuteOutcome> {
  const random = ctx.random ?? Math.random;
  const sleep = ctx.sleep ?? defaultSleep;
  const steps = ctx.plan.steps;
  const results = new Map<string, StepResult>();
  const outputs = new Map<string, unknown>();
  const pending = new Set(steps.map((s) => s.step_id));
  const running = new Map<string, { promise: Promise<void>; parallel: boolean }>();
  let failed = false;

  const record = async (key: string, result: StepResult) => {
    results.set(result.step_id, result);
    await ctx.persist((doc) => {
      doc.steps[key] = result;
    });
  };

  async function runStep(step: PlanStep): Promise<void> {
    // Nothing new starts after an interrupt: a step recorded as started must have been started.
    if (ctx.signal.aborted) throw new Interrupted('interrupted');
    const tool = ctx.tools.get(step.action);
    const started = Date.now();
    if (!tool) throw new OfficeError(`tool "${step.action}" is not registered`);
    const resolved = resolveRefs(step.inputs, outputs);
    const inputHash = stepInputHash(step.action, resolved);
    const key = step.idempotency_key;
    const prior = ctx.prior[key];
    if (prior?.status === 'succeeded' && prior.input_hash === inputHash) {
      results.set(step.step_id, prior);
      outputs.set(step.step_id, prior.output);
      ctx.reporter.emit({
        type: 'step_finished',
        task_id: ctx.taskId,
        step_id: step.step_id,
        action: step.action,
        status: 'reused',
        duration_ms: 0,
        summary: 'result stored by an earlier run (idempotency key)',
      });
      return;
    }
    const base = {
      idempotency_key: key,
      plan_id: ctx.plan.plan_id,
      step_id: step.step_id,
      action: step.action,
      input_hash: inputHash,
      started_at: new Date().toISOString(),
    };
    /** Stores and reports the step as failed; its dependents will not start. */
    const fail = async (attempts: number, error: string, inputs: unknown) => {
      await record(key, {
        ...base,
        status: 'failed',
        attempts,
        finished_at: new Date().toISOString(),
        error,
      });
      failed = true;
      ctx.reporter.emit({
        type: 'step_finished',
        task_id: ctx.taskId,
        step_id: step.step_id,
        action: step.action,
        status: 'failed',
        duration_ms: Date.now() - started,
        ...(inputs === undefined ? {} : { inputs }),
        error,
      });
    };
    const parsed = (tool.input as z.ZodType).safeParse(resolved);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const error = `inputs after resolving references do not fit ${step.action}: ${issue?.path.join('.') || 'inputs'}: ${issue?.message}`;
      await fail(0, error, undefined);
      return;
    }
    const timeoutMs = (step.timeout_seconds ?? 300) * 1000;
    for (let attempt = 1; ; attempt++) {
      await record(key, { ...base, status: 'started', attempts: attempt });
      ctx.reporter.emit({
        type: 'step_started',
        task_id: ctx.taskId,
        step_id: step.step_id,
        action: step.action,
        attempt,
      });
      try {
        const output = await runWithTimeout(
          (signal) => tool.run(parsed.data, ctx.toolContext(step, signal)),
          timeoutMs,
          ctx.signal,
        );
        const problem = tool.failure?.(parsed.data, output);
        const exitCode = tool.exitCode?.(output);
        await record(key, {
          ...base,
          status: problem === undefined ? 'succeeded' : 'failed',
          attempts: attempt,
          finished_at: new Date().toISOString(),
          output,
          ...(problem === undefined ? {} : { error: problem }),
          ...(tool.modelGenerated ? { model_generated: true } : {}),
        });
        if (problem === undefined) outputs.set(step.step_id, output);
        else failed = true;
        ctx.reporter.emit({
          type: 'step_finished',
          task_id: ctx.taskId,
          step_id: step.step_id,
          action: step.action,
          status: problem === undefined ? 'succeeded' : 'failed',
          duration_ms: Date.now() - started,
          inputs: parsed.data,
          ...(exitCode !== undefined ? { exit_code: exitCode } : {}),
          ...(tool.summarize ? { summary: tool.summarize(output) } : {}),
          ...(problem === undefined ? {} : { error: problem }),
        });
        return;
      } catch (err) {
        if (err instanceof Interrupted || ctx.signal.aborted) throw new Interrupted('interrupted');
        const error = messageOf(err);
        if (isRetryable(err) && attempt < ctx.retry.attempts) {
          const delay = backoffDelay(attempt - 1, ctx.retry, random);
          ctx.reporter.emit({
            type: 'step_retry',
            task_id: ctx.taskId,
            step_id: step.step_id,
            attempt,
            delay_ms: delay,
            error,
          });
          await sleep(delay, ctx.signal);
          continue;
        }
        await fail(attempt, error, parsed.data);
        return;
      }
    }
  }

  const depsOf = (s: PlanStep) => s.dependencies ?? [];
  while (pending.size > 0 || running.size > 0) {
    if (!failed && !ctx.signal.aborted) {
      const ready = steps.filter(
        (s) => pending.has(s.step_id) && depsOf(s).every((d) => results.get(d)?.status === 'succeeded'),
      );
      const exclusiveRunning = [...running.values()].some((r) => !r.parallel);
      for (const step of ready) {
        if (exclusiveRunning) break;
        const parallel = step.parallelizable === true;
        if (!parallel && running.size > 0) break;
        if (parallel && running.size >= ctx.concurrency) break;
        pending.delete(step.step_id);
        const promise = runStep(step).finally(() => running.delete(step.step_id));
        running.set(step.step_id, { promise, parallel });
        if (!parallel) break;
      }
    }
    if (running.size === 0) break;
    const thrown = await Promise.race(
      [...running.values()].map((r) =>
        r.promise.then(
          () => undefined,
          (err: unknown) => ({ err }),
        ),
      ),
    );
    if (thrown) {
      // Steps still running finish (or stop) and are recorded before the error goes up: no result is lost.
      await Promise.allSettled([...running.values()].map((r) => r.promise));
      throw thrown.err;
    }
  }
  if (ctx.signal.aborted && pending.size > 0) throw new Interrupted('interrupted');
  return { status: failed || pending.size > 0 ? 'failed' : 'succeeded', results };
}
