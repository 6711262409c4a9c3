// Archives ("Archives", "Task Morgue"): one lowdb document per task under .office/tasks/, dead letters under .office/dlq/.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { z } from 'zod';
import { CorruptFileError, TaskBusy, TaskExists, TaskNotFound, UsageError } from '../errors.js';
import { type TaskDocument, taskDocumentSchema } from '../schemas/task.js';
import { withFileLock, writeFileAtomic } from '../util/files.js';
import { secretValues } from '../config/secrets.js';
import { redactDeep } from '../util/redact.js';
import { officeDir } from '../util/workspace.js';
import { isAlive, type RunHolder, readRunHolder, runMarkerSchema } from './stale-state.js';

export const deadLetterSchema = z.strictObject({
  task_id: z.string(),
  request: z.string(),
  reason: z.string(),
  subtask_id: z.string().optional(),
  at: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** What the loop needs from the archives. */
export interface TaskStore {
  readonly workspace: string;
  create(doc: TaskDocument): Promise<void>;
  read(taskId: string): Promise<TaskDocument>;
  /** Reads, mutates and writes one task under its cross-process lock; returns the written document. */
  update(taskId: string, mutate: (doc: TaskDocument) => void): Promise<TaskDocument>;
  /** Every readable task, newest first, and the files that could not be read (already set aside). */
  list(): Promise<{ tasks: TaskDocument[]; problems: CorruptFileError[] }>;
  /** Resolves a task id or a unique prefix of one. */
  resolveId(idOrPrefix: string): Promise<string>;
  /**
   * Marks the task as being run by this process; throws TaskBusy if a live process runs it already.
   * A marker left by a killed process is taken over. Returns the release function.
   */
  acquireRun(taskId: string): Promise<() => Promise<void>>;
  /** Who runs the task now, by its run marker: a live process here, one on another host, or nobody. */
  runHolder(taskId: string): Promise<RunHolder>;
  /**
   * Whether a live process holds the task's run marker (one on another host counts as live: it cannot be
   * checked from here). False when the marker is gone or its process is.
   */
  isRunLive(taskId: string): Promise<boolean>;
  deadLetter(entry: DeadLetter): Promise<void>;
  listDeadLetters(): Promise<{ entries: DeadLetter[]; problems: CorruptFileError[] }>;
  readDeadLetter(taskId: string): Promise<DeadLetter | undefined>;
  removeDeadLetter(taskId: string): Promise<void>;
}

/** A new task id: sortable by time, short enough to type. */
export function newTaskId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Throws a UsageError unless `id` can be a task id (letters, digits, _ . -, not starting with a dot). */
export function checkTaskId(id: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(id) || id.startsWith('.')) {
    throw new UsageError(`"${id}" is not a task id. Run \`office list\` to see the tasks there are.`);
  }
}

/** lowdb adapter: zod-checked reads, atomic writes with unique temp names (lowdb's own is unsafe across processes). */
class CheckedJsonFile<T> implements Adapter<T | null> {
  constructor(
    private readonly path: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new CorruptFileError(this.path, `not valid JSON: ${(err as Error).message}`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorruptFileError(
        this.path,
        `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return parsed.data;
  }

  /** Secrets and e-mail addresses are masked in everything written (tool outputs can carry them). */
  async write(data: T | null): Promise<void> {
    if (data === null) return;
    await writeFileAtomic(
      this.path,
      `${JSON.stringify(redactDeep(data, { secrets: secretValues() }), null, 2)}\n`,
    );
  }
}

export function createTaskStore(workspace: string): TaskStore {
  const root = officeDir(workspace);
  const tasksDir = join(root, 'tasks');
  const dlqDir = join(root, 'dlq');
  const taskPath = (id: string) => join(tasksDir, `${id}.json`);

  const checkId = checkTaskId;

  /** Moves a corrupt file aside so it stops breaking listings, and returns the error naming both paths. */
  async function setAside(err: CorruptFileError): Promise<CorruptFileError> {
    const aside = join(root, 'corrupt', `${err.path.split(/[\\/]/).pop()}.${Date.now()}`);
    try {
      await mkdir(join(root, 'corrupt'), { recursive: true });
      await rename(err.path, aside);
      return new CorruptFileError(err.path, err.detail, aside);
    } catch {
      return err;
    }
  }

  async function readChecked(path: string): Promise<TaskDocument | null> {
    const db = new Low(new CheckedJsonFile(path, taskDocumentSchema), null);
    await db.read();
    return db.data;
  }

  async function read(taskId: string): Promise<TaskDocument> {
    checkId(taskId);
    try {
      const doc = await readChecked(taskPath(taskId));
      if (!doc) throw new TaskNotFound(taskId);
      return doc;
    } catch (err) {
      if (err instanceof CorruptFileError) throw await setAside(err);
      throw err;
    }
  }

  return {
    workspace,
    async create(doc) {
      checkId(doc.task_id);
      const path = taskPath(doc.task_id);
      await withFileLock(path, async () => {
        if (existsSync(path)) throw new TaskExists(doc.task_id);
        const db = new Low(new CheckedJsonFile(path, taskDocumentSchema), taskDocumentSchema.parse(doc));
        await db.write();
      });
    },
    read,
    async update(taskId, mutate) {
      checkId(taskId);
      const path = taskPath(taskId);
      return withFileLock(path, async () => {
        const db = new Low(new CheckedJsonFile(path, taskDocumentSchema), null);
        try {
          await db.read();
        } catch (err) {
          if (err instanceof CorruptFileError) throw await setAside(err);
          throw err;
        }
        if (!db.data) throw new TaskNotFound(taskId);
        mutate(db.data);
        db.data.updated_at = new Date().toISOString();
        db.data = taskDocumentSchema.parse(db.data);
        await db.write();
        return db.data;
      });
    },
    async list() {
      const names = await readdir(tasksDir).catch(() => [] as string[]);
      const tasks: TaskDocument[] = [];
      const problems: CorruptFileError[] = [];
      for (const name of names) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        try {
          const doc = await readChecked(join(tasksDir, name));
          if (doc) tasks.push(doc);
        } catch (err) {
          if (!(err instanceof CorruptFileError)) throw err;
          problems.push(await setAside(err));
        }
      }
      tasks.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.task_id.localeCompare(a.task_id));
      return { tasks, problems };
    },
    async resolveId(idOrPrefix) {
      checkId(idOrPrefix);
      const names = (await readdir(tasksDir).catch(() => [] as string[]))
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
        .map((n) => n.slice(0, -5));
      if (names.includes(idOrPrefix)) return idOrPrefix;
      const matches = names.filter((n) => n.startsWith(idOrPrefix));
      if (matches.length === 1 && matches[0]) return matches[0];
      if (matches.length > 1) {
        throw new UsageError(
          `"${idOrPrefix}" matches ${matches.length} tasks (${matches.slice(0, 5).join(', ')}); give more of the id.`,
        );
      }
      throw new TaskNotFound(idOrPrefix);
    },
    async acquireRun(taskId) {
      checkId(taskId);
      const path = join(tasksDir, `${taskId}.run`);
      const marker = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
      await mkdir(tasksDir, { recursive: true });
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await writeFile(path, marker, { flag: 'wx' });
          return async () => {
            await rm(path, { force: true });
          };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const holder = runMarkerSchema.safeParse(
          await readFile(path, 'utf8')
            .then(JSON.parse)
            .catch(() => null),
        );
        if (holder.success && holder.data.host === hostname() && isAlive(holder.data.pid)) {
          throw new TaskBusy(taskId, holder.data.pid, holder.data.at);
        }
        if (holder.success && holder.data.host !== hostname())
          throw new TaskBusy(taskId, holder.data.pid, holder.data.at, holder.data.host);
        await rm(path, { force: true });
      }
      throw new TaskBusy(taskId, 0, 'unknown');
    },
    async runHolder(taskId) {
      checkId(taskId);
      return readRunHolder(tasksDir, taskId);
    },

    async isRunLive(taskId) {
      checkId(taskId);
      return (await readRunHolder(tasksDir, taskId)).type !== 'none';
    },
    async deadLetter(entry) {
      await writeFileAtomic(
        join(dlqDir, `${entry.task_id}.json`),
        `${JSON.stringify(deadLetterSchema.parse(entry), null, 2)}\n`,
      );
    },
    async listDeadLetters() {
      const names = await readdir(dlqDir).catch(() => [] as string[]);
      const entries: DeadLetter[] = [];
      const problems: CorruptFileError[] = [];
      for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
        const path = join(dlqDir, name);
        try {
          const entry = await new CheckedJsonFile(path, deadLetterSchema).read();
          if (entry) entries.push(entry);
        } catch (err) {
          if (!(err instanceof CorruptFileError)) throw err;
          problems.push(await setAside(err));
        }
      }
      entries.sort((a, b) => b.at.localeCompare(a.at));
      return { entries, problems };
    },
    async readDeadLetter(taskId) {
      checkId(taskId);
      return (
        (await new CheckedJsonFile(join(dlqDir, `${taskId}.json`), deadLetterSchema).read()) ?? undefined
      );
    },
    async removeDeadLetter(taskId) {
      checkId(taskId);
      await rm(join(dlqDir, `${taskId}.json`), { force: true });
    },
  };
}
