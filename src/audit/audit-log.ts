// Audit trail ("IT Security"): append-only, hash-chained record of approvals, refusals and tool runs in
// .office/audit.jsonl, safe for several office processes appending at once.
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { withFileLock, writeFileAtomic } from '../util/files.js';
import { secretValues } from '../config/secrets.js';
import { redactDeep } from '../util/redact.js';
import { officeDir } from '../util/workspace.js';
import { canonicalJson } from './canonical-json.js';

/** `prev` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Kinds of entries office writes; plugins and later stages may add their own lower_snake names. */
export type AuditType = 'approval' | 'refusal' | 'tool_run' | 'gatekeeper' | (string & {});

const hashText = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest');

export const auditEntrySchema = z.looseObject({
  seq: z.int().min(1),
  at: z.string().min(1),
  task_id: z.string().nullable(),
  type: z.string().regex(/^[a-z][a-z0-9_]*$/),
  prev: hashText,
  hash: hashText,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** What a caller records: the task (null for events outside a task), the kind, and its data. */
export interface AuditEvent {
  readonly task_id: string | null;
  readonly type: AuditType;
  readonly [key: string]: unknown;
}

const RESERVED = ['seq', 'at', 'prev', 'hash'] as const;

export function auditPath(workspace: string): string {
  return join(officeDir(workspace), 'audit.jsonl');
}

/** Records the last appended seq and hash, so that removing lines at the end of the log is detected. */
export function auditHeadPath(workspace: string): string {
  return join(officeDir(workspace), 'audit.head.json');
}

export const auditHeadSchema = z.strictObject({ seq: z.int().min(0), hash: hashText });

/** sha256(prev + canonical JSON of the entry without `hash`). */
export function entryHash(entry: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = entry;
  const prev = typeof rest.prev === 'string' ? rest.prev : '';
  return createHash('sha256')
    .update(prev + canonicalJson(rest))
    .digest('hex');
}

/** Parses one log line; undefined when it is not a well-formed entry. */
export function parseAuditLine(line: string): AuditEntry | undefined {
  try {
    const parsed = auditEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const TAIL_CHUNK = 64 * 1024;

/** The last well-formed entry of the log and whether the file ends mid-line, reading backwards from the end. */
async function readTail(path: string): Promise<{ last?: AuditEntry; endsMidLine: boolean }> {
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { endsMidLine: false };
    const lastByte = Buffer.alloc(1);
    await handle.read(lastByte, 0, 1, size - 1);
    const endsMidLine = lastByte[0] !== 0x0a;
    let end = size;
    let carry = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      await handle.read(chunk, 0, chunk.length, start);
      const bytes = Buffer.concat([chunk, carry]);
      // Before the first newline may be the end of a line that starts in an earlier chunk: keep it, as bytes.
      const cut = start === 0 ? -1 : bytes.indexOf(0x0a);
      if (start > 0 && cut === -1) {
        carry = bytes;
        end = start;
        continue;
      }
      const lines = bytes
        .subarray(cut + 1)
        .toString('utf8')
        .split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = parseAuditLine(lines[i] ?? '');
        if (entry) return { last: entry, endsMidLine };
      }
      carry = start === 0 ? Buffer.alloc(0) : bytes.subarray(0, cut);
      end = start;
    }
    return { endsMidLine };
  } finally {
    await handle.close();
  }
}

export interface AppendOptions {
  readonly now?: () => Date;
  /** Exact values to mask besides the recognised secret forms (default: the secrets office read from its environment). */
  readonly secrets?: readonly string[];
}

/** The entry that follows `last` (undefined: the first one), and its line; data is redacted before it is hashed. */
export function nextAuditEntry(
  last: AuditEntry | undefined,
  event: AuditEvent,
  options: AppendOptions = {},
): { entry: AuditEntry; line: string } {
  for (const key of RESERVED) {
    if (key in event) throw new TypeError(`an audit event may not set "${key}"; the log assigns it`);
  }
  const secrets = options.secrets ?? secretValues();
  const { task_id, type, ...data } = redactDeep({ ...event }, { secrets });
  const at = (options.now ?? (() => new Date()))().toISOString();
  const draft = JSON.parse(
    JSON.stringify({
      seq: (last?.seq ?? 0) + 1,
      at,
      task_id,
      type,
      ...data,
      prev: last?.hash ?? GENESIS_HASH,
    }),
  ) as Record<string, unknown>;
  // Written in reading order (seq, at, task_id, type, data, prev, hash); the hash does not depend on it.
  const written = { ...draft, hash: entryHash(draft) };
  return { entry: auditEntrySchema.parse(written), line: JSON.stringify(written) };
}

/**
 * Appends one entry. Under the cross-process lock it reads the last entry's hash, chains the new one to it,
 * appends the line with fsync, then records the head. Data is redacted before it is hashed and written.
 */
export async function appendAudit(
  workspace: string,
  event: AuditEvent,
  options: AppendOptions = {},
): Promise<AuditEntry> {
  const path = auditPath(workspace);
  // Checked (and the clock read) before the lock is taken, as before: a bad event never waits for the lock.
  for (const key of RESERVED) {
    if (key in event) throw new TypeError(`an audit event may not set "${key}"; the log assigns it`);
  }
  const now = (options.now ?? (() => new Date()))();
  return withFileLock(path, async () => {
    const { last, endsMidLine } = await readTail(path);
    const { entry, line: text } = nextAuditEntry(last, event, { ...options, now: () => now });
    // A line cut off by a crash is closed first, so the new entry starts on a line of its own.
    const line = `${endsMidLine ? '\n' : ''}${text}\n`;
    const handle = await open(path, 'a');
    try {
      await handle.appendFile(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await writeFileAtomic(
      auditHeadPath(workspace),
      `${JSON.stringify({ seq: entry.seq, hash: entry.hash })}\n`,
    );
    return entry;
  });
}

/** The well-formed entries of the log, oldest first, optionally of one task. Use verifyAudit to check the chain. */
export async function readAudit(workspace: string, options: { taskId?: string } = {}): Promise<AuditEntry[]> {
  const text = await readFile(auditPath(workspace), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = line ? parseAuditLine(line) : undefined;
    if (entry && (options.taskId === undefined || entry.task_id === options.taskId)) entries.push(entry);
  }
  return entries;
}

/** Where approvals and tool runs are recorded: the file log here, or a table in the PostgreSQL store. */
export interface AuditLog {
  /** Where the trail is kept, for messages (a path, or `postgres: audit_entries`). */
  readonly where: string;
  append(event: AuditEvent, options?: AppendOptions): Promise<AuditEntry>;
  /** The well-formed entries, oldest first, optionally of one task. */
  read(options?: { taskId?: string }): Promise<AuditEntry[]>;
  /** The whole trail as log text and the head record's text (for verifyAuditText). */
  export(): Promise<{ text: string; head: string | undefined }>;
}

export function fileAuditLog(workspace: string): AuditLog {
  return {
    where: auditPath(workspace),
    append: (event, options) => appendAudit(workspace, event, options),
    read: (options) => readAudit(workspace, options),
    async export() {
      const read = (path: string) =>
        readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        });
      return { text: (await read(auditPath(workspace))) ?? '', head: await read(auditHeadPath(workspace)) };
    },
  };
}
