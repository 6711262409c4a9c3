// Control Room stats over task documents: outcomes, nearest-rank durations, usage sums, fallbacks, --since ages.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { ModelCallRecord } from '../../src/schemas/model-call.js';
import { computeStats, nearestRank, parseAge } from '../../src/telemetry/stats.js';
import { taskDocument } from '../helpers/workspace.js';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const HOUR = 3_600_000;

function call(fields: Partial<ModelCallRecord> = {}): ModelCallRecord {
  return {
    at: ago(HOUR),
    role: 'plan',
    tier: 'medium',
    provider: 'ollama',
    model: 'qwen2.5-coder:7b',
    tokens_in: 100,
    tokens_out: 20,
    tokens_estimated: false,
    cost_usd: 0,
    latency_ms: 50,
    cache_hit: false,
    outcome: 'ok',
    request_id: 'm1',
    ...fields,
  };
}

describe('parseAge', () => {
  it('reads days, hours and minutes', () => {
    expect(parseAge('7d')).toBe(7 * 24 * HOUR);
    expect(parseAge('12h')).toBe(12 * HOUR);
    expect(parseAge('30m')).toBe(30 * 60_000);
  });

  it.each(['', '7', 'd', '0d', '-1h', '1.5h', '7days', '2w'])(
    'rejects "%s" with a usage error naming the accepted forms',
    (text) => {
      expect(() => parseAge(text)).toThrow(UsageError);
      expect(() => parseAge(text)).toThrow(/7d, 12h or 30m/);
    },
  );
});

describe('nearestRank', () => {
  it('picks the smallest value with at least p% of the values at or below it', () => {
    const sorted = [15, 20, 35, 40, 50];
    expect(nearestRank(sorted, 30)).toBe(20);
    expect(nearestRank(sorted, 40)).toBe(20);
    expect(nearestRank(sorted, 50)).toBe(35);
    expect(nearestRank(sorted, 95)).toBe(50);
    expect(nearestRank(sorted, 100)).toBe(50);
    expect(nearestRank([7], 95)).toBe(7);
    expect(nearestRank([], 50)).toBeUndefined();
  });

  it('p50 and p95 of 1..20 are 10 and 19', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(values, 50)).toBe(10);
    expect(nearestRank(values, 95)).toBe(19);
  });
});

describe('computeStats', () => {
  it('counts tasks by status and the success rate over finished tasks only', () => {
    const tasks = [
      taskDocument({ task_id: 'a', status: 'succeeded', duration_ms: 100 }),
      taskDocument({ task_id: 'b', status: 'succeeded', duration_ms: 300 }),
      taskDocument({ task_id: 'c', status: 'failed', duration_ms: 200 }),
      taskDocument({ task_id: 'd', status: 'dead_lettered', duration_ms: 900 }),
      taskDocument({ task_id: 'e', status: 'needs_approval', duration_ms: 5 }),
      taskDocument({ task_id: 'f', status: 'running' }),
      taskDocument({ task_id: 'g', status: 'interrupted', duration_ms: 7 }),
    ];
    const stats = computeStats(tasks);
    expect(stats.tasks).toBe(7);
    expect(stats.byStatus).toMatchObject({
      succeeded: 2,
      failed: 1,
      dead_lettered: 1,
      needs_approval: 1,
      running: 1,
      interrupted: 1,
      escalated: 0,
    });
    expect(stats.finished).toBe(4);
    expect(stats.successRate).toBe(0.5);
    // Durations of finished tasks only: 100, 200, 300, 900.
    expect(stats.duration).toEqual({ count: 4, p50Ms: 200, p95Ms: 900 });
  });

  it('has no success rate or percentiles when nothing has finished', () => {
    const stats = computeStats([taskDocument({ task_id: 'a', status: 'needs_approval' })]);
    expect(stats.successRate).toBeUndefined();
    expect(stats.duration).toEqual({ count: 0, p50Ms: undefined, p95Ms: undefined });
  });

  it('counts only tasks created at or after --since', () => {
    const tasks = [
      taskDocument({ task_id: 'new', created_at: ago(HOUR) }),
      taskDocument({ task_id: 'edge', created_at: ago(24 * HOUR) }),
      taskDocument({ task_id: 'old', created_at: ago(48 * HOUR), status: 'failed' }),
    ];
    expect(computeStats(tasks, { since: new Date(NOW - 24 * HOUR) }).tasks).toBe(2);
    expect(computeStats(tasks, { since: new Date(NOW - 2 * HOUR) }).tasks).toBe(1);
    expect(computeStats(tasks, { since: new Date(NOW - 72 * HOUR) }).byStatus.failed).toBe(1);
  });

  it('sums calls, tokens and cost by tier, provider and model, with the cache hit rate', () => {
    const tasks = [
      taskDocument({
        task_id: 'a',
        model_calls: [
          call({ request_id: 'm1', tier: 'small', tokens_in: 10, tokens_out: 1 }),
          call({ request_id: 'm2', cache_hit: true, tokens_in: 0, tokens_out: 0 }),
        ],
      }),
      taskDocument({
        task_id: 'b',
        model_calls: [
          call({
            request_id: 'm1',
            provider: 'openai',
            model: 'gpt-4o-mini',
            tokens_in: 1000,
            tokens_out: 200,
            cost_usd: 0.00027,
          }),
          call({ request_id: 'm2', outcome: 'skipped', provider: 'gemini', model: 'gemini-2.5-flash' }),
        ],
      }),
    ];
    const { usage } = computeStats(tasks);
    expect(usage.calls).toBe(3);
    expect(usage.cached).toBe(1);
    expect(usage.cacheHitRate).toBeCloseTo(1 / 3);
    expect(usage.tokensIn).toBe(1010);
    expect(usage.costUsd).toBeCloseTo(0.00027);
    expect(usage.byTier.small).toMatchObject({ calls: 1, tokensIn: 10, tokensOut: 1 });
    expect(usage.byTier.medium).toMatchObject({ calls: 2, cached: 1, tokensIn: 1000, tokensOut: 200 });
    expect(usage.byProvider.ollama?.calls).toBe(2);
    expect(usage.byProvider.openai?.costUsd).toBeCloseTo(0.00027);
    expect(usage.byModel['openai:gpt-4o-mini']?.calls).toBe(1);
    expect(usage.byProvider.gemini).toBeUndefined();
    expect(usage.refusals).toEqual({ skipped: 1 });
  });

  it('counts a fallback per task even when another task reused the same request id', () => {
    // Every process numbers its requests from m1: task a's m1 found no model, task b's m1 was answered.
    const tasks = [
      taskDocument({
        task_id: 'a',
        model_calls: [call({ role: 'review', outcome: 'error', error: 'connection refused' })],
      }),
      taskDocument({ task_id: 'b', model_calls: [call({ role: 'review' })] }),
    ];
    const { usage } = computeStats(tasks);
    expect(usage.requests).toBe(2);
    expect(usage.fallbacks).toBe(1);
    expect(usage.fallbackRoles).toEqual(['review']);
  });

  it('tells the runs of a resumed task apart by their task_started events', () => {
    const doc = taskDocument({
      task_id: 'resumed',
      events: [
        { at: ago(3 * HOUR), type: 'task_started' },
        { at: ago(2 * HOUR), type: 'task_started' },
      ],
      model_calls: [
        call({ at: ago(2.5 * HOUR), role: 'plan', outcome: 'timeout' }),
        call({ at: ago(1.5 * HOUR), role: 'plan', outcome: 'ok' }),
      ],
    });
    const { usage } = computeStats([doc]);
    expect(usage.requests).toBe(2);
    expect(usage.fallbacks).toBe(1);
  });
});
