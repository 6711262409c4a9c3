// Archives plumbing: atomic writes and a cross-process lock, shared by every module that writes under .office/.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * Writes a file atomically: a uniquely named temp file in the same directory, fsync, then rename.
 * Readers see the old content or the new, never a mix, even with several processes writing.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Runs `fn` holding an exclusive cross-process lock on `path` (the file need not exist).
 * A lock left by a crashed process goes stale after `staleMs` and is taken over.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: { staleMs?: number } = {},
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const release = await lockfile.lock(path, {
    realpath: false,
    stale: options.staleMs ?? 10_000,
    retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => {
      // The lock was compromised (taken over as stale); the write already happened atomically.
    });
  }
}

/** Appends one line under the lock of `path`; used for append-only logs shared by processes. */
export async function appendLineLocked(path: string, line: string): Promise<void> {
  await withFileLock(path, async () => {
    const handle = await open(path, 'a');
    try {
      await handle.appendFile(line.endsWith('\n') ? line : `${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
