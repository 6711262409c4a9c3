// The terminal UI in a real terminal (tmux) follows the conventions people set in their environment: NO_COLOR
// turns colour off, and CI=true means nobody is there to answer a prompt (as --ci).
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTerminal } from '../helpers/terminal.js';
import { BIN, FIXTURES, makeWorkspace, readTask, taskIds, waitFor } from '../helpers/workspace.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `office run 'touch hello.txt'` (a write: policy asks) in a terminal with `env`, stdout on the terminal too. */
async function runWrite(env: Record<string, string>) {
  const ws = await makeWorkspace('office-manners-');
  cleanups.push(() => ws.cleanup());
  await cp(join(FIXTURES, 'ui-workspace'), ws.root, { recursive: true });
  const terminal = startTerminal(ws.root, { env });
  cleanups.push(() => terminal.kill());
  terminal.type(`'${process.execPath}' '${BIN}' run 'touch hello.txt'; echo "exit=$?"`);
  terminal.press('Enter');
  const screen = await waitFor(() => {
    const text = terminal.screen();
    return text.includes('press a key') || /exit=\d+/.test(text) ? text : undefined;
  }, 'the prompt or the end');
  /** Stops office at the prompt and waits for it to end, so that nothing writes to the workspace as it is removed. */
  const stop = () => {
    terminal.press('C-c');
    return waitFor(() => /exit=\d+/.test(terminal.screen()), 'office to end');
  };
  return { ws, terminal, screen, stop };
}

/** SGR sequences that set a foreground or background colour. */
const COLOUR = new RegExp(
  `${String.fromCharCode(27)}\\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(?:;[0-9;]*)?m`,
);

describe('NO_COLOR', () => {
  it('draws the approval prompt without colour', async () => {
    const { terminal, screen, stop } = await runWrite({ NO_COLOR: '1' });
    expect(screen).toContain('approval needed');
    expect(terminal.screen({ escapes: true })).not.toMatch(COLOUR);
    await stop();
  });

  it('(and without it, the same prompt is coloured: the check above can see colour)', async () => {
    const { terminal, screen, stop } = await runWrite({});
    expect(screen).toContain('approval needed');
    expect(terminal.screen({ escapes: true })).toMatch(COLOUR);
    await stop();
  });
});

describe('CI=true on a terminal', () => {
  it('never prompts: the step that needs approval stops the task (exit 3), as with --ci', async () => {
    const { ws, screen } = await runWrite({ CI: 'true' });
    expect(screen).toContain('exit=3');
    expect(screen).not.toContain('press a key');
    const [id] = await taskIds(ws);
    expect((await readTask(ws, id!)).status).toBe('needs_approval');
  });
});
