// The ink session the run command wires in: it draws on the stream it is given and gives the terminal back on close.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Interrupted } from '../../src/errors.js';
import type { ApprovalRequest } from '../../src/office/ports.js';
import { createInkSession } from '../../src/ui/ink-session.js';
import { waitFor } from '../helpers/workspace.js';

/** Waits until `check` holds; ink draws at most 15 frames a second, so a frame can lag an event. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  await waitFor(() => check(), what, 10_000);
}

/** A terminal output stream that keeps what was written. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 80;
  readonly rows = 24;
  written = '';
  write(chunk: string | Uint8Array, callback?: unknown): boolean {
    this.written += String(chunk);
    if (typeof callback === 'function') callback();
    return true;
  }
}

/** A terminal input stream that records raw-mode switches and ref counting, as a real TTY would see them. */
class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  refs = 0;
  private data: string | null = null;
  setRawMode(on: boolean) {
    this.rawModes.push(on);
    return this;
  }
  setEncoding() {
    return this;
  }
  ref() {
    this.refs++;
    return this;
  }
  unref() {
    this.refs = Math.max(0, this.refs - 1);
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  read(): string | null {
    const data = this.data;
    this.data = null;
    return data;
  }
  press(keys: string) {
    this.data = keys;
    this.emit('readable');
  }
}

const request: ApprovalRequest = {
  taskId: 't1',
  planId: 'touch.p1',
  stepId: 'write',
  tool: 'touch_file',
  risk: 'write',
  inputs: { path: 'hello.txt' },
  action: 'writes hello.txt',
  reason: 'writes need approval',
};

function open(extra: { onInterrupt?: () => void } = {}) {
  const terminal = new FakeTerminal();
  const keyboard = new FakeKeyboard();
  const session = createInkSession({
    stdout: terminal as unknown as NodeJS.WriteStream,
    stderr: terminal as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    // vitest replaces console with one that patch-console cannot wrap.
    patchConsole: false,
    ...extra,
  });
  return { terminal, keyboard, session };
}

describe('ink session', () => {
  it('draws the run on the stream it is given, answers a prompt, and on close leaves raw mode and releases stdin', async () => {
    const { terminal, keyboard, session } = open();
    session.reporter.emit({
      type: 'task_started',
      task_id: 't1',
      request: 'touch hello.txt',
      resumed: false,
    });
    const answer = session.approver.ask(request);
    await eventually(() => terminal.written.includes('approval needed'), 'the prompt');
    expect(terminal.written).toContain('touch hello.txt');
    expect(keyboard.rawModes).toEqual([true]);
    expect(keyboard.refs).toBe(1);

    keyboard.press('y');
    await expect(answer).resolves.toEqual({ decision: 'approve', scope: 'once' });
    session.notice('plugin problem: office-tools/x.js exports no tool');
    session.reporter.emit({ type: 'task_finished', task_id: 't1', status: 'succeeded', duration_ms: 1500 });
    await session.close();
    expect(terminal.written).toContain('plugin problem: office-tools/x.js exports no tool');
    expect(terminal.written).toContain('office: succeeded in 1.5 s');
    expect(keyboard.rawModes.at(-1)).toBe(false);
    expect(keyboard.refs).toBe(0);
    await session.close();
  });

  it('closing with a prompt still open fails that request with Interrupted instead of leaving the loop waiting', async () => {
    const { terminal, session } = open();
    const answer = session.approver.ask(request);
    await eventually(() => terminal.written.includes('approval needed'), 'the prompt');
    const rejected = expect(answer).rejects.toBeInstanceOf(Interrupted);
    await session.close();
    await rejected;
  });

  it('Ctrl-C in raw mode reaches the interrupt handler (the run command’s SIGINT path by default)', async () => {
    let interrupted = 0;
    const { keyboard, session } = open({ onInterrupt: () => interrupted++ });
    // Raw mode on means ink has started listening for keys.
    await eventually(() => keyboard.rawModes.at(-1) === true, 'raw mode');
    keyboard.press('\u0003');
    await eventually(() => interrupted > 0, 'the interrupt handler');
    expect(interrupted).toBe(1);
    await session.close();
  });

  it('with a stdin that is not a terminal, asking fails with a message that says how to approve instead', async () => {
    const terminal = new FakeTerminal();
    const session = createInkSession({
      stdout: terminal as unknown as NodeJS.WriteStream,
      stdin: Object.assign(new EventEmitter(), { isTTY: false }) as unknown as NodeJS.ReadStream,
      patchConsole: false,
    });
    await expect(session.approver.ask(request)).rejects.toThrow(/office approve|--yes/);
    await session.close();
  });
});
