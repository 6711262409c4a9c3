// Sandboxed runtime ("Workshop"): runs a tool's program with a scrubbed environment, a timeout that kills the whole
// process tree, an output cap and cancellation — under bubblewrap when it works here, else as a plain process
// watched by a watchdog (sandbox-process.ts).
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';
import { execa } from 'execa';
import { Interrupted, SandboxUnavailable, ToolError } from '../errors.js';
import { resolveInside } from '../util/workspace.js';
import type { SandboxRunner } from './define-tool.js';
import {
  BWRAP_HOME,
  type BwrapProbe,
  bwrapArgs,
  bwrapRemedy,
  nodeMounts,
  probeBwrap,
} from './sandbox-bwrap.js';
import { type RefusedEnv, SYSTEM_PATH, sandboxEnvironment } from './sandbox-env.js';
import { OutputCapture } from './sandbox-output.js';
import { runInProcessMode } from './sandbox-process.js';

export type SandboxMode = 'auto' | 'bwrap' | 'process';
export type SandboxKind = 'bwrap' | 'process';

export interface SandboxOptions {
  /** The workspace root; commands run only inside it. */
  readonly workspace: string;
  readonly mode: SandboxMode;
  /** Workspace-relative directories a command may write (bwrap only; the rest of the workspace is read-only). */
  readonly writeScopes?: readonly string[];
  /** Extra environment variable names (or `PREFIX_*`) a command may see; secret-named ones are refused. */
  readonly envAllowlist?: readonly string[];
  /** Per stream; past it the middle of the output is dropped and marked. */
  readonly outputLimitBytes?: number;
  /** Upper bound for any one command, whatever a step asks for. */
  readonly timeoutMs?: number;
  /** The bwrap binary (default: `bwrap` on PATH). */
  readonly bwrapPath?: string;
  /** The environment allowlisted names are taken from (default: process.env). */
  readonly parentEnv?: Readonly<Record<string, string | undefined>>;
}

export interface Sandbox extends SandboxRunner {
  readonly kind: SandboxKind;
  /** Why this kind runs (for `office doctor` and the run header). */
  readonly reason: string;
  /** Allowlisted environment names the sandbox refused to pass, and why. */
  readonly refusedEnv: readonly RefusedEnv[];
}

export interface SandboxProbe {
  readonly mode: SandboxMode;
  /** The sandbox that would run commands; null when mode `bwrap` cannot start here. */
  readonly kind: SandboxKind | null;
  readonly reason: string;
  readonly bwrap: BwrapProbe;
}

const DEFAULT_OUTPUT_LIMIT = 1_048_576;
const DEFAULT_TIMEOUT_MS = 120_000;
/** After SIGTERM to the process group, SIGKILL follows this much later. */
const KILL_GRACE_MS = 2_000;

/** The result for a program that is not on the sandbox PATH, in the shell's convention (exit code 127). */
function notFound(program: string, path: string | undefined): Awaited<ReturnType<SandboxRunner['run']>> {
  return {
    exitCode: 127,
    stdout: '',
    stderr: `office sandbox: program "${program}" was not found on the sandbox PATH (${path ?? ''})\n`,
    timedOut: false,
    truncated: false,
  };
}

function cannotStart(program: string, why: string): Awaited<ReturnType<SandboxRunner['run']>> {
  return {
    exitCode: 126,
    stdout: '',
    stderr: `office sandbox: "${program}" could not be started: ${why}\n`,
    timedOut: false,
    truncated: false,
  };
}

function resultOf(
  ran: { exitCode: number | null; stdout: OutputCapture; stderr: OutputCapture; timedOut: boolean },
  timeoutMs: number,
): Awaited<ReturnType<SandboxRunner['run']>> {
  let stderrText = ran.stderr.text();
  if (ran.timedOut) {
    stderrText += `\noffice sandbox: timed out after ${timeoutMs} ms; the command and every process it started were stopped\n`;
  }
  return {
    exitCode: ran.timedOut ? null : ran.exitCode,
    stdout: ran.stdout.text(),
    stderr: stderrText,
    timedOut: ran.timedOut,
    truncated: ran.stdout.truncated || ran.stderr.truncated,
  };
}

/** Which sandbox `mode` gives on this machine, and why: for `office doctor` and for createSandbox. */
export async function probeSandbox(
  options: { mode?: SandboxMode; bwrapPath?: string } = {},
): Promise<SandboxProbe> {
  const mode = options.mode ?? 'auto';
  const bwrap = await probeBwrap(options.bwrapPath);
  if (mode === 'process') {
    return {
      mode,
      kind: 'process',
      reason:
        'process mode was chosen: clean environment, private HOME, timeout and output cap, but no file or network isolation',
      bwrap,
    };
  }
  if (bwrap.ok) {
    return {
      mode,
      kind: 'bwrap',
      reason: `${bwrap.version} works here: workspace read-only except write scopes, nothing else of the machine's files, no network`,
      bwrap,
    };
  }
  if (mode === 'bwrap') {
    return {
      mode,
      kind: null,
      reason: `sandbox mode bwrap cannot start: ${bwrap.detail}; ${bwrapRemedy(bwrap)}`,
      bwrap,
    };
  }
  return {
    mode,
    kind: 'process',
    reason: `${bwrap.detail}, so commands run in process mode (no file or network isolation); to isolate them, ${bwrapRemedy(bwrap).replace(/, or use --sandbox process$/, '')}`,
    bwrap,
  };
}

/**
 * Creates the runner. Mode `bwrap` fails here, at start, when bubblewrap is missing or cannot create its
 * namespaces — it never falls back to running unsandboxed. Mode `auto` uses bwrap when it works, else process.
 */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const workspace = realpathSync(options.workspace);
  const writeScopes = (options.writeScopes ?? []).map((scope) => resolveInside(workspace, scope));
  const probe = await probeSandbox({
    mode: options.mode,
    ...(options.bwrapPath !== undefined ? { bwrapPath: options.bwrapPath } : {}),
  });
  if (probe.kind === null) throw new SandboxUnavailable(probe.reason);
  const kind = probe.kind;
  const bwrapPath = probe.bwrap.path;
  const parentEnv = options.parentEnv ?? process.env;
  const allowlist = options.envAllowlist ?? [];
  const limit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
  const ceilingMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const nodeBinary = realpathSync(process.execPath);
  const { refused } = sandboxEnvironment({
    parentEnv,
    allowlist,
    home: BWRAP_HOME,
    nodeBin: dirname(nodeBinary),
  });

  async function run(
    argv: readonly string[],
    runOptions: { cwd: string; timeoutMs: number; signal?: AbortSignal },
  ): ReturnType<SandboxRunner['run']> {
    const program = argv[0];
    if (program === undefined || program === '')
      throw new ToolError('the sandbox was given an empty command');
    const cwd = resolveInside(workspace, runOptions.cwd);
    const cwdStat = await stat(cwd).catch(() => undefined);
    if (!cwdStat?.isDirectory()) {
      throw new ToolError(
        `the working directory ${runOptions.cwd} does not exist in the workspace (or is not a directory)`,
      );
    }
    if (runOptions.signal?.aborted) throw new Interrupted('the command was cancelled before it started');
    const timeoutMs = Math.max(1, Math.min(runOptions.timeoutMs, ceilingMs));

    const privateHome = kind === 'process' ? await mkdtemp(join(tmpdir(), 'office-home-')) : undefined;
    const { env } = sandboxEnvironment({
      parentEnv,
      allowlist,
      home: privateHome ?? BWRAP_HOME,
      nodeBin: dirname(nodeBinary),
    });
    try {
      if (kind === 'process') {
        const outcome = await runInProcessMode({
          argv,
          cwd,
          env,
          timeoutMs,
          outputLimitBytes: limit,
          ...(runOptions.signal ? { signal: runOptions.signal } : {}),
        });
        if (outcome.type === 'not_started') {
          if (outcome.code === 'ENOENT') return notFound(program, env.PATH);
          return cannotStart(program, outcome.message);
        }
        return resultOf(outcome, timeoutMs);
      }
      for (const scope of writeScopes) await mkdir(scope, { recursive: true });
      const args = [
        ...bwrapArgs({ workspace, cwd, writeScopes, env, nodeMounts: nodeMounts(process.execPath) }),
        '--',
        ...argv,
      ];
      const subprocess = execa(bwrapPath, args, {
        cwd,
        // bwrap itself gets only a PATH to find nothing else with; --clearenv gives the command `env` alone.
        env: { PATH: SYSTEM_PATH },
        extendEnv: false,
        stdin: 'ignore',
        buffer: false,
        reject: false,
        // Own process group, signalled as a whole; the pid namespace dies with bwrap (--die-with-parent).
        killDescendants: true,
        timeout: timeoutMs,
        forceKillAfterDelay: KILL_GRACE_MS,
        ...(runOptions.signal ? { cancelSignal: runOptions.signal } : {}),
      });
      const stdout = new OutputCapture(limit);
      const stderr = new OutputCapture(limit);
      subprocess.stdout?.on('data', (chunk: Buffer | string) => stdout.push(chunk));
      subprocess.stderr?.on('data', (chunk: Buffer | string) => stderr.push(chunk));
      subprocess.nodeChildProcess.once('exit', () => subprocess.kill('SIGKILL'));
      const result = await subprocess;

      if (result.isCanceled) throw new Interrupted('the command was cancelled; its process tree was stopped');
      if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isTerminated) {
        if (/ENOENT/.test(result.message ?? '')) return notFound(program, env.PATH);
        return cannotStart(program, result.shortMessage ?? result.message ?? 'unknown error');
      }
      if (/^bwrap: execvp [^\n]*: No such file or directory/.test(stderr.text())) {
        return notFound(program, env.PATH);
      }
      return resultOf(
        { exitCode: result.exitCode ?? null, stdout, stderr, timedOut: result.timedOut },
        timeoutMs,
      );
    } finally {
      if (privateHome) await rm(privateHome, { recursive: true, force: true });
    }
  }

  return { kind, reason: probe.reason, refusedEnv: refused, run };
}
