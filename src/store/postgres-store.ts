// Archives in PostgreSQL ("Archives", "Task Morgue"): the same TaskStore as the files under .office/ — task
// documents, dead letters, the audit chain — for workers on several machines, plus a lease with a heartbeat in place
// of the file store's run marker, so that one worker at a time runs a task.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import {
  type AppendOptions,
  type AuditEntry,
  type AuditEvent,
  type AuditLog,
  nextAuditEntry,
  parseAuditLine,
} from '../audit/audit-log.js';
import { secretValues } from '../config/secrets.js';
import {
  BackendUnavailable,
  CorruptFileError,
  TaskBusy,
  TaskExists,
  TaskNotFound,
  UsageError,
} from '../errors.js';
import { type TaskDocument, taskDocumentSchema } from '../schemas/task.js';
import { redactDeep } from '../util/redact.js';
import { migrate } from './migrate.js';
import { isAlive, type RunHolder, runHolderOf } from './stale-state.js';
import { checkTaskId, type DeadLetter, deadLetterSchema, type TaskStore } from './task-store.js';

export interface PostgresBackendOptions {
  readonly url: string;
  /** A lease not renewed for this long is free for another worker. */
  readonly leaseMs: number;
  /** Told when this process's lease on a task was found taken over (its heartbeat came too late). */
  readonly onLeaseLost?: (taskId: string) => void;
  /** Connections in the pool. */
  readonly maxConnections?: number;
}

export interface PostgresBackend {
  readonly store: TaskStore;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/** Where a row is named in messages (the file store names a path). */
const rowName = (table: string, id: string) => `postgres:${table}/${id}`;

/** The URL with its password hidden, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Connection failures and server errors outside a query's own fault (class 08, 53, 57) are worth retrying. */
function unavailable(err: unknown, url: string): unknown {
  const code = (err as { code?: unknown }).code;
  const transient =
    typeof code === 'string' &&
    (/^(08|53|57)/.test(code) ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code));
  if (!transient && !/Connection terminated|connect ECONNREFUSED/.test(String((err as Error).message)))
    return err;
  return new BackendUnavailable(
    `the PostgreSQL store at ${safeUrl(url)} is not reachable (${(err as Error).message}); check that it runs`,
    { cause: err },
  );
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Opens the pool and brings the schema up to date. */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<PostgresBackend> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 8,
    // A command that is done exits even while connections idle in the pool.
    allowExitOnIdle: true,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool; it must not crash office.
  pool.on('error', () => undefined);
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw unavailable(err, options.url);
    }
  };
  await guard(() => migrate(pool));

  const inTransaction = <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    guard(async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await work(client);
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });

  const parseDoc = (taskId: string, json: unknown): TaskDocument => {
    const parsed = taskDocumentSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new CorruptFileError(
      rowName('office_tasks', taskId),
      `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`,
    );
  };
  /** Secrets and e-mail addresses are masked in everything written, as in the file store. */
  const redacted = <T>(value: T): T => redactDeep(value, { secrets: secretValues() });

  const leases = new Map<string, { holder: string; timer: NodeJS.Timeout }>();
  const here = { host: hostname(), alive: isAlive };

  async function holderOf(taskId: string): Promise<RunHolder> {
    const { rows } = await guard(() =>
      pool.query<{ host: string; pid: number; acquired_at: Date; live: boolean }>(
        'SELECT host, pid, acquired_at, expires_at > now() AS live FROM office_task_leases WHERE task_id = $1',
        [taskId],
      ),
    );
    const row = rows[0];
    if (!row) return { type: 'none' };
    if (!row.live) return { type: 'none', stalePid: row.pid };
    return runHolderOf({ pid: row.pid, host: row.host, at: row.acquired_at.toISOString() }, here);
  }

  /**
   * A lease whose holder ran on this host and is gone (killed) is taken over at once rather than when it expires;
   * the update names the old holder, so only one process can win it.
   */
  async function takeOverFromDeadProcess(taskId: string, holder: string): Promise<boolean> {
    const { rows } = await guard(() =>
      pool.query<{ holder: string; host: string; pid: number }>(
        'SELECT holder, host, pid FROM office_task_leases WHERE task_id = $1',
        [taskId],
      ),
    );
    const old = rows[0];
    if (!old || old.host !== here.host || here.alive(old.pid)) return false;
    const taken = await guard(() =>
      pool.query(
        `UPDATE office_task_leases SET holder = $3, host = $4, pid = $5, acquired_at = now(),
           expires_at = now() + $6 * interval '1 millisecond'
         WHERE task_id = $1 AND holder = $2`,
        [taskId, old.holder, holder, here.host, process.pid, options.leaseMs],
      ),
    );
    return taken.rowCount === 1;
  }

  const store: TaskStore = {
    workspace: `postgres (${safeUrl(options.url)})`,
    async create(doc) {
      checkTaskId(doc.task_id);
      const checked = redacted(taskDocumentSchema.parse(doc));
      const { rowCount } = await guard(() =>
        pool.query(
          'INSERT INTO office_tasks (task_id, created_at, status, doc) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [checked.task_id, checked.created_at, checked.status, JSON.stringify(checked)],
        ),
      );
      if (rowCount === 0) throw new TaskExists(doc.task_id);
    },
    async read(taskId) {
      checkTaskId(taskId);
      const { rows } = await guard(() =>
        pool.query<{ doc: unknown }>('SELECT doc FROM office_tasks WHERE task_id = $1', [taskId]),
      );
      if (!rows[0]) throw new TaskNotFound(taskId);
      return parseDoc(taskId, rows[0].doc);
    },
    async update(taskId, mutate) {
      checkTaskId(taskId);
      return inTransaction(async (client) => {
        const { rows } = await client.query<{ doc: unknown }>(
          'SELECT doc FROM office_tasks WHERE task_id = $1 FOR UPDATE',
          [taskId],
        );
        if (!rows[0]) throw new TaskNotFound(taskId);
        const doc = parseDoc(taskId, rows[0].doc);
        mutate(doc);
        doc.updated_at = new Date().toISOString();
        const checked = redacted(taskDocumentSchema.parse(doc));
        await client.query('UPDATE office_tasks SET status = $2, doc = $3 WHERE task_id = $1', [
          taskId,
          checked.status,
          JSON.stringify(checked),
        ]);
        return checked;
      });
    },
    async list() {
      const { rows } = await guard(() =>
        pool.query<{ task_id: string; doc: unknown }>(
          'SELECT task_id, doc FROM office_tasks ORDER BY created_at DESC, task_id DESC',
        ),
      );
      const tasks: TaskDocument[] = [];
      const problems: CorruptFileError[] = [];
      for (const row of rows) {
        try {
          tasks.push(parseDoc(row.task_id, row.doc));
        } catch (err) {
          if (!(err instanceof CorruptFileError)) throw err;
          problems.push(err);
        }
      }
      return { tasks, problems };
    },
    async resolveId(idOrPrefix) {
      checkTaskId(idOrPrefix);
      const { rows } = await guard(() =>
        pool.query<{ task_id: string }>(
          "SELECT task_id FROM office_tasks WHERE task_id = $1 OR task_id LIKE $2 ESCAPE '\\' ORDER BY task_id LIMIT 6",
          [idOrPrefix, likePrefix(idOrPrefix)],
        ),
      );
      const names = rows.map((r) => r.task_id);
      if (names.includes(idOrPrefix)) return idOrPrefix;
      if (names.length === 1 && names[0]) return names[0];
      if (names.length > 1) {
        throw new UsageError(
          `"${idOrPrefix}" matches ${names.length > 5 ? 'more than 5' : names.length} tasks (${names.slice(0, 5).join(', ')}); give more of the id.`,
        );
      }
      throw new TaskNotFound(idOrPrefix);
    },
    async acquireRun(taskId) {
      checkTaskId(taskId);
      const holder = `${here.host}:${process.pid}:${randomBytes(4).toString('hex')}`;
      const { rows } = await guard(() =>
        pool.query(
          `INSERT INTO office_task_leases (task_id, holder, host, pid, acquired_at, expires_at)
           VALUES ($1, $2, $3, $4, now(), now() + $5 * interval '1 millisecond')
           ON CONFLICT (task_id) DO UPDATE SET holder = EXCLUDED.holder, host = EXCLUDED.host, pid = EXCLUDED.pid,
             acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
           WHERE office_task_leases.expires_at <= now()
           RETURNING holder`,
          [taskId, holder, here.host, process.pid, options.leaseMs],
        ),
      );
      if (rows.length === 0 && !(await takeOverFromDeadProcess(taskId, holder))) {
        const now = await holderOf(taskId);
        if (now.type === 'none') throw new TaskBusy(taskId, now.stalePid ?? 0, 'a moment ago');
        throw new TaskBusy(taskId, now.pid, now.since, now.type === 'other_host' ? now.host : undefined);
      }
      // The heartbeat: renewed every third of the lease, so two renewals may fail before another may take it.
      const timer = setInterval(
        () => {
          pool
            .query(
              `UPDATE office_task_leases SET expires_at = now() + $3 * interval '1 millisecond'
             WHERE task_id = $1 AND holder = $2`,
              [taskId, holder, options.leaseMs],
            )
            .then((r) => {
              if (r.rowCount === 0 && leases.get(taskId)?.holder === holder) options.onLeaseLost?.(taskId);
            })
            .catch(() => undefined);
        },
        Math.max(100, Math.floor(options.leaseMs / 3)),
      );
      timer.unref();
      leases.set(taskId, { holder, timer });
      return async () => {
        clearInterval(timer);
        if (leases.get(taskId)?.holder === holder) leases.delete(taskId);
        await guard(() =>
          pool.query('DELETE FROM office_task_leases WHERE task_id = $1 AND holder = $2', [taskId, holder]),
        );
      };
    },
    runHolder(taskId) {
      checkTaskId(taskId);
      return holderOf(taskId);
    },
    async isRunLive(taskId) {
      checkTaskId(taskId);
      return (await holderOf(taskId)).type !== 'none';
    },
    async deadLetter(entry) {
      const checked = deadLetterSchema.parse(entry);
      await guard(() =>
        pool.query(
          `INSERT INTO office_dead_letters (task_id, at, entry) VALUES ($1, $2, $3)
           ON CONFLICT (task_id) DO UPDATE SET at = EXCLUDED.at, entry = EXCLUDED.entry`,
          [checked.task_id, checked.at, JSON.stringify(checked)],
        ),
      );
    },
    async listDeadLetters() {
      const { rows } = await guard(() =>
        pool.query<{ task_id: string; entry: unknown }>(
          'SELECT task_id, entry FROM office_dead_letters ORDER BY at DESC',
        ),
      );
      const entries: DeadLetter[] = [];
      const problems: CorruptFileError[] = [];
      for (const row of rows) {
        const parsed = deadLetterSchema.safeParse(row.entry);
        if (parsed.success) entries.push(parsed.data);
        else
          problems.push(
            new CorruptFileError(rowName('office_dead_letters', row.task_id), parsed.error.message),
          );
      }
      return { entries, problems };
    },
    async readDeadLetter(taskId) {
      checkTaskId(taskId);
      const { rows } = await guard(() =>
        pool.query<{ entry: unknown }>('SELECT entry FROM office_dead_letters WHERE task_id = $1', [taskId]),
      );
      if (!rows[0]) return undefined;
      const parsed = deadLetterSchema.safeParse(rows[0].entry);
      if (!parsed.success)
        throw new CorruptFileError(rowName('office_dead_letters', taskId), parsed.error.message);
      return parsed.data;
    },
    async removeDeadLetter(taskId) {
      checkTaskId(taskId);
      await guard(() => pool.query('DELETE FROM office_dead_letters WHERE task_id = $1', [taskId]));
    },
  };

  /** The chain is extended under a transaction-scoped advisory lock: appends from every worker are serial. */
  const AUDIT_LOCK = 0xa0d17;
  const audit: AuditLog = {
    where: 'postgres: office_audit_entries',
    append(event: AuditEvent, appendOptions: AppendOptions = {}): Promise<AuditEntry> {
      return inTransaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
        const { rows } = await client.query<{ line: string }>(
          'SELECT line FROM office_audit_entries ORDER BY seq DESC LIMIT 1',
        );
        const last = rows[0] ? parseAuditLine(rows[0].line) : undefined;
        const { entry, line } = nextAuditEntry(last, event, appendOptions);
        await client.query('INSERT INTO office_audit_entries (seq, task_id, line) VALUES ($1, $2, $3)', [
          entry.seq,
          entry.task_id,
          line,
        ]);
        await client.query(
          `INSERT INTO office_audit_head (only_row, head) VALUES (true, $1)
           ON CONFLICT (only_row) DO UPDATE SET head = EXCLUDED.head`,
          [JSON.stringify({ seq: entry.seq, hash: entry.hash })],
        );
        return entry;
      });
    },
    async read(readOptions = {}) {
      const { rows } = await guard(() =>
        readOptions.taskId === undefined
          ? pool.query<{ line: string }>('SELECT line FROM office_audit_entries ORDER BY seq')
          : pool.query<{ line: string }>(
              'SELECT line FROM office_audit_entries WHERE task_id = $1 ORDER BY seq',
              [readOptions.taskId],
            ),
      );
      return rows.flatMap((r) => {
        const entry = parseAuditLine(r.line);
        return entry ? [entry] : [];
      });
    },
    async export() {
      const { rows } = await guard(() =>
        pool.query<{ line: string }>('SELECT line FROM office_audit_entries ORDER BY seq'),
      );
      const head = await guard(() => pool.query<{ head: string }>('SELECT head FROM office_audit_head'));
      return { text: rows.map((r) => `${r.line}\n`).join(''), head: head.rows[0]?.head };
    },
  };

  return {
    store,
    audit,
    async close() {
      for (const { timer } of leases.values()) clearInterval(timer);
      leases.clear();
      await pool.end();
    },
  };
}
