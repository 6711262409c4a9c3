// Receptionist's ledger of tasks ("Receptionist"): what the server knows of every task it serves — status, tenant,
// what it waits on — kept in memory so that listing, paging and the metrics never read every task file.
import { z } from 'zod';
import type { TaskDocument, TaskStatus } from '../schemas/task.js';

/** What `office serve` stores in a task's options: who submitted it, how, and where its outcome goes. */
export const servedSchema = z.strictObject({
  tenant: z.string(),
  idempotency_key: z.string().optional(),
  request_hash: z.string(),
  callback_url: z.string().optional(),
});
export type Served = z.infer<typeof servedSchema>;

/** The submission record of a task made by `office serve`; undefined for tasks made by the CLI. */
export function servedOf(doc: TaskDocument): Served | undefined {
  const parsed = servedSchema.safeParse((doc.options as Record<string, unknown>).served);
  return parsed.success ? parsed.data : undefined;
}

export interface BookEntry {
  readonly task_id: string;
  readonly tenant: string;
  readonly request: string;
  readonly created_at: string;
  status: TaskStatus;
  duration_ms: number | null;
  waiting_steps: number;
}

export function entryOf(doc: TaskDocument, tenant: string, waiting: number): BookEntry {
  return {
    task_id: doc.task_id,
    tenant,
    request: doc.request,
    created_at: doc.created_at,
    status: doc.status,
    duration_ms: doc.duration_ms ?? null,
    waiting_steps: waiting,
  };
}

const newestFirst = (a: BookEntry, b: BookEntry): number =>
  b.created_at.localeCompare(a.created_at) || b.task_id.localeCompare(a.task_id);

export function encodeCursor(entry: BookEntry): string {
  return Buffer.from(`${entry.created_at}|${entry.task_id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { created_at: string; task_id: string } | undefined {
  const [created_at, task_id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return created_at && task_id ? { created_at, task_id } : undefined;
}

/**
 * One page of rows, newest first, after `cursor` (the last row of the previous page). Pure: the rows, a filter
 * and the paging in; the page and the cursor of the next one (null at the end) out.
 */
export function pageOf<T extends BookEntry>(
  rows: readonly T[],
  keep: (row: T) => boolean,
  limit: number,
  cursor: string | undefined,
): { rows: T[]; next: string | null } | undefined {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) return undefined;
  const sorted = rows.filter(keep).sort(newestFirst);
  const start = after
    ? sorted.findIndex(
        (r) => newestFirst(r, { ...r, created_at: after.created_at, task_id: after.task_id }) > 0,
      )
    : 0;
  const from = start < 0 ? sorted.length : start;
  const page = sorted.slice(from, from + limit);
  const last = page.at(-1);
  return { rows: page, next: last && from + limit < sorted.length ? encodeCursor(last) : null };
}
