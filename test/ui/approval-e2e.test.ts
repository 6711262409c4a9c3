// End to end: the real `office` binary in a pseudo-terminal (tmux) asks before a write, a person presses `y`.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BIN,
  FIXTURES,
  makeWorkspace,
  readTask,
  type TempWorkspace,
  taskIds,
  waitFor,
} from '../helpers/workspace.js';
import { startTerminal } from '../helpers/terminal.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Opens a terminal in a fresh copy of the fixture workspace, types `office run 'touch hello.txt'` (stdout to
 * out.txt, so the pane shows only what office draws on stderr), and waits for the prompt. After office exits the
 * shell prints its exit code and whether the terminal is in canonical mode (`icanon`) or still raw (`-icanon`).
 */
async function runUntilPrompt() {
  const ws = await makeWorkspace('office-ui-e2e-');
  cleanups.push(() => ws.cleanup());
  await cp(join(FIXTURES, 'ui-workspace'), ws.root, { recursive: true });
  const terminal = startTerminal(ws.root);
  cleanups.push(() => terminal.kill());
  terminal.type(
    `'${process.execPath}' '${BIN}' run 'touch hello.txt' > out.txt; echo "exit=$?"; ` +
      `stty -a | tr -s ' ;' '\\n\\n' | grep -E -x -- '-?icanon'`,
  );
  terminal.press('Enter');
  // Stops early when office ends without asking, so that a failure shows what it drew instead.
  const prompt = await waitFor(() => {
    const screen = terminal.screen();
    const asking = screen.includes('approval needed') && screen.includes('press a key');
    return asking || /exit=\d+/.test(screen) ? screen : undefined;
  }, 'the approval prompt');
  const finished = () =>
    waitFor(() => {
      const screen = terminal.screen();
      return /exit=\d+/.test(screen) && /^-?icanon$/m.test(screen) ? screen : undefined;
    }, 'office to finish');
  return { ws, terminal, prompt, finished };
}

async function onlyTask(ws: TempWorkspace) {
  const [taskId] = await taskIds(ws);
  return readTask(ws, taskId ?? '');
}

describe('approval prompt in a real terminal', () => {
  it('office run asks before a write step, runs it after `y`, prints the result on stdout and gives the terminal back', async () => {
    const { ws, terminal, prompt, finished } = await runUntilPrompt();
    expect(prompt).toMatch(/approval needed touch_file risk write/);
    expect(prompt).toContain('{"path":"hello.txt"}');
    expect(prompt).toContain('ask mode asks before file writes');
    expect(await ws.read('hello.txt').catch(() => 'missing')).toBe('missing');

    terminal.press('y');
    const end = await finished();
    expect(end).toContain('exit=0');
    expect(end).toMatch(/✔ write touch_file .* — touched hello\.txt/);
    expect(end).toContain('office: succeeded');
    expect(end).not.toContain('approval needed');
    // Raw mode is off again: the shell's terminal is back in canonical mode.
    expect(end).toMatch(/^icanon$/m);
    expect(await ws.read('hello.txt')).toBe('');
    expect(await ws.read('out.txt')).toBe('created hello.txt\n');
    expect((await onlyTask(ws)).approvals).toContainEqual(
      expect.objectContaining({ step_id: 'write', tool: 'touch_file', decision: 'allow', by: 'user' }),
    );
  });

  it('Ctrl-C at the prompt stops the run as interrupted, records no answer and gives the terminal back', async () => {
    const { ws, terminal, prompt, finished } = await runUntilPrompt();
    expect(prompt).toContain('approval needed');

    terminal.press('C-c');
    const end = await finished();
    expect(end).toContain('exit=130');
    expect(end).toContain('office: interrupted');
    expect(end).toMatch(/^icanon$/m);
    expect(await ws.read('hello.txt').catch(() => 'missing')).toBe('missing');
    const doc = await onlyTask(ws);
    expect(doc.status).toBe('interrupted');
    expect(doc.approvals.filter((a) => a.by === 'user')).toEqual([]);
  });
});
