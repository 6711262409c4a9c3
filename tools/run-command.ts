// Built-in tool ("Worker Bee"): runs one program in the sandbox, as an argv list, and reports what it printed.
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { analyzeCommand } from '../src/policy/command-analysis.js';
import { defineTool } from '../src/tools/define-tool.js';

const input = z.strictObject({
  argv: z
    .array(z.string())
    .min(1, 'give the program and its arguments, e.g. ["npm", "test"]')
    .refine((argv) => argv[0] !== '', 'argv[0] (the program) must not be empty')
    .describe('the program and its arguments, one array element each, e.g. ["npm", "test"]'),
  cwd: z.string().min(1).default('.').describe('working directory relative to the workspace root'),
  timeout_seconds: z
    .int()
    .min(1)
    .max(86_400)
    .optional()
    .describe('stop the command (and everything it started) after this many seconds'),
});

type RunCommandInput = z.infer<typeof input>;

export interface RunCommandOutput {
  readonly exit_code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timed_out: boolean;
  readonly truncated: boolean;
  /** Which sandbox ran it: `bwrap` (isolated) or `process`. */
  readonly sandbox: string;
}

const STDERR_TAIL_LINES = 20;

/**
 * A command string handed to a shell or an interpreter (`sh -c "curl … | sh"`) is exactly what the argv form
 * exists to prevent: pipes, downloads and redirections would hide inside one argument. Refused at validation,
 * judged by what would actually run (through `env`, `timeout`, `xargs`, `find -exec`, …), not by argv[0] alone.
 */
export function commandProblems(argv: readonly string[]): string[] {
  const analysis = analyzeCommand(argv);
  return analysis.type === 'refused' ? [analysis.reason] : [];
}

/** Why a finished command counts as failed (non-zero exit, killed, timed out), quoting the end of its stderr. */
function failureOf(i: RunCommandInput, output: RunCommandOutput): string | undefined {
  if (output.exit_code === 0 && !output.timed_out) return undefined;
  const what = output.timed_out
    ? `${i.argv[0]} timed out`
    : output.exit_code === null
      ? `${i.argv[0]} was killed by a signal`
      : `${i.argv[0]} exited with code ${output.exit_code}`;
  const stderr = tail(output.stderr, STDERR_TAIL_LINES);
  return stderr ? `${what}; the end of its stderr:\n${stderr}` : `${what} and printed nothing on stderr`;
}

/**
 * Why a command's write failed, when the sandbox is the reason: under bwrap the workspace is read-only except
 * `sandbox.writeScopes`, and a program only says "Read-only file system". Undefined when that is not the case.
 */
export function sandboxWriteNote(
  output: Pick<RunCommandOutput, 'sandbox' | 'stderr' | 'stdout' | 'exit_code'>,
): string | undefined {
  if (output.sandbox !== 'bwrap' || output.exit_code === 0) return undefined;
  if (!/read-only file system|EROFS/i.test(`${output.stderr}\n${output.stdout}`)) return undefined;
  return (
    'the sandbox made that write fail: it mounts the workspace read-only except the folders in ' +
    'sandbox.writeScopes; add the folder the command writes to (e.g. "writeScopes": ["dist"]) in ' +
    '.office.config.json, or run with --sandbox process'
  );
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export const runCommand = defineTool<RunCommandInput, RunCommandOutput>({
  name: 'run_command',
  description:
    'Runs one program inside the sandbox and returns its exit code, stdout and stderr. The command is an argv ' +
    'list (["npm", "test", "--", "--run"]), never a shell string, so no argument can inject another command; ' +
    'for pipes or redirection, run a script that is in the workspace. cwd is relative to the workspace.',
  risk: 'exec',
  input,
  paths: (i) => [{ path: i.cwd, access: 'read' }],
  command: (i) => i.argv,
  check: (i) => commandProblems(i.argv),
  async run(i, ctx) {
    const sandbox = ctx.services.sandbox;
    if (!sandbox) {
      throw new ToolError(
        'run_command needs a sandbox and none was set up for this run; this is a wiring bug in office (run `office doctor`).',
      );
    }
    const seconds = Math.min(
      i.timeout_seconds ?? ctx.config.sandbox.timeoutSeconds,
      ctx.config.maxStepTimeoutSeconds,
    );
    const result = await sandbox.run(i.argv, {
      cwd: ctx.resolvePath(i.cwd),
      timeoutMs: seconds * 1000,
      signal: ctx.signal,
    });
    return {
      exit_code: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      timed_out: result.timedOut,
      truncated: result.truncated,
      sandbox: sandbox.kind ?? 'unknown',
    };
  },
  failure: (i, output) => {
    const problem = failureOf(i, output);
    const sandboxed = problem === undefined ? undefined : sandboxWriteNote(output);
    return sandboxed ? `${problem}\n${sandboxed}` : problem;
  },
  exitCode: (output) => output.exit_code,
  review(i, output) {
    const problem = failureOf(i, output);
    if (problem === undefined) return { ok: true };
    const sandboxed = sandboxWriteNote(output);
    return {
      ok: false,
      problem: sandboxed ? `${problem}\n${sandboxed}` : problem,
      ...(output.timed_out
        ? { suggestion: 'raise timeout_seconds, or run a narrower command' }
        : sandboxed
          ? { suggestion: sandboxed, escalate: true }
          : {}),
    };
  },
  render(output) {
    const parts = [output.stdout.trimEnd()];
    if (output.stderr.trim()) parts.push(`--- stderr ---\n${output.stderr.trimEnd()}`);
    parts.push(
      `(exit ${output.exit_code ?? 'by signal'}${output.timed_out ? ', timed out' : ''}, ${output.sandbox} sandbox${output.truncated ? ', output truncated' : ''})`,
    );
    const sandboxed = sandboxWriteNote(output);
    if (sandboxed) parts.push(`note: ${sandboxed}`);
    return parts.filter(Boolean).join('\n');
  },
  summarize(output) {
    const status = output.timed_out ? 'timed out' : `exit ${output.exit_code ?? 'signal'}`;
    const sandboxed = sandboxWriteNote(output)
      ? '; the read-only sandbox refused a write (see sandbox.writeScopes)'
      : '';
    return `${status} (${output.sandbox} sandbox)${output.truncated ? ', output truncated' : ''}${sandboxed}`;
  },
});
