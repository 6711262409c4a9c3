// `office stats` (the seed's "Control Room" view): task outcomes, durations, and model usage, as a table or JSON.
import { EXIT, type ExitCode } from '../../errors.js';
import type { UsageSummary, UsageTotals } from '../../models/usage.js';
import { tierNames } from '../../schemas/config.js';
import { taskStatuses } from '../../schemas/task.js';
import { computeStats, parseAge, type TaskStats } from '../../telemetry/stats.js';
import { formatDuration } from '../../ui/format.js';
import { openWorkspace } from '../wiring.js';
import { formatLocal } from '../../util/dates.js';

interface Flags {
  readonly dir?: string;
  readonly since?: string;
  readonly json?: boolean;
}

interface CorruptFile {
  readonly path: string;
  readonly moved_to: string | null;
  readonly message: string;
}

export async function statsCommand(flags: Flags): Promise<ExitCode> {
  const ageMs = flags.since === undefined ? undefined : parseAge(flags.since);
  const ws = await openWorkspace(flags.dir);
  const { tasks, problems } = await ws.store.list();
  const since = ageMs === undefined ? undefined : new Date(Date.now() - ageMs);
  const stats = computeStats(tasks, since ? { since } : {});
  const corrupt: CorruptFile[] = problems.map((p) => ({
    path: p.path,
    moved_to: p.setAsideTo ?? null,
    message: p.message,
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(statsJson(stats, flags.since, corrupt), null, 2)}\n`);
  } else {
    process.stdout.write(`${statsText(stats, flags.since, corrupt).join('\n')}\n`);
  }
  return EXIT.ok;
}

const round = (x: number, digits = 6) => Number(x.toFixed(digits));

function totalsJson(t: UsageTotals) {
  return {
    calls: t.calls,
    failed_attempts: t.failed,
    cached: t.cached,
    tokens_in: t.tokensIn,
    tokens_out: t.tokensOut,
    cost_usd: round(t.costUsd),
    tokens_estimated: t.estimated,
  };
}

function groupJson(group: Readonly<Record<string, UsageTotals>>) {
  return Object.fromEntries(Object.entries(group).map(([k, t]) => [k, totalsJson(t)]));
}

function statsJson(stats: TaskStats, sinceFlag: string | undefined, corrupt: readonly CorruptFile[]) {
  const u = stats.usage;
  return {
    since: stats.since?.toISOString() ?? null,
    since_flag: sinceFlag ?? null,
    tasks: stats.tasks,
    by_status: stats.byStatus,
    finished: stats.finished,
    succeeded: stats.succeeded,
    success_rate: stats.successRate === undefined ? null : round(stats.successRate, 4),
    duration_ms: {
      count: stats.duration.count,
      p50: stats.duration.p50Ms ?? null,
      p95: stats.duration.p95Ms ?? null,
    },
    models: {
      ...totalsJson(u),
      cache_hit_rate: round(u.cacheHitRate, 4),
      requests: u.requests,
      fallbacks: u.fallbacks,
      fallback_roles: u.fallbackRoles,
      refusals: u.refusals,
      by_tier: groupJson(u.byTier),
      by_provider: groupJson(u.byProvider),
      by_model: groupJson(u.byModel),
    },
    corrupt_files: corrupt,
  };
}

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)}%`;
const usd = (x: number) => `$${x.toFixed(4)}`;

function statsText(
  stats: TaskStats,
  sinceFlag: string | undefined,
  corrupt: readonly CorruptFile[],
): string[] {
  const label = (s: string) => s.padEnd(12);
  const window = stats.since ? ` created since ${formatLocal(stats.since)} (${sinceFlag})` : '';
  const lines = [`${label('tasks')}${n(stats.tasks)}${window}`];
  const statuses = taskStatuses.filter((s) => stats.byStatus[s] > 0).map((s) => `${stats.byStatus[s]} ${s}`);
  if (statuses.length > 0) lines.push(`${label('')}${statuses.join(', ')}`);
  lines.push(
    `${label('success')}${stats.successRate === undefined ? 'n/a (no finished task)' : `${pct(stats.successRate)} (${stats.succeeded} of ${stats.finished} finished)`}`,
  );
  const d = stats.duration;
  lines.push(
    `${label('duration')}${d.p50Ms === undefined || d.p95Ms === undefined ? 'n/a' : `p50 ${formatDuration(d.p50Ms)}, p95 ${formatDuration(d.p95Ms)}`} (${d.count} finished task${d.count === 1 ? '' : 's'})`,
  );
  lines.push(...usageText(stats.usage, label));
  for (const c of corrupt) {
    lines.push(
      `${label('skipped')}corrupt task file ${c.path}${c.moved_to ? ` (moved to ${c.moved_to})` : ''}`,
    );
  }
  return lines;
}

function usageText(u: UsageSummary, label: (s: string) => string): string[] {
  const approx = u.estimated ? '~' : '';
  const lines = [
    `${label('models')}${n(u.calls)} call${u.calls === 1 ? '' : 's'}, ${n(u.cached)} cached (${pct(u.cacheHitRate)} cache hits), ` +
      `${approx}${n(u.tokensIn)} tokens in / ${approx}${n(u.tokensOut)} out, ${usd(u.costUsd)}`,
    ...(u.failed > 0
      ? [
          `${label('failed')}${n(u.failed)} attempt${u.failed === 1 ? '' : 's'} no model answered (their tokens count above)`,
        ]
      : []),
    `${label('fallbacks')}${u.fallbacks === 0 ? 'none' : `${u.fallbacks} of ${n(u.requests)} requests (${u.fallbackRoles.join(', ')})`}`,
  ];
  const refusals = Object.entries(u.refusals).map(([k, v]) => `${v} ${k}`);
  if (refusals.length > 0) lines.push(`${label('not called')}${refusals.join(', ')}`);
  if (u.calls + u.failed === 0) return lines;
  const groups: [string, Readonly<Record<string, UsageTotals>>][] = [
    ['tier', u.byTier],
    ['provider', u.byProvider],
    ['model', u.byModel],
  ];
  const keys = groups.flatMap(([, g]) => Object.keys(g));
  const first = Math.max(10, ...keys.map((k) => k.length + 2));
  const header = ['calls', 'cached', 'tokens in', 'tokens out', 'cost'];
  const cells = (t: UsageTotals) => [n(t.calls), n(t.cached), n(t.tokensIn), n(t.tokensOut), usd(t.costUsd)];
  const rows = groups.flatMap(([, g]) => Object.values(g).map(cells));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const row = (name: string, values: readonly string[]) =>
    `${name.padEnd(first)}${values.map((v, i) => `  ${v.padStart(widths[i] ?? 0)}`).join('')}`.trimEnd();
  // Tiers from small to large; providers and models alphabetically.
  const order = (key: string) => (tierNames as readonly string[]).indexOf(key);
  lines.push('', row('', header));
  for (const [title, group] of groups) {
    lines.push(`by ${title}`);
    const entries = Object.entries(group).sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b));
    for (const [key, totals] of entries) lines.push(row(`  ${key}`, cells(totals)));
  }
  return lines;
}
