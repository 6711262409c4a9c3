// Receptionist's quotas ("Receptionist"): per tenant, tasks per minute, tasks at once, and model tokens and dollars
// per UTC day. `quotaRefusal` is the pure decision; `TenantLedger` keeps the counts it decides on.
import type { Quotas } from '../schemas/server-config.js';

export interface TenantUsage {
  /** Submission times (ms) in the last minute. */
  readonly recent: readonly number[];
  /** Tasks queued or running now. */
  readonly active: number;
  readonly tokensToday: number;
  readonly usdToday: number;
}

export interface QuotaRefusal {
  readonly quota: 'tasksPerMinute' | 'concurrentTasks' | 'tokensPerDay' | 'usdPerDay';
  readonly retryAfterSeconds: number;
  readonly message: string;
}

const MINUTE = 60_000;

/** Seconds from `now` to the next UTC midnight (when day quotas start again), at least 1. */
export function secondsToUtcMidnight(now: number): number {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now) / 1000));
}

/** Whether one more submission would pass a quota; the first quota it would pass, with when to try again. */
export function quotaRefusal(quotas: Quotas, usage: TenantUsage, now: number): QuotaRefusal | undefined {
  const recent = usage.recent.filter((t) => t > now - MINUTE).sort((a, b) => a - b);
  if (quotas.tasksPerMinute !== undefined && recent.length >= quotas.tasksPerMinute) {
    const oldest = recent[recent.length - quotas.tasksPerMinute] ?? now;
    return {
      quota: 'tasksPerMinute',
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + MINUTE - now) / 1000)),
      message: `quota: at most ${quotas.tasksPerMinute} tasks per minute`,
    };
  }
  if (quotas.concurrentTasks !== undefined && usage.active >= quotas.concurrentTasks) {
    return {
      quota: 'concurrentTasks',
      retryAfterSeconds: 5,
      message: `quota: at most ${quotas.concurrentTasks} tasks queued or running at once`,
    };
  }
  if (quotas.tokensPerDay !== undefined && usage.tokensToday >= quotas.tokensPerDay) {
    return {
      quota: 'tokensPerDay',
      retryAfterSeconds: secondsToUtcMidnight(now),
      message: `quota: ${quotas.tokensPerDay} model tokens per day spent (${usage.tokensToday})`,
    };
  }
  if (quotas.usdPerDay !== undefined && usage.usdToday >= quotas.usdPerDay) {
    return {
      quota: 'usdPerDay',
      retryAfterSeconds: secondsToUtcMidnight(now),
      message: `quota: $${quotas.usdPerDay} of model spend per day reached ($${usage.usdToday.toFixed(4)})`,
    };
  }
  return undefined;
}

interface Ledger {
  recent: number[];
  active: Set<string>;
  day: string;
  tokensToday: number;
  usdToday: number;
  tokensTotal: number;
  usdTotal: number;
  tasksToday: number;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Per-tenant counts: submissions, active tasks, model tokens and cost (today and in all). */
export class TenantLedger {
  private readonly tenants = new Map<string, Ledger>();
  constructor(private readonly now: () => number = Date.now) {}

  private of(tenant: string): Ledger {
    let l = this.tenants.get(tenant);
    const today = dayOf(this.now());
    if (!l) {
      l = {
        recent: [],
        active: new Set(),
        day: today,
        tokensToday: 0,
        usdToday: 0,
        tokensTotal: 0,
        usdTotal: 0,
        tasksToday: 0,
      };
      this.tenants.set(tenant, l);
    }
    if (l.day !== today) Object.assign(l, { day: today, tokensToday: 0, usdToday: 0, tasksToday: 0 });
    return l;
  }

  usage(tenant: string): TenantUsage {
    const l = this.of(tenant);
    const now = this.now();
    l.recent = l.recent.filter((t) => t > now - MINUTE);
    return { recent: l.recent, active: l.active.size, tokensToday: l.tokensToday, usdToday: l.usdToday };
  }

  submitted(tenant: string, taskId: string, at = this.now()): void {
    const l = this.of(tenant);
    l.recent.push(at);
    if (dayOf(at) === l.day) l.tasksToday += 1;
    l.active.add(taskId);
  }

  /** A task stored before this process started: counted for the day it was made, not against the rate. */
  known(tenant: string, createdAt: number): void {
    const l = this.of(tenant);
    if (dayOf(createdAt) === l.day) l.tasksToday += 1;
  }

  active(tenant: string, taskId: string, on: boolean): void {
    const l = this.of(tenant);
    if (on) l.active.add(taskId);
    else l.active.delete(taskId);
  }

  spent(tenant: string, tokens: number, usd: number, at = this.now()): void {
    const l = this.of(tenant);
    l.tokensTotal += tokens;
    l.usdTotal += usd;
    if (dayOf(at) === l.day) {
      l.tokensToday += tokens;
      l.usdToday += usd;
    }
  }

  report(): {
    tenant: string;
    tasks_today: number;
    tokens_today: number;
    cost_usd_today: number;
    tokens_total: number;
    cost_usd_total: number;
    active_tasks: number;
  }[] {
    return [...this.tenants.keys()].sort().map((tenant) => {
      const l = this.of(tenant);
      return {
        tenant,
        tasks_today: l.tasksToday,
        tokens_today: l.tokensToday,
        cost_usd_today: Number(l.usdToday.toFixed(6)),
        tokens_total: l.tokensTotal,
        cost_usd_total: Number(l.usdTotal.toFixed(6)),
        active_tasks: l.active.size,
      };
    });
  }
}
