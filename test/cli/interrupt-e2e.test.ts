// Ctrl-C in a real terminal (tmux) while office indexes a large tree: the run stops within moments, mid-index,
// saving its state as interrupted; under the Node-20 launcher the launcher waits for office (no orphan keeps
// drawing on the terminal); and the terminal UI's spinner keeps turning while files are parsed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Terminal, startTerminal } from '../helpers/terminal.js';
import { BIN, makeWorkspace, readTask, type TempWorkspace, taskIds, waitFor } from '../helpers/workspace.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The machine's own Node when it is older than office needs (the launcher then starts the bundled one). */
function oldSystemNode(): string | undefined {
  const node = '/usr/bin/node';
  if (!existsSync(node)) return undefined;
  const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return major < 22 || (major === 22 && minor < 12) ? node : undefined;
}

/** A workspace whose `tree/` takes seconds to index cold: 3,000 TypeScript files of a few functions each. */
async function largeTree(): Promise<TempWorkspace> {
  const ws = await makeWorkspace('office-interrupt-');
  cleanups.push(() => ws.cleanup());
  await ws.write('.office.config.json', '{}\n');
  const body = (i: number) =>
    Array.from(
      { length: 12 },
      (_, j) =>
        `export function f${i}_${j}(a: number, b: string): number {\n` +
        `  const c = [a, b.length, ${j}].map((x) => x * 2).reduce((s, x) => s + x, 0);\n` +
        `  return c > 10 ? f${i}_${(j + 1) % 12}(c - 1, b) : c;\n}\n`,
    ).join('');
  for (let i = 0; i < 3000; i++) await ws.write(`tree/m${Math.floor(i / 100)}/f${i}.ts`, body(i));
  return ws;
}

function terminalIn(ws: TempWorkspace): Terminal {
  const terminal = startTerminal(ws.root, { env: { NO_COLOR: '1' }, width: 120, height: 30 });
  cleanups.push(() => terminal.kill());
  return terminal;
}

/** The index step of the only task, once the task file records it as started. */
async function indexStep(ws: TempWorkspace) {
  const [id] = await taskIds(ws);
  if (!id) return undefined;
  const doc = await readTask(ws, id).catch(() => undefined);
  return doc && Object.values(doc.steps).find((s) => s.action === 'index_code');
}

/** The pid in the task's run marker: the office process (Node 24) that runs it. */
async function runnerPid(ws: TempWorkspace): Promise<number | undefined> {
  const [id] = await taskIds(ws);
  const marker = id ? await ws.read(`.office/tasks/${id}.run`).catch(() => undefined) : undefined;
  return marker ? (JSON.parse(marker) as { pid: number }).pid : undefined;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Ctrl-C during a cold index', () => {
  const node = oldSystemNode();
  it.skipIf(node === undefined)(
    'under the Node-20 launcher: office stops mid-index as interrupted, and the launcher waits for it',
    async () => {
      const ws = await largeTree();
      const terminal = terminalIn(ws);
      terminal.type(`${node} '${BIN}' run --ci --offline 'trace f1_0 to f2999_0 in tree'; echo "exit=$?"`);
      terminal.press('Enter');
      await waitFor(() => indexStep(ws), 'the index step to start', 30_000);
      const pid = await waitFor(() => runnerPid(ws), 'the run marker');
      terminal.press('C-c');
      const screen = await waitFor(
        () => /exit=\d+/.exec(terminal.screen())?.[0],
        'the shell to get back',
        30_000,
      );
      // The launcher ended only after office had: nothing of office runs on once the shell has the terminal.
      expect(alive(pid), 'office still running after the launcher exited').toBe(false);
      expect(screen).toBe('exit=130');
      expect(terminal.screen()).toContain('office: interrupted');
      const [id] = await taskIds(ws);
      const doc = await readTask(ws, id!);
      expect(doc.status).toBe('interrupted');
      // Cancelled while indexing, not after the whole tree was parsed.
      expect((await indexStep(ws))?.status).not.toBe('succeeded');
    },
    120_000,
  );

  it('in the terminal UI: the view is redrawn while files are parsed, and Ctrl-C stops the index', async () => {
    const ws = await largeTree();
    const terminal = terminalIn(ws);
    terminal.type(
      `'${process.execPath}' '${BIN}' run --offline 'trace f1_0 to f2999_0 in tree'; echo "exit=$?"`,
    );
    terminal.press('Enter');
    const running = await waitFor(
      () => (/index index_code/.test(terminal.screen()) ? terminal.screen() : undefined),
      'the index step on screen',
      30_000,
    );
    // The frame is redrawn while files are parsed: the running step shows how far parsing has got.
    const parsed = await waitFor(
      () => /parsing: (\d+)\/(\d+) files/.exec(terminal.screen()) ?? undefined,
      'parsing progress on screen',
      30_000,
    );
    expect(Number(parsed[1])).toBeLessThan(Number(parsed[2]));
    expect(running).not.toContain('parsing:');
    terminal.press('C-c');
    const screen = await waitFor(
      () => /exit=\d+/.exec(terminal.screen())?.[0],
      'the shell to get back',
      30_000,
    );
    expect(screen).toBe('exit=130');
    const [id] = await taskIds(ws);
    expect((await readTask(ws, id!)).status).toBe('interrupted');
    expect((await indexStep(ws))?.status).not.toBe('succeeded');
  }, 120_000);
});
