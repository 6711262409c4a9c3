// Terminal UI session ("Control Room" for a person at a terminal): the ink Reporter and Approver for an
// interactive `office run`, drawn on stderr so that stdout stays the result channel.
import { render } from 'ink';
import { raiseInterrupt } from '../cli/interrupts.js';
import { NeedsApproval } from '../errors.js';
import type { Approver, Reporter } from '../office/ports.js';
import { OfficeApp } from './office-app.js';
import { createUiStore } from './ui-store.js';

export interface InkSessionOptions {
  /** Where the UI is drawn. Default: process.stderr (office's stdout carries the result). */
  readonly stdout?: NodeJS.WriteStream;
  /** Key presses for the approval prompt. Default: process.stdin. */
  readonly stdin?: NodeJS.ReadStream;
  /** Default: process.stderr. */
  readonly stderr?: NodeJS.WriteStream;
  /** The run's abort signal: when it aborts, an open approval prompt gives up with `Interrupted`. */
  readonly signal?: AbortSignal;
  /** Route console.* through ink, above the frame (default true; test runners that replace console turn it off). */
  readonly patchConsole?: boolean;
  /** Ctrl-C pressed in the UI. Default: interrupt this process as a Ctrl-C signal would (the run command aborts). */
  readonly onInterrupt?: () => void;
}

export interface InkSession {
  readonly reporter: Reporter;
  readonly approver: Approver;
  /** Shows a line (a warning) in the UI instead of writing over it. */
  notice(message: string): void;
  /** Draws the last frame, leaves it on screen, restores the terminal (raw mode off) and stops reading stdin. */
  close(): Promise<void>;
}

function canReadKeys(stdin: NodeJS.ReadStream): boolean {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

export function createInkSession(options: InkSessionOptions = {}): InkSession {
  const stdout = options.stdout ?? process.stderr;
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  const store = createUiStore(options.signal ? { signal: options.signal } : {});
  const onCtrlC = options.onInterrupt ?? raiseInterrupt;

  const instance = render(<OfficeApp store={store} onCtrlC={onCtrlC} />, {
    stdout,
    stdin,
    stderr,
    exitOnCtrlC: false,
    // A stray console.log from a library would otherwise land in the middle of a frame (or on stdout).
    patchConsole: options.patchConsole ?? true,
    // CI variables must not turn the UI into a single frame printed at the end: the caller asked for a UI.
    interactive: stdout.isTTY === true,
    maxFps: 15,
  });

  let closed: Promise<void> | undefined;
  const approver: Approver = canReadKeys(stdin)
    ? store.approver
    : {
        ask: (request) =>
          Promise.reject(
            new NeedsApproval(
              `step "${request.stepId}" (${request.tool}, ${request.risk}) needs approval, but stdin is not a ` +
                'terminal to ask on; approve it with `office approve` or run with --yes',
            ),
          ),
      };

  return {
    reporter: store.reporter,
    approver,
    notice: store.notice,
    close() {
      closed ??= (async () => {
        store.interrupt('the terminal UI closed');
        // The last events (task_finished) may not have reached React yet: render them before unmounting, so the
        // frame left on screen says how the task ended.
        store.flush();
        await new Promise((resolve) => setImmediate(resolve));
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return closed;
    },
  };
}
