// Archives janitor ("Archives"): what an office process killed with SIGKILL leaves under .office/ — lock folders,
// half-written temp files, run markers, tasks stored as running — and whether the process that left it is gone.
import { hostname } from 'node:os';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';

/** The marker `.office/tasks/<id>.run` that says which process runs a task. */
export const runMarkerSchema = z.strictObject({ pid: z.int(), host: z.string(), at: z.string() });
export type RunMarker = z.infer<typeof runMarkerSchema>;

/** Who runs a task, as its run marker says. */
export type RunHolder =
  | { readonly type: 'live'; readonly pid: number; readonly since: string }
  | { readonly type: 'other_host'; readonly host: string; readonly pid: number; readonly since: string }
  /** No marker, or one whose process is gone: nobody runs the task. */
  | { readonly type: 'none'; readonly stalePid?: number };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run marker, judged: a marker from this host whose process is gone means nobody runs the task any more. */
export function runHolderOf(
  marker: RunMarker | undefined,
  here: { readonly host: string; readonly alive: (pid: number) => boolean },
): RunHolder {
  if (!marker) return { type: 'none' };
  if (marker.host !== here.host) {
    return { type: 'other_host', host: marker.host, pid: marker.pid, since: marker.at };
  }
  return here.alive(marker.pid)
    ? { type: 'live', pid: marker.pid, since: marker.at }
    : { type: 'none', stalePid: marker.pid };
}

/** The status to show for a task: one stored as running that nobody runs was interrupted (office was killed). */
export function effectiveStatus<S extends string>(stored: S, holder: RunHolder): S | 'interrupted' {
  return stored === 'running' && holder.type === 'none' ? 'interrupted' : stored;
}

export function runMarkerPath(tasksDir: string, taskId: string): string {
  return join(tasksDir, `${taskId}.run`);
}

export async function readRunHolder(tasksDir: string, taskId: string): Promise<RunHolder> {
  const parsed = runMarkerSchema.safeParse(
    await readFile(runMarkerPath(tasksDir, taskId), 'utf8')
      .then(JSON.parse)
      .catch(() => undefined),
  );
  return runHolderOf(parsed.success ? parsed.data : undefined, { host: hostname(), alive: isAlive });
}

/** The writer's pid in a temp file name written by writeFileAtomic (`.<name>.<pid>.<random>.tmp`). */
export function tempFileWriter(name: string): number | undefined {
  const match = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface StaleItem {
  /** Path relative to .office/. */
  readonly path: string;
  readonly why: string;
}

async function entriesUnder(dir: string): Promise<{ path: string; isDir: boolean }[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.map((e) => ({ path: join(e.parentPath, e.name), isDir: e.isDirectory() }));
}

/**
 * Temp files whose writer is gone (the pid in the name is not alive). A writer on another host sharing the folder
 * would look gone too; office's state is per machine, so that is not a case to keep them for.
 */
export async function staleTempFiles(office: string): Promise<StaleItem[]> {
  const found: StaleItem[] = [];
  for (const entry of await entriesUnder(office)) {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const pid = entry.isDir ? undefined : tempFileWriter(name);
    if (pid === undefined || isAlive(pid)) continue;
    found.push({ path: entry.path.slice(office.length + 1), why: `its writer, process ${pid}, is gone` });
  }
  return found;
}

/**
 * Lock folders (`<file>.lock`, proper-lockfile's) no live process holds: a holder refreshes its lock every few
 * seconds, so one untouched for longer than `staleMs` is abandoned. Removing goes through the lock library itself —
 * take the lock over, then release it — so a lock taken meanwhile by a live process is never removed.
 */
export async function staleLocks(office: string, remove: boolean, staleMs = 10_000): Promise<StaleItem[]> {
  const found: StaleItem[] = [];
  for (const entry of await entriesUnder(office)) {
    if (!entry.isDir || !entry.path.endsWith('.lock')) continue;
    const target = entry.path.slice(0, -'.lock'.length);
    const info = await stat(entry.path).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs <= staleMs) continue;
    const why = `not refreshed for ${Math.round((Date.now() - info.mtimeMs) / 1000)} s: its holder is gone`;
    if (remove) {
      try {
        const release = await lockfile.lock(target, { realpath: false, stale: staleMs, retries: 0 });
        await release();
      } catch {
        continue; // Taken by a live process meanwhile.
      }
    }
    found.push({ path: entry.path.slice(office.length + 1), why });
  }
  return found;
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
