// run_command over a real sandbox: argv in, exit code and output out, reviewed by exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathOutsideWorkspace, ToolError } from '../../src/errors.js';
import { configSchema } from '../../src/schemas/config.js';
import type { SandboxRunner, ToolContext } from '../../src/tools/define-tool.js';
import { createSandbox } from '../../src/tools/sandbox.js';
import { probeBwrap } from '../../src/tools/sandbox-bwrap.js';
import { resolveInside } from '../../src/util/workspace.js';
import { type RunCommandOutput, runCommand } from '../../tools/run-command.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

const bwrap = await probeBwrap();
let ws: TempWorkspace;

beforeAll(async () => {
  ws = await makeWorkspace('office-run-command-');
  await ws.write('src/hello.txt', 'hello from the workspace\n');
});
afterAll(async () => {
  await ws.cleanup();
});

function context(sandbox?: SandboxRunner, overrides: Record<string, unknown> = {}): ToolContext {
  return {
    workspace: ws.root,
    taskId: 't',
    stepId: 's',
    signal: new AbortController().signal,
    config: configSchema.parse(overrides),
    resolvePath: (p) => resolveInside(ws.root, p),
    log: () => {},
    services: (sandbox ? { sandbox } : {}) as ToolContext['services'],
  };
}

async function call(input: Record<string, unknown>, ctx: ToolContext): Promise<RunCommandOutput> {
  return runCommand.run(runCommand.input.parse(input), ctx);
}

describe('run_command input', () => {
  it('takes an argv list, never a shell string', () => {
    expect(runCommand.input.safeParse({ argv: 'rm -rf / ; echo' }).success).toBe(false);
    expect(runCommand.input.safeParse({ argv: [] }).success).toBe(false);
    expect(runCommand.input.safeParse({ argv: [''] }).success).toBe(false);
    expect(runCommand.input.parse({ argv: ['npm', 'test'] })).toEqual({ argv: ['npm', 'test'], cwd: '.' });
    expect(runCommand.description).toContain('never a shell string');
  });

  it('declares exec risk, its argv for command allowlists and its cwd for path checks', () => {
    const input = runCommand.input.parse({ argv: ['git', 'status'], cwd: 'src' });
    expect(runCommand.risk).toBe('exec');
    expect(runCommand.command?.(input)).toEqual(['git', 'status']);
    expect(runCommand.paths?.(input)).toEqual([{ path: 'src', access: 'read' }]);
  });
});

describe('run_command in a real sandbox', () => {
  it('runs the program in the workspace directory and reports which sandbox ran it', async () => {
    const sandbox = await createSandbox({ workspace: ws.root, mode: 'auto' });
    const out = await call({ argv: ['cat', 'hello.txt'], cwd: 'src' }, context(sandbox));
    expect(out).toEqual({
      exit_code: 0,
      stdout: 'hello from the workspace\n',
      stderr: '',
      timed_out: false,
      truncated: false,
      sandbox: bwrap.ok ? 'bwrap' : 'process',
    });
    expect(
      await runCommand.review?.(runCommand.input.parse({ argv: ['cat'] }), out, context(sandbox)),
    ).toEqual({ ok: true });
  });

  it('an argument with shell syntax is passed as one literal argument', async () => {
    const sandbox = await createSandbox({ workspace: ws.root, mode: 'process' });
    const out = await call({ argv: ['echo', 'a; touch injected && $(id)'] }, context(sandbox));
    expect(out.stdout).toBe('a; touch injected && $(id)\n');
  });

  it('a failing command is reviewed as a problem quoting the end of its stderr', async () => {
    const sandbox = await createSandbox({ workspace: ws.root, mode: 'process' });
    const input = runCommand.input.parse({
      argv: ['sh', '-c', 'for i in $(seq 1 30); do echo "line $i" >&2; done; exit 2'],
    });
    const out = await runCommand.run(input, context(sandbox));
    expect(out.exit_code).toBe(2);
    const review = await runCommand.review?.(input, out, context(sandbox));
    expect(review?.ok).toBe(false);
    const problem = review && !review.ok ? review.problem : '';
    expect(problem).toContain('sh exited with code 2; the end of its stderr:');
    expect(problem).toContain('line 30');
    expect(problem).toContain('line 11');
    expect(problem).not.toContain('line 10\n');
  });

  it('timeout_seconds stops the command, and the review suggests what to change', async () => {
    const sandbox = await createSandbox({ workspace: ws.root, mode: 'process' });
    const input = runCommand.input.parse({ argv: ['sleep', '30'], timeout_seconds: 1 });
    const out = await runCommand.run(input, context(sandbox));
    expect(out.timed_out).toBe(true);
    const review = await runCommand.review?.(input, out, context(sandbox));
    expect(review).toMatchObject({ ok: false, suggestion: expect.stringContaining('timeout_seconds') });
    expect(runCommand.summarize?.(out)).toBe('timed out (process sandbox)');
  });

  it('refuses a cwd outside the workspace', async () => {
    const sandbox = await createSandbox({ workspace: ws.root, mode: 'process' });
    await expect(call({ argv: ['ls'], cwd: '../' }, context(sandbox))).rejects.toBeInstanceOf(
      PathOutsideWorkspace,
    );
  });

  it('fails clearly when no sandbox was wired, rather than running unsandboxed', async () => {
    await expect(call({ argv: ['true'] }, context())).rejects.toThrow(ToolError);
    await expect(call({ argv: ['true'] }, context())).rejects.toThrow(/needs a sandbox and none was set up/);
  });
});
