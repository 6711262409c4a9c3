// Model Selector budgets: the pre-call decision (pure) and the daily spend ledger shared by processes.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { withFileLock, writeFileAtomic } from '../util/files.js';
import { officeDir } from '../util/workspace.js';

export interface BudgetLimits {
  readonly perTaskUsd?: number | undefined;
  readonly perTaskTokens?: number | undefined;
  readonly perDayUsd?: number | undefined;
}

export interface Spent {
  readonly taskUsd: number;
  readonly taskTokens: number;
  /** Today's spend from the ledger, or why it could not be read. */
  readonly dayUsd: number | { readonly unreadable: string };
}

export type BudgetDecision = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Reply tokens assumed when estimating a call before it is made. */
export const OUTPUT_ALLOWANCE_TOKENS = 2_048;

const where = 'in .office.config.json (models.budget)';

/** Would a call estimated at `estimate` break a budget? Data in, decision out. */
export function checkBudget(
  limits: BudgetLimits,
  spent: Spent,
  estimate: { readonly tokens: number; readonly usd: number },
): BudgetDecision {
  if (limits.perTaskTokens !== undefined && spent.taskTokens + estimate.tokens > limits.perTaskTokens) {
    return {
      ok: false,
      message:
        `per-task token budget: this call (~${estimate.tokens} tokens) would bring the task to ` +
        `${spent.taskTokens + estimate.tokens} of ${limits.perTaskTokens} tokens; raise perTaskTokens ${where}`,
    };
  }
  if (
    estimate.usd > 0 &&
    limits.perTaskUsd !== undefined &&
    spent.taskUsd + estimate.usd > limits.perTaskUsd
  ) {
    return {
      ok: false,
      message:
        `per-task budget: this call (~$${fmt(estimate.usd)}) would bring the task to ` +
        `$${fmt(spent.taskUsd + estimate.usd)} of $${fmt(limits.perTaskUsd)}; raise perTaskUsd ${where}`,
    };
  }
  if (estimate.usd > 0 && limits.perDayUsd !== undefined) {
    if (typeof spent.dayUsd !== 'number') {
      return {
        ok: false,
        message: `daily budget: ${spent.dayUsd.unreadable}; fix or remove that file, or remove perDayUsd ${where}`,
      };
    }
    if (spent.dayUsd + estimate.usd > limits.perDayUsd) {
      return {
        ok: false,
        message:
          `daily budget: today's spend $${fmt(spent.dayUsd)} plus this call (~$${fmt(estimate.usd)}) would pass ` +
          `$${fmt(limits.perDayUsd)}; raise perDayUsd ${where}, or wait for the next day (UTC)`,
      };
    }
  }
  return { ok: true };
}

function fmt(usd: number): string {
  return usd < 0.01 ? usd.toFixed(6) : usd.toFixed(4);
}

const ledgerSchema = z.strictObject({
  version: z.literal(1),
  /** USD spent on model calls, by UTC day (YYYY-MM-DD). */
  days: z.record(z.string(), z.number().min(0)),
});

/** Days kept in the ledger. */
const KEEP_DAYS = 62;

export function spendLedgerPath(workspace: string): string {
  return join(officeDir(workspace), 'usage', 'spend.json');
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today's spend; a missing ledger is $0, an unreadable one is reported (never taken as $0). */
export async function readDailySpend(path: string, day: string): Promise<number | { unreadable: string }> {
  const read = await readLedger(path);
  if ('unreadable' in read) return read;
  return read.ledger.days[day] ?? 0;
}

/**
 * Adds `usd` to `day` under the ledger's cross-process lock. An unreadable ledger is moved aside
 * (`spend.json.corrupt-<time>`) and a fresh one started, so that spending is recorded again from now on.
 */
export async function addDailySpend(path: string, day: string, usd: number, nowMs: number): Promise<void> {
  if (usd <= 0) return;
  await withFileLock(path, async () => {
    const read = await readLedger(path);
    let days: Record<string, number> = {};
    if ('ledger' in read) days = read.ledger.days;
    else if (read.exists) await rename(path, `${path}.corrupt-${nowMs}`);
    days[day] = (days[day] ?? 0) + usd;
    const kept = Object.keys(days).sort().slice(-KEEP_DAYS);
    const ledger = { version: 1, days: Object.fromEntries(kept.map((d) => [d, days[d] ?? 0])) };
    await writeFileAtomic(path, `${JSON.stringify(ledger, null, 2)}\n`);
  });
}

async function readLedger(
  path: string,
): Promise<{ ledger: z.infer<typeof ledgerSchema> } | { unreadable: string; exists: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ledger: { version: 1, days: {} } };
    return { unreadable: `the spend ledger ${path} cannot be read (${String(err)})`, exists: true };
  }
  try {
    return { ledger: ledgerSchema.parse(JSON.parse(text)) };
  } catch {
    return { unreadable: `the spend ledger ${path} is not a valid ledger`, exists: true };
  }
}
