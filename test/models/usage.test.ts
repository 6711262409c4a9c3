import { describe, expect, it } from 'vitest';
import type { ModelCallRecord } from '../../src/models/types.js';
import { formatUsageLine, summarizeUsage } from '../../src/models/usage.js';

const record = (over: Partial<ModelCallRecord>): ModelCallRecord => ({
  at: '2026-11-23T12:00:00.000Z',
  role: 'plan',
  tier: 'medium',
  provider: 'openai',
  model: 'gpt-4o-mini',
  tokens_in: 0,
  tokens_out: 0,
  tokens_estimated: false,
  cost_usd: 0,
  latency_ms: 0,
  cache_hit: false,
  outcome: 'ok',
  ...over,
});

describe('usage summary', () => {
  const records = [
    record({ request_id: 'm1', provider: 'ollama', model: 'qwen', outcome: 'error' }),
    record({ request_id: 'm1', tokens_in: 2000, tokens_out: 400, cost_usd: 0.00054 }),
    record({ request_id: 'm2', cache_hit: true }),
    record({ request_id: 'm3', role: 'review', tier: 'large', outcome: 'skipped' }),
    record({
      request_id: 'm3',
      role: 'review',
      tier: 'large',
      provider: 'ollama',
      model: 'qwen',
      outcome: 'circuit_open',
    }),
    record({
      request_id: 'm4',
      role: 'embed',
      tier: 'embed',
      tokens_in: 341,
      tokens_out: 112,
      cost_usd: 0.00066,
      tokens_estimated: true,
    }),
  ];

  it('sums tokens and cost by tier, provider and model, counting answered calls and failed attempts apart', () => {
    const s = summarizeUsage(records);

    expect(s).toMatchObject({
      calls: 3,
      failed: 1,
      cached: 1,
      tokensIn: 2341,
      tokensOut: 512,
      requests: 4,
      fallbacks: 1,
    });
    expect(s.costUsd).toBeCloseTo(0.0012, 10);
    expect(s.cacheHitRate).toBeCloseTo(1 / 3, 10);
    expect(s.fallbackRoles).toEqual(['review']);
    expect(s.refusals).toEqual({ skipped: 1, circuit_open: 1 });
    expect(s.byTier.medium).toMatchObject({ calls: 2, failed: 1, tokensIn: 2000 });
    expect(s.byProvider.ollama).toMatchObject({ calls: 0, failed: 1, tokensIn: 0 });
    expect(s.byModel['openai:gpt-4o-mini']).toMatchObject({ calls: 3, cached: 1 });
  });

  it('prints one line for the end of a run', () => {
    expect(formatUsageLine(summarizeUsage(records))).toBe(
      'models: 3 calls (1 cached), 1 failed attempt, ~2,341 tokens in / ~512 out, $0.0012; fallback: 1 (review)',
    );
    expect(formatUsageLine(summarizeUsage([]))).toBe(
      'models: 0 calls (0 cached), 0 tokens in / 0 out, $0; fallback: none',
    );
  });
});
