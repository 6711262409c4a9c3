// `office gc` (retention for the "Archives"): removes finished task documents, model cache entries, code index
// caches (the workspace's and the per-user one of trees outside any workspace), plan memory entries older than a
// cutoff, and what a killed office left behind (stale locks, temp files, tasks stuck as running); says what went
// and how much space it freed.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { userCacheDir } from '../../code/cache.js';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import type { TaskStatus } from '../../schemas/task.js';
import { finishedStatuses } from '../../telemetry/stats.js';
import { formatLocal } from '../../util/dates.js';
import { withFileLock } from '../../util/files.js';
import { officeDir } from '../../util/workspace.js';
import { runMarkerPath, staleLocks, staleTempFiles } from '../../store/stale-state.js';
import { openWorkspace, type Workspace } from '../wiring.js';
import { openMemory } from './memory.js';

const AGE_UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `30d`, `12h`, `90m` (a bare number is days) → milliseconds. */
export function parseOlderThan(text: string): number {
  const match = /^(\d+)([dhm]?)$/.exec(text.trim());
  const amount = Number(match?.[1]);
  if (!match || !(amount > 0)) {
    throw new UsageError(
      `--older-than takes an age: a whole number followed by d (days), h (hours) or m (minutes), e.g. 30d; not "${text}"`,
    );
  }
  return amount * AGE_UNITS[(match[2] || 'd') as keyof typeof AGE_UNITS];
}

/** Only what gc needs of a task document; a file that is not even this is left for `office list` to report. */
const taskHeadSchema = z.looseObject({
  task_id: z.string(),
  status: z.string(),
  updated_at: z.string(),
  finished_at: z.string().optional(),
});

/**
 * A task document may go when it ended for good (succeeded, failed, escalated, dead-lettered) before the
 * cutoff. Never a running, interrupted or waiting one (they can be resumed), and never one still in the
 * dead-letter queue (that is where people inspect and retry failures; `office dlq` needs its document).
 */
export function taskIsRemovable(
  head: { status: string; updated_at: string; finished_at?: string | undefined },
  cutoff: Date,
  inDeadLetterQueue: boolean,
): boolean {
  if (!finishedStatuses.includes(head.status as TaskStatus) || inDeadLetterQueue) return false;
  return (head.finished_at ?? head.updated_at) < cutoff.toISOString();
}

interface Removed {
  readonly name: string;
  readonly bytes: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Cache files last read or written before the cutoff (reads count through atime, which relatime keeps to a day). */
async function sweepCache(dir: string, cutoffMs: number, dryRun: boolean): Promise<Removed[]> {
  const removed: Removed[] = [];
  // A code store's `-wal` and `-shm` files go with their database: used when any of them is, removed together.
  const groups = new Map<string, string[]>();
  for (const path of await filesUnder(dir)) {
    const key = path.replace(/\.db-(wal|shm)$/, '.db');
    const group = groups.get(key);
    if (group) group.push(path);
    else groups.set(key, [path]);
  }
  for (const paths of groups.values()) {
    const infos = await Promise.all(paths.map((path) => stat(path).catch(() => undefined)));
    if (infos.some((info) => !info || Math.max(info.atimeMs, info.mtimeMs) >= cutoffMs)) continue;
    for (const [i, path] of paths.entries()) {
      if (!dryRun) await rm(path, { force: true });
      removed.push({ name: path.slice(dir.length + 1), bytes: infos[i]!.size });
    }
  }
  if (!dryRun) await removeEmptyDirs(dir, false);
  return removed;
}

async function removeEmptyDirs(dir: string, removeSelf: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeEmptyDirs(join(dir, e.name), true);
  if (removeSelf && (await readdir(dir).catch(() => ['?'])).length === 0) await rm(dir, { recursive: true });
}

async function sweepTasks(
  office: string,
  cutoff: Date,
  dryRun: boolean,
): Promise<(Removed & { status: string })[]> {
  const tasksDir = join(office, 'tasks');
  const dlq = new Set(
    (await readdir(join(office, 'dlq')).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5)),
  );
  const removed: (Removed & { status: string })[] = [];
  for (const name of await readdir(tasksDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const path = join(tasksDir, name);
    const head = taskHeadSchema.safeParse(
      await readFile(path, 'utf8')
        .then(JSON.parse)
        .catch(() => null),
    );
    if (!head.success || !taskIsRemovable(head.data, cutoff, dlq.has(head.data.task_id))) continue;
    const bytes = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (!dryRun) {
      // Under the task's own lock, so a concurrent `office feedback` or resume never writes it back half-removed.
      await withFileLock(path, async () => {
        await rm(path, { force: true });
        await rm(join(tasksDir, `${head.data.task_id}.run`), { force: true });
      });
    }
    removed.push({ name: head.data.task_id, bytes, status: head.data.status });
  }
  return removed;
}

interface Settled {
  readonly task_id: string;
  readonly pid: number | null;
}

/**
 * Tasks stored as running whose process is gone (killed with SIGKILL, or the machine went down): stored as
 * interrupted, so `office list` and `office resume` see what they are, and their run marker goes.
 */
async function settleInterrupted(ws: Workspace, dryRun: boolean): Promise<Settled[]> {
  const settled: Settled[] = [];
  const { tasks } = await ws.store.list();
  for (const task of tasks.filter((t) => t.status === 'running')) {
    const holder = await ws.store.runHolder(task.task_id);
    if (holder.type !== 'none') continue;
    settled.push({ task_id: task.task_id, pid: holder.stalePid ?? null });
    if (dryRun) continue;
    await ws.store.update(task.task_id, (d) => {
      if (d.status !== 'running') return;
      d.status = 'interrupted';
      d.error = {
        code: 'interrupted',
        message: `office stopped while running this task (process ${holder.stalePid ?? 'unknown'} is gone); continue with \`office resume ${task.task_id}\``,
      };
    });
    await rm(runMarkerPath(join(officeDir(ws.root), 'tasks'), task.task_id), { force: true });
  }
  return settled;
}

/** Temp files of gone writers, and lock folders nobody holds: what a killed office leaves behind. */
async function sweepLeftovers(office: string, dryRun: boolean) {
  const locks = await staleLocks(office, !dryRun);
  const temp = await staleTempFiles(office);
  if (!dryRun) for (const item of temp) await rm(join(office, item.path), { force: true });
  return { locks, temp };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const sum = (items: readonly { bytes: number }[]) => items.reduce((n, i) => n + i.bytes, 0);

export async function gcCommand(flags: {
  dir?: string;
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
}): Promise<ExitCode> {
  const ageMs = flags.olderThan === undefined ? undefined : parseOlderThan(flags.olderThan);
  const ws = await openWorkspace(flags.dir);
  const maxAge = ageMs ?? ws.config.retention.olderThanDays * AGE_UNITS.d;
  const cutoff = new Date(Date.now() - maxAge);
  const dryRun = flags.dryRun ?? false;
  const office = officeDir(ws.root);

  const leftovers = await sweepLeftovers(office, dryRun);
  const interrupted = await settleInterrupted(ws, dryRun);
  const tasks = await sweepTasks(office, cutoff, dryRun);
  const modelCache = await sweepCache(join(office, 'cache', 'models'), cutoff.getTime(), dryRun);
  const codeCache = await sweepCache(join(office, 'cache', 'code'), cutoff.getTime(), dryRun);
  // Trees indexed outside any workspace keep their code cache per user; any workspace's gc keeps it in bounds.
  const userCodeDir = join(userCacheDir(), 'code');
  const userCodeCache = await sweepCache(userCodeDir, cutoff.getTime(), dryRun);
  const memory = await openMemory(ws).prune(cutoff, dryRun);
  const total = sum(tasks) + sum(modelCache) + sum(codeCache) + sum(userCodeCache) + memory.bytes;
  const cacheFiles = modelCache.length + codeCache.length + userCodeCache.length;

  if (flags.json) {
    const report = {
      cutoff: cutoff.toISOString(),
      dry_run: dryRun,
      tasks: tasks.map((t) => ({ task_id: t.name, status: t.status, bytes: t.bytes })),
      model_cache: { files: modelCache.length, bytes: sum(modelCache) },
      code_cache: { files: codeCache.map((c) => c.name), bytes: sum(codeCache) },
      user_code_cache: {
        dir: userCodeDir,
        files: userCodeCache.map((c) => c.name),
        bytes: sum(userCodeCache),
      },
      memory: { entries: memory.removed.map((e) => e.id), bytes: memory.bytes },
      stale: {
        locks: leftovers.locks.map((l) => l.path),
        temp_files: leftovers.temp.map((t) => t.path),
        interrupted_tasks: interrupted,
      },
      bytes_freed: total,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT.ok;
  }
  const verb = dryRun ? 'would remove' : 'removed';
  const lines: string[] = [];
  for (const l of leftovers.locks) lines.push(`${verb} stale lock .office/${l.path} (${l.why})`);
  for (const t of leftovers.temp) lines.push(`${verb} temp file .office/${t.path} (${t.why})`);
  for (const t of interrupted) {
    lines.push(
      `task ${t.task_id} was stored as running, but its process${t.pid === null ? '' : ` ${t.pid}`} is gone: ` +
        `${dryRun ? 'would be marked' : 'marked'} interrupted (continue with \`office resume ${t.task_id}\`)`,
    );
  }
  for (const t of tasks) lines.push(`${verb} task ${t.name} (${t.status}, ${formatBytes(t.bytes)})`);
  for (const e of memory.removed)
    lines.push(`${verb} memory entry ${e.id} (${e.kind}, last used ${formatLocal(e.used_at)})`);
  for (const c of codeCache) lines.push(`${verb} code index cache ${c.name} (${formatBytes(c.bytes)})`);
  for (const c of userCodeCache) {
    lines.push(`${verb} code index cache ${join(userCodeDir, c.name)} (${formatBytes(c.bytes)})`);
  }
  if (modelCache.length > 0) {
    lines.push(
      `${verb} ${modelCache.length} model cache entr${modelCache.length === 1 ? 'y' : 'ies'} (${formatBytes(sum(modelCache))})`,
    );
  }
  lines.push(
    `${dryRun ? 'would free' : 'freed'} ${formatBytes(total)}: ${tasks.length} task${tasks.length === 1 ? '' : 's'}, ` +
      `${memory.removed.length} memory entr${memory.removed.length === 1 ? 'y' : 'ies'}, ` +
      `${cacheFiles} cache file${cacheFiles === 1 ? '' : 's'} ` +
      `not used since ${formatLocal(cutoff)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
