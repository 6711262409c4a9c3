// Model Selector usage stats: pure sums over ModelCallRecords, and the one-line summary printed after a run.
import type { ModelCallRecord } from './types.js';

export interface UsageTotals {
  /**
   * Calls that were answered, by a provider or from the cache. Every view (run footer, status, show, stats, the
   * terminal UI) counts these; skips and refusals are not calls, failed attempts are counted apart.
   */
  readonly calls: number;
  /** Attempts a provider did not answer usefully (error, timeout, 429, output that failed its schema). */
  readonly failed: number;
  readonly cached: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  /** True when some token counts are estimates (the provider reported no usage). */
  readonly estimated: boolean;
}

export interface UsageSummary extends UsageTotals {
  readonly byTier: Readonly<Record<string, UsageTotals>>;
  readonly byProvider: Readonly<Record<string, UsageTotals>>;
  /** Keyed "provider:model". */
  readonly byModel: Readonly<Record<string, UsageTotals>>;
  /** cached / calls, 0 when there were no calls. */
  readonly cacheHitRate: number;
  /** Requests (generate/embed) seen, and those no model answered (the role used its deterministic fallback). */
  readonly requests: number;
  readonly fallbacks: number;
  readonly fallbackRoles: readonly string[];
  /** Records that were not calls, by outcome (skipped, circuit_open, refused_budget). */
  readonly refusals: Readonly<Record<string, number>>;
}

const notCalls = new Set(['skipped', 'circuit_open', 'refused_budget']);

export function summarizeUsage(records: readonly ModelCallRecord[]): UsageSummary {
  const calls = records.filter((r) => !notCalls.has(r.outcome));
  const group = (key: (r: ModelCallRecord) => string) => {
    const out: Record<string, UsageTotals> = {};
    const keys = [...new Set(calls.map(key))];
    for (const k of keys) out[k] = totals(calls.filter((r) => key(r) === k));
    return out;
  };
  const requests = new Map<string, ModelCallRecord[]>();
  records.forEach((r, i) => {
    const id = r.request_id ?? `#${i}`;
    requests.set(id, [...(requests.get(id) ?? []), r]);
  });
  const failed = [...requests.values()].filter((rs) => !rs.some((r) => r.outcome === 'ok'));
  const refusals: Record<string, number> = {};
  for (const r of records) if (notCalls.has(r.outcome)) refusals[r.outcome] = (refusals[r.outcome] ?? 0) + 1;
  const all = totals(calls);
  return {
    ...all,
    byTier: group((r) => r.tier),
    byProvider: group((r) => r.provider),
    byModel: group((r) => `${r.provider}:${r.model}`),
    cacheHitRate: all.calls === 0 ? 0 : all.cached / all.calls,
    requests: requests.size,
    fallbacks: failed.length,
    fallbackRoles: [...new Set(failed.map((rs) => rs[0]?.role ?? '?'))],
    refusals,
  };
}

/** Answered calls and failed attempts of `records` (attempts only); tokens and cost of both, as both were spent. */
function totals(records: readonly ModelCallRecord[]): UsageTotals {
  return {
    calls: records.filter((r) => r.outcome === 'ok').length,
    failed: records.filter((r) => r.outcome !== 'ok').length,
    cached: records.filter((r) => r.cache_hit).length,
    tokensIn: records.reduce((s, r) => s + r.tokens_in, 0),
    tokensOut: records.reduce((s, r) => s + r.tokens_out, 0),
    costUsd: records.reduce((s, r) => s + r.cost_usd, 0),
    estimated: records.some((r) => r.tokens_estimated),
  };
}

/** e.g. `models: 3 calls (1 cached), 1 failed attempt, 2,341 tokens in / 512 out, $0.0012; fallback: none`. */
export function formatUsageLine(summary: UsageSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const approx = summary.estimated ? '~' : '';
  const usd =
    summary.costUsd === 0
      ? '$0'
      : `$${summary.costUsd < 0.0001 ? summary.costUsd.toFixed(6) : summary.costUsd.toFixed(4)}`;
  const fallback =
    summary.fallbacks === 0 ? 'none' : `${summary.fallbacks} (${summary.fallbackRoles.join(', ')})`;
  return (
    `models: ${n(summary.calls)} call${summary.calls === 1 ? '' : 's'} (${n(summary.cached)} cached), ` +
    (summary.failed > 0 ? `${n(summary.failed)} failed attempt${summary.failed === 1 ? '' : 's'}, ` : '') +
    `${approx}${n(summary.tokensIn)} tokens in / ${approx}${n(summary.tokensOut)} out, ${usd}; fallback: ${fallback}`
  );
}
