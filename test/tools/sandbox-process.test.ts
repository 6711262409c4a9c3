// Process mode against commands that try to outlive it: children that leave the session with setsid and keep the
// output pipes open must neither stall office nor survive the command.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/tools/sandbox.js';
import { makeWorkspace, type TempWorkspace, waitFor } from '../helpers/workspace.js';

let ws: TempWorkspace;
const started: number[] = [];

beforeEach(async () => {
  ws = await makeWorkspace('office-process-mode-');
});
afterEach(async () => {
  // Should an assertion fail half-way, nothing is left behind.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await ws.cleanup();
});

/** True while `pid` runs (a zombie waiting for its parent counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function pidIn(rel: string): Promise<number> {
  const pid = await waitFor(
    async () => Number((await readFile(ws.path(rel), 'utf8').catch(() => '')).trim()) || undefined,
    `the pid in ${rel}`,
  );
  started.push(pid);
  return pid;
}

const sandbox = () => createSandbox({ workspace: ws.root, mode: 'process' });

describe.runIf(process.platform === 'linux')('process mode and children that leave the session', () => {
  it('a timeout stops a command whose setsid child holds stdout open, and the child with it', async () => {
    const box = await sandbox();
    const running = box.run(['sh', '-c', 'setsid sleep 600 & echo $! > escaped.pid; echo waiting; wait'], {
      cwd: ws.root,
      timeoutMs: 1_500,
    });
    const escaped = await pidIn('escaped.pid');
    expect(alive(escaped)).toBe(true);
    const result = await running;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.stdout).toBe('waiting\n');
    await waitFor(() => !alive(escaped), 'the setsid child to be stopped');
  });

  it('a command that exits leaving a setsid child behind returns, and the child is stopped', async () => {
    const box = await sandbox();
    const running = box.run(['sh', '-c', 'setsid sleep 600 & echo $! > escaped.pid; echo done'], {
      cwd: ws.root,
      timeoutMs: 60_000,
    });
    const escaped = await pidIn('escaped.pid');
    expect(await running).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    await waitFor(() => !alive(escaped), 'the setsid child to be stopped');
  });

  it('a child that forked twice and left the session is stopped too', async () => {
    const box = await sandbox();
    const running = box.run(
      ['sh', '-c', "(setsid sh -c 'sleep 600 & echo $! > escaped.pid' &); sleep 0.2; echo done"],
      { cwd: ws.root, timeoutMs: 60_000 },
    );
    const escaped = await pidIn('escaped.pid');
    expect(await running).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    await waitFor(() => !alive(escaped), 'the re-parented child to be stopped');
  });
});
