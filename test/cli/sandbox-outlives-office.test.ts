// A command must not outlive office: not when office is killed with SIGKILL, and not when it is asked to stop
// with SIGTERM while a child that left the session holds the command's output open.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeBwrap } from '../../src/tools/sandbox-bwrap.js';
import {
  killStrayOffices,
  makeWorkspace,
  readTask,
  startOffice,
  type TempWorkspace,
  taskIds,
  waitFor,
} from '../helpers/workspace.js';

const bwrap = await probeBwrap();

/** Starts a child that leaves the session (setsid) and one that does not, records both pids, then waits. */
const LONG = `setsid sleep 600 &
echo $! > escaped.pid
sleep 600 &
echo $! > child.pid
echo started
wait
`;

let ws: TempWorkspace;
const pids: number[] = [];

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('long.sh', LONG);
});
afterEach(async () => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await killStrayOffices();
  await ws.cleanup();
});

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
  pids.push(pid);
  return pid;
}

/** Pids of live processes whose command line is exactly `sleep <seconds>`. */
function sleeping(seconds: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') === `sleep\0${seconds}\0` && alive(Number(name))) {
        found.push(Number(name));
      }
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

const run = (sandbox: string, script: string) =>
  startOffice(['run', '--offline', '--yes', '--sandbox', sandbox, `run sh ${script}`], { cwd: ws.root });

describe.runIf(process.platform === 'linux')('process mode: the command dies with office', () => {
  it('SIGKILL of office stops the command and the child that left its session', async () => {
    const office = run('process', 'long.sh');
    const escaped = await pidIn('escaped.pid');
    const child = await pidIn('child.pid');
    expect(alive(escaped) && alive(child)).toBe(true);
    office.child.kill('SIGKILL');
    await office.done;
    await waitFor(() => !alive(escaped) && !alive(child), 'the command tree to be stopped after office died');
  });

  it('SIGTERM stops office, which saves the task as interrupted; nothing of the command is left', async () => {
    const office = run('process', 'long.sh');
    const escaped = await pidIn('escaped.pid');
    const child = await pidIn('child.pid');
    office.child.kill('SIGTERM');
    const result = await office.done;
    expect(result.code, result.stderr).toBe(130);
    const [id] = await taskIds(ws);
    expect((await readTask(ws, id ?? '')).status).toBe('interrupted');
    await waitFor(() => !alive(escaped) && !alive(child), 'the command tree to be stopped');
  });
});

describe.runIf(bwrap.ok)('bwrap mode: the command dies with office', () => {
  it('SIGKILL of office stops the command, its pid namespace and all', async () => {
    // Seconds unique to this run: the test finds its own sleeps in /proc and nothing else.
    const seconds = `${600 + (process.pid % 1000)}.${Date.now() % 100_000}`;
    await ws.write('bwrap-long.sh', `setsid sleep ${seconds} &\nsleep ${seconds}\n`);
    const office = run('bwrap', 'bwrap-long.sh');
    await waitFor(() => sleeping(seconds).length === 2, 'both sleeps to run');
    office.child.kill('SIGKILL');
    await office.done;
    await waitFor(() => sleeping(seconds).length === 0, 'the sandbox to be gone after office died');
  });
});
