// Test helper: the notes MCP server (test/fixtures/mcp/notes-server.js) as a config entry, and checks that the
// processes it ran as have ended.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES, type TempWorkspace, waitFor } from './workspace.js';

export const NOTES_SERVER = join(FIXTURES, 'mcp', 'notes-server.js');
export const BROKEN_SERVER = join(FIXTURES, 'mcp', 'broken-server.js');

/** An `mcpServers` entry starting the notes server with the Node running the tests; notes go to notes.txt. */
export function notesServerEntry(
  ws: TempWorkspace,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    command: process.execPath,
    args: [NOTES_SERVER],
    env: { NOTES_FILE: ws.path('notes.txt'), NOTES_PIDS: ws.path('notes.pids') },
    ...extra,
  };
}

/** The pids the notes server wrote at start (one line per process started). */
export async function notesPids(ws: TempWorkspace): Promise<number[]> {
  const text = await readFile(ws.path('notes.pids'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of the notes server's processes is alive (they are stopped when office closes them). */
export async function noNotesServerLeft(ws: TempWorkspace): Promise<number[]> {
  const pids = await notesPids(ws);
  await waitFor(() => pids.every((pid) => !alive(pid)), 'the notes server processes to end', 10_000);
  return pids;
}

/** The notes server on Streamable HTTP, on a free loopback port; `stop` ends it. */
export async function startNotesOverHttp(
  ws: TempWorkspace,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [NOTES_SERVER, '--http', '0'], {
    env: { PATH: process.env.PATH ?? '', NOTES_FILE: ws.path('notes.txt') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const url = await waitFor(
    () => /listening on (\S+)/.exec(stderr)?.[1],
    'the notes server to listen',
    15_000,
  );
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
