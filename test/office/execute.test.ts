// Executor: dependency order, bounded parallelism, retries with backoff, timeouts and stored-result reuse.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Interrupted, ToolError } from '../../src/errors.js';
import type { LoopEvent } from '../../src/office/events.js';
import {
  backoffDelay,
  type ExecuteContext,
  executePlan,
  type RetryPolicy,
} from '../../src/office/execute.js';
import { newTaskDocument } from '../../src/office/orchestrate.js';
import type { ToolRegistry } from '../../src/office/ports.js';
import { stepInputHash } from '../../src/office/templates.js';
import type { Plan, PlanStep } from '../../src/schemas/plan.js';
import { configSchema } from '../../src/schemas/config.js';
import type { StepResult, TaskDocument } from '../../src/schemas/task.js';
import { defineTool, type ToolContext, type ToolDefinition } from '../../src/tools/define-tool.js';

const RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

type Run = (input: { label: string }, ctx: ToolContext) => Promise<unknown>;

function tool(name: string, run: Run): ToolDefinition {
  return defineTool({
    name,
    description: name,
    risk: 'read',
    input: z.strictObject({ label: z.string() }),
    run,
  }) as unknown as ToolDefinition;
}

function registry(...tools: ToolDefinition[]): ToolRegistry {
  return { get: (name) => tools.find((t) => t.name === name), list: () => tools };
}

function stepOf(id: string, action: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { step_id: id, action, inputs: { label: id }, idempotency_key: `t:${id}`, ...extra };
}

function planOf(...steps: PlanStep[]): Plan {
  return { plan_id: 'p1', task_id: 't', metadata: {}, steps };
}

interface Harness {
  readonly doc: TaskDocument;
  readonly events: LoopEvent[];
  readonly sleeps: number[];
  run(overrides?: Partial<ExecuteContext>): ReturnType<typeof executePlan>;
}

function harness(plan: Plan, tools: ToolRegistry, concurrency = 4): Harness {
  const doc = newTaskDocument('t', 'test', '/nowhere', {}, new Date());
  const events: LoopEvent[] = [];
  const sleeps: number[] = [];
  const config = configSchema.parse({});
  return {
    doc,
    events,
    sleeps,
    run: (overrides = {}) =>
      executePlan({
        taskId: 't',
        plan,
        tools,
        persist: async (mutate) => mutate(doc),
        reporter: { emit: (e) => events.push(e) },
        concurrency,
        retry: RETRY,
        signal: new AbortController().signal,
        prior: {},
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        toolContext: (step, signal) => ({
          workspace: '/nowhere',
          taskId: 't',
          stepId: step.step_id,
          signal,
          config,
          resolvePath: (p) => p,
          log: () => {},
          services: {} as ToolContext['services'],
        }),
        ...overrides,
      }),
  };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('executePlan', () => {
  it('runs steps in dependency order, whatever order the plan lists them in', async () => {
    const order: string[] = [];
    const t = tool('rec', async (input) => {
      order.push(input.label);
      await tick(1);
      return input.label;
    });
    const plan = planOf(
      stepOf('c', 'rec', { dependencies: ['b'] }),
      stepOf('a', 'rec'),
      stepOf('b', 'rec', { dependencies: ['a'] }),
    );
    const outcome = await harness(plan, registry(t)).run();
    expect(outcome.status).toBe('succeeded');
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('passes an earlier output to a later step through $ref', async () => {
    const seen: string[] = [];
    const make = tool('make', async () => ({ name: 'made-by-a' }));
    const use = tool('use', async (input) => {
      seen.push(input.label);
      return null;
    });
    const plan = planOf(
      stepOf('a', 'make'),
      stepOf('b', 'use', { inputs: { label: { $ref: 'a.name' } }, dependencies: ['a'] }),
    );
    expect((await harness(plan, registry(make, use)).run()).status).toBe('succeeded');
    expect(seen).toEqual(['made-by-a']);
  });

  it('runs parallelizable steps concurrently, never more than `concurrency` at once', async () => {
    let active = 0;
    let most = 0;
    const t = tool('par', async () => {
      active++;
      most = Math.max(most, active);
      await tick();
      active--;
      return null;
    });
    const steps = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => stepOf(id, 'par', { parallelizable: true }));
    const outcome = await harness(planOf(...steps), registry(t), 2).run();
    expect(outcome.status).toBe('succeeded');
    expect(most).toBe(2);
  });

  it('never runs a step that is not parallelizable alongside another', async () => {
    let active = 0;
    const overlaps: string[] = [];
    const t = tool('mixed', async (input) => {
      active++;
      if (active > 1 && input.label.startsWith('solo')) overlaps.push(input.label);
      await tick(5);
      if (active > 1 && input.label.startsWith('solo')) overlaps.push(input.label);
      active--;
      return null;
    });
    const plan = planOf(
      stepOf('p1', 'mixed', { parallelizable: true }),
      stepOf('solo1', 'mixed'),
      stepOf('p2', 'mixed', { parallelizable: true }),
      stepOf('p3', 'mixed', { parallelizable: true }),
      stepOf('solo2', 'mixed'),
    );
    expect((await harness(plan, registry(t), 8).run()).status).toBe('succeeded');
    expect(overlaps).toEqual([]);
  });

  it('retries a retryable ToolError with backoff, then succeeds', async () => {
    let calls = 0;
    const t = tool('flaky', async () => {
      calls++;
      if (calls < 3) throw new ToolError(`busy ${calls}`, true);
      return 'ok';
    });
    const h = harness(planOf(stepOf('s', 'flaky')), registry(t));
    const outcome = await h.run();
    expect(outcome.status).toBe('succeeded');
    expect(calls).toBe(3);
    expect(outcome.results.get('s')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(h.events.filter((e) => e.type === 'step_retry')).toHaveLength(2);
    expect(h.sleeps).toEqual([backoffDelay(0, RETRY, () => 0.5), backoffDelay(1, RETRY, () => 0.5)]);
  });

  it('gives up on a retryable error after the configured attempts', async () => {
    let calls = 0;
    const t = tool('down', async () => {
      calls++;
      throw new ToolError('still down', true);
    });
    const outcome = await harness(planOf(stepOf('s', 'down')), registry(t)).run();
    expect(outcome.status).toBe('failed');
    expect(calls).toBe(RETRY.attempts);
    expect(outcome.results.get('s')).toMatchObject({ status: 'failed', attempts: 3, error: 'still down' });
  });

  it('does not retry a non-retryable error', async () => {
    let calls = 0;
    const t = tool('broken', async () => {
      calls++;
      throw new ToolError('bad input', false);
    });
    const h = harness(planOf(stepOf('s', 'broken')), registry(t));
    const outcome = await h.run();
    expect(outcome.status).toBe('failed');
    expect(calls).toBe(1);
    expect(h.sleeps).toEqual([]);
  });

  it('retries an error a plugin marks retryable (plugins cannot import ToolError)', async () => {
    let calls = 0;
    const t = tool('plugin_flaky', async () => {
      calls++;
      if (calls < 2) throw Object.assign(new Error('rate limited'), { retryable: true });
      return 'ok';
    });
    const outcome = await harness(planOf(stepOf('s', 'plugin_flaky')), registry(t)).run();
    expect(calls).toBe(2);
    expect(outcome.status).toBe('succeeded');
  });

  /** Tools that outlive a 1 s timeout: one ignores its signal, one returns early on abort, one throws on abort. */
  const slowTools: [string, Run][] = [
    ['ignores its signal', () => new Promise((resolve) => setTimeout(() => resolve('late'), 1_500))],
    [
      'returns early when its signal aborts',
      (_input, ctx) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve('late'), 10_000);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve('partial');
          });
        }),
    ],
    [
      'throws when its signal aborts',
      (_input, ctx) =>
        new Promise((_resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('late')), 10_000);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(ctx.signal.reason);
          });
        }),
    ],
  ];

  it.each(slowTools)(
    'fails a step that outlives its timeout_seconds (a tool that %s)',
    async (_label, run) => {
      let signalled = false;
      const t = tool('slow', (input, ctx) => {
        ctx.signal.addEventListener('abort', () => {
          signalled = true;
        });
        return run(input, ctx);
      });
      const outcome = await harness(planOf(stepOf('s', 'slow', { timeout_seconds: 1 })), registry(t)).run();
      expect(outcome.results.get('s')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(outcome.results.get('s')?.error).toMatch(/timed out after 1 s/);
      expect(outcome.status).toBe('failed');
      expect(signalled).toBe(true);
    },
  );

  it('does not start the dependents of a failed step', async () => {
    const ran: string[] = [];
    const ok = tool('ok', async (input) => {
      ran.push(input.label);
      return null;
    });
    const bad = tool('bad', async () => {
      throw new ToolError('no');
    });
    const plan = planOf(stepOf('a', 'bad'), stepOf('b', 'ok', { dependencies: ['a'] }));
    const outcome = await harness(plan, registry(ok, bad)).run();
    expect(outcome.status).toBe('failed');
    expect(ran).toEqual([]);
    expect(outcome.results.has('b')).toBe(false);
  });

  it('reuses a stored result for the same step and inputs instead of running it again', async () => {
    let calls = 0;
    const t = tool('once', async () => {
      calls++;
      return 'fresh';
    });
    const prior: Record<string, StepResult> = {
      't:s': {
        idempotency_key: 't:s',
        plan_id: 'p0',
        step_id: 's',
        action: 'once',
        status: 'succeeded',
        input_hash: stepInputHash('once', { label: 's' }),
        attempts: 1,
        started_at: '2026-11-23T00:00:00Z',
        output: 'stored',
      },
    };
    const h = harness(planOf(stepOf('s', 'once')), registry(t));
    const outcome = await h.run({ prior });
    expect(calls).toBe(0);
    expect(outcome.results.get('s')?.output).toBe('stored');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'step_finished', status: 'reused' }));
  });

  it('runs a step again when its stored result was for other inputs, or did not finish', async () => {
    let calls = 0;
    const t = tool('again', async () => {
      calls++;
      return 'fresh';
    });
    const base = {
      idempotency_key: 't:s',
      plan_id: 'p0',
      step_id: 's',
      action: 'again',
      attempts: 1,
      started_at: '2026-11-23T00:00:00Z',
    };
    const other = { ...base, status: 'succeeded' as const, input_hash: 'different', output: 'old' };
    const started = {
      ...base,
      status: 'started' as const,
      input_hash: stepInputHash('again', { label: 's' }),
    };
    for (const prior of [other, started]) {
      const outcome = await harness(planOf(stepOf('s', 'again')), registry(t)).run({
        prior: { 't:s': prior },
      });
      expect(outcome.results.get('s')?.output).toBe('fresh');
    }
    expect(calls).toBe(2);
  });

  it('stores each step as started and then as succeeded under its idempotency key', async () => {
    const statuses: string[] = [];
    const t = tool('store', async () => 42);
    const h = harness(planOf(stepOf('s', 'store')), registry(t));
    await h.run({
      persist: async (mutate) => {
        mutate(h.doc);
        statuses.push(h.doc.steps['t:s']?.status ?? 'none');
      },
    });
    expect(statuses).toEqual(['started', 'succeeded']);
    expect(h.doc.steps['t:s']).toMatchObject({ output: 42, attempts: 1, step_id: 's', plan_id: 'p1' });
  });

  it('stops with Interrupted when its signal aborts mid-step, leaving the step stored as started', async () => {
    const controller = new AbortController();
    const t = tool('hang', () => new Promise(() => {}));
    const h = harness(planOf(stepOf('s', 'hang')), registry(t));
    const running = h.run({ signal: controller.signal });
    await tick();
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(Interrupted);
    expect(h.doc.steps['t:s']?.status).toBe('started');
  });
});

describe('backoffDelay', () => {
  it('stays within [0, min(max, base·2^n)) for the extremes of the random source', () => {
    for (const policy of [RETRY, { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 }]) {
      for (let n = 0; n <= 12; n++) {
        const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
        for (const r of [0, 0.25, 0.5, 0.999_999_999]) {
          const d = backoffDelay(n, policy, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(cap);
          expect(Number.isInteger(d)).toBe(true);
        }
      }
    }
  });

  it('grows with the attempt number until the maximum', () => {
    const half = () => 0.5;
    expect(backoffDelay(0, RETRY, half)).toBe(50);
    expect(backoffDelay(1, RETRY, half)).toBe(100);
    expect(backoffDelay(3, RETRY, half)).toBe(400);
    expect(backoffDelay(10, RETRY, half)).toBe(500);
  });

  it('is 0 when the base delay is 0', () => {
    expect(backoffDelay(4, { attempts: 3, baseDelayMs: 0, maxDelayMs: 1_000 }, () => 0.9)).toBe(0);
  });
});
