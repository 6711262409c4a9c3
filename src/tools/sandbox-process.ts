// Process-mode runner ("Workshop"): runs a command through the watchdog (sandbox-watchdog.ts), which keeps it in
// a session of its own and kills everything it started — at its end, at the timeout, on Ctrl-C, and when office
// dies. Output is read until the command is over and then no longer, so an escaped child holding the pipes open
// cannot stall office.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Interrupted } from '../errors.js';
import { OutputCapture } from './sandbox-output.js';

export interface ProcessRunOptions {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly outputLimitBytes: number;
  readonly signal?: AbortSignal;
}

export type ProcessRunOutcome =
  | {
      readonly type: 'exited';
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly stdout: OutputCapture;
      readonly stderr: OutputCapture;
      readonly timedOut: boolean;
    }
  /** The program could not be started (`ENOENT`: not on PATH; `EACCES`: not executable). */
  | { readonly type: 'not_started'; readonly code: string; readonly message: string };

const messageSchema = z.union([
  z.strictObject({ started: z.int() }),
  z.strictObject({ error: z.string(), message: z.string() }),
  z.strictObject({ exit: z.int().nullable(), signal: z.string().nullable() }),
  z.strictObject({ done: z.int() }),
]);
type WatchdogMessage = z.infer<typeof messageSchema>;

/** How long the watchdog gets to stop everything (SIGTERM, 2 s grace, SIGKILL sweeps) before office stops it. */
const STOP_LIMIT_MS = 8_000;
/** After the watchdog is gone, output still in the pipes is read for at most this long. */
const DRAIN_MS = 500;

/** The watchdog program: compiled next to this module, or the TypeScript source when running from the sources. */
function watchdogPath(): string {
  const compiled = fileURLToPath(new URL('./sandbox-watchdog.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('./sandbox-watchdog.ts', import.meta.url));
}

function readMessages(
  watchdog: ChildProcess,
  onMessage: (m: WatchdogMessage) => void,
  onClose: () => void,
): void {
  const channel = watchdog.stdio[3];
  if (!channel || !('setEncoding' in channel)) return;
  channel.once('close', onClose);
  let buffered = '';
  channel.setEncoding('utf8');
  channel.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const parsed = messageSchema.safeParse(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
      if (parsed.success) onMessage(parsed.data);
    }
  });
}

/** Runs one command in process mode; resolves when it and everything it started are gone. */
export function runInProcessMode(options: ProcessRunOptions): Promise<ProcessRunOutcome> {
  if (options.signal?.aborted)
    return Promise.reject(new Interrupted('the command was cancelled before it started'));
  const stdout = new OutputCapture(options.outputLimitBytes);
  const stderr = new OutputCapture(options.outputLimitBytes);
  // Its own session: a Ctrl-C or a kill of office's process group does not reach it before it has cleaned up.
  const watchdog = spawn(process.execPath, [watchdogPath()], {
    cwd: options.cwd,
    env: {},
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  watchdog.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  watchdog.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  // Office must not exit just because this process is still running.
  watchdog.unref();

  return new Promise<ProcessRunOutcome>((resolve, reject) => {
    let exit: { exitCode: number | null; signal: string | null } | undefined;
    let notStarted: { code: string; message: string } | undefined;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let stopTimer: NodeJS.Timeout | undefined;

    const stop = (why: 'timeout' | 'abort') => {
      if (watchdog.stdin?.writable) watchdog.stdin.write(`${JSON.stringify({ kill: why })}\n`);
      // A watchdog that does not finish in time is stopped, and the command's session with it.
      stopTimer ??= setTimeout(() => {
        if (commandPid !== undefined) killGroup(commandPid);
        killGroup(watchdog.pid);
        finish();
      }, STOP_LIMIT_MS);
    };
    let commandPid: number | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      stop('timeout');
    }, options.timeoutMs);
    const onAbort = () => {
      // A result that has arrived is kept: only a command still running is stopped and reported as interrupted.
      if (exit !== undefined) return;
      aborted = true;
      stop('abort');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(stopTimer);
      options.signal?.removeEventListener('abort', onAbort);
      watchdog.stdin?.end();
      // Read what is already in the pipes, then stop listening: an escaped child holding them open is no reason
      // to wait (it has been killed, or it has left the session and the marker behind).
      void drained([watchdog.stdout, watchdog.stderr], DRAIN_MS).then(() => {
        watchdog.stdout?.destroy();
        watchdog.stderr?.destroy();
        if (notStarted) return resolve({ type: 'not_started', ...notStarted });
        if (aborted && !timedOut) {
          return reject(new Interrupted('the command was cancelled; its process tree was stopped'));
        }
        resolve({
          type: 'exited',
          exitCode: timedOut ? null : (exit?.exitCode ?? null),
          signal: exit?.signal ?? null,
          stdout,
          stderr,
          timedOut,
        });
      });
    };

    // The report channel closes when the watchdog has exited, after everything it had to say.
    readMessages(
      watchdog,
      (message) => {
        if ('started' in message) commandPid = message.started;
        else if ('error' in message) notStarted = { code: message.error, message: message.message };
        else if ('exit' in message) exit = { exitCode: message.exit, signal: message.signal };
      },
      finish,
    );
    watchdog.once('error', (err) => {
      settled = true;
      clearTimeout(timer);
      reject(err);
    });
    watchdog.stdin?.on('error', () => {
      // The watchdog ended first; the closing of its report channel finishes the run.
    });
    watchdog.stdin?.write(`${JSON.stringify({ argv: options.argv, cwd: options.cwd, env: options.env })}\n`);
  });
}

/** Resolves when every stream has ended, or after `limitMs`, whichever comes first. */
function drained(
  streams: readonly (NodeJS.ReadableStream | null | undefined)[],
  limitMs: number,
): Promise<void> {
  const open = streams.filter((s): s is NodeJS.ReadableStream => s !== null && s !== undefined);
  const ends = open.map(
    (s) =>
      new Promise<void>((resolve) => {
        const stream = s as NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean };
        if (stream.readableEnded || stream.destroyed) return resolve();
        stream.once('end', () => resolve());
        stream.once('close', () => resolve());
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  return Promise.race([Promise.all(ends).then(() => undefined), limit]).finally(() => clearTimeout(timer));
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
