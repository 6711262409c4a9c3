// `office run` and `office resume`: one task through the whole loop, reported as it goes.
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import isInCi from 'is-in-ci';
import type { z } from 'zod';
import { EXIT, type ExitCode, TaskExists, UsageError } from '../../errors.js';
import { approvalModes } from '../../schemas/config.js';
import { formatUsageLine, summarizeUsage } from '../../models/usage.js';
import { newTaskDocument, type RunOptions, runTask } from '../../office/orchestrate.js';
import type { Reporter } from '../../office/ports.js';
import type { TaskDocument } from '../../schemas/task.js';
import { newTaskId } from '../../store/task-store.js';
import { officeEnv } from '../../config/secrets.js';
import { openTracing } from '../../telemetry/tracing.js';
import { onInterrupt } from '../interrupts.js';
import { stdoutPathView } from '../path-view.js';
import { plainReporter, silentReporter, streamJsonReporter, teeReporter } from '../reporters.js';
import type { ShowPath } from '../../code/format.js';
import { exitCodeForTask, taskResultJson } from '../task-view.js';
import { buildDeps, openWorkspace, type RunDeps, type Workspace } from '../wiring.js';
import { withMaxFileBytes } from '../../util/too-large.js';
import { withExclude } from '../exclude.js';
import { isQuiet, note } from '../quiet.js';
import { isInside } from '../../util/workspace.js';
import { oneOf } from '../flag-values.js';

export interface RunFlags {
  readonly dir?: string;
  readonly json?: boolean;
  readonly output?: string;
  readonly yes?: boolean;
  readonly maxIterations?: string;
  readonly ci?: boolean;
  readonly offline?: boolean;
  readonly model?: readonly string[];
  readonly approval?: string;
  readonly sandbox?: string;
  readonly recordResponses?: string;
  readonly replayResponses?: string;
  /** --max-file-bytes: the size cap of search and the code index for this run (config code.maxFileBytes). */
  readonly maxFileBytes?: string;
  /** --store: "files" or a postgres:// URL. */
  readonly store?: string;
  /** --queue [url]: submit to the workers' queue (this URL, or the configured one) and wait. */
  readonly queue?: string | boolean;
  /** --priority with --queue: 1 runs first. */
  readonly priority?: string;
  /** --no-wait with --queue. */
  readonly wait?: boolean;
  /** --exclude: more gitignore-style rules for search and the code index (on top of config code.exclude). */
  readonly exclude?: readonly string[];
}

/** --store and --queue as openWorkspace takes them (`--queue` alone means: the configured queue). */
export function backendFlagsOf(flags: RunFlags): { store?: string; queue?: string } {
  return {
    ...(flags.store !== undefined ? { store: flags.store } : {}),
    ...(typeof flags.queue === 'string' ? { queue: flags.queue } : {}),
  };
}

function parseMaxIterations(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new UsageError(`--max-iterations takes a whole number from 1 to 20, not "${value}"`);
  return n;
}

function reporterFor(flags: RunFlags): Reporter {
  if (flags.output !== undefined && flags.output !== 'stream-json' && flags.output !== 'text') {
    throw new UsageError(`--output takes "text" or "stream-json", not "${flags.output}"`);
  }
  if (flags.output === 'stream-json') return streamJsonReporter();
  if (flags.json || isQuiet()) return process.stderr.isTTY && !isQuiet() ? plainReporter() : silentReporter;
  return plainReporter();
}

/** Ctrl-C aborts the loop, which stores its state and ends `interrupted`; a second Ctrl-C exits at once. */
function interruptOnSigint(notice: { current: (message: string) => void }): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    notice.current('interrupted — saving state (Ctrl-C again to quit at once)');
    controller.abort();
  };
  return { signal: controller.signal, dispose: onInterrupt(onSigint) };
}

function printOutcome(
  doc: TaskDocument,
  flags: RunFlags,
  render: (doc: TaskDocument) => string | undefined,
): ExitCode {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(taskResultJson(doc), null, 2)}\n`);
  } else if (flags.output !== 'stream-json') {
    const text = render(doc);
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return exitCodeForTask(doc);
}

/** Runs a new task (`request`) or an existing one (`taskId`): the parts are built before a task is created,
 * so a configuration error leaves nothing behind. */
export async function driveTask(
  workspace: Workspace,
  flags: RunFlags,
  target:
    | { readonly taskId: string; readonly resumed: true; readonly inheritedYes: boolean }
    | { readonly request: string },
): Promise<ExitCode> {
  const maxIterations = parseMaxIterations(flags.maxIterations);
  const code = withExclude(withMaxFileBytes(workspace.config.code, flags.maxFileBytes), flags.exclude);
  const ws: Workspace = { ...workspace, config: { ...workspace.config, code } };
  const approvalMode = oneOf('--approval', flags.approval, approvalModes);
  const sandboxMode = oneOf('--sandbox', flags.sandbox, ['auto', 'bwrap', 'process'] as const);
  const notice = {
    current: (m: string): void => {
      process.stderr.write(`\noffice: ${m}\n`);
    },
  };
  const { signal, dispose } = interruptOnSigint(notice);
  // CI=true (or CONTINUOUS_INTEGRATION) counts as --ci even on a terminal: nobody is there to answer a prompt.
  // -q too: the terminal UI is all progress, and the answer is all -q asks for.
  const interactive = Boolean(
    process.stdin.isTTY && process.stderr.isTTY && !flags.ci && !flags.json && !isQuiet() && !isInCi,
  );
  // The terminal UI only for a person at a terminal; its import alone costs most of a second.
  const ui =
    interactive && flags.output !== 'stream-json'
      ? (await import('../../ui/ink-session.js')).createInkSession({ signal })
      : undefined;
  if (ui) notice.current = (m) => ui.notice(m);
  // OpenTelemetry spans of this run, when an OTLP endpoint is configured (loaded only then).
  const tracing = await openTracing(ws.config.telemetry, officeEnv());
  const reporter = teeReporter(ui?.reporter ?? reporterFor(flags), tracing?.reporter);
  let deps: RunDeps | undefined;
  try {
    const before = 'taskId' in target ? await ws.store.read(target.taskId) : undefined;
    deps = await buildDeps(ws, {
      reporter,
      signal,
      interactive,
      onWarning: (m) => notice.current(m),
      ...(ui ? { approver: ui.approver } : {}),
      ...(approvalMode ? { approvalMode } : {}),
      ...(sandboxMode ? { sandboxMode } : {}),
      offline: flags.offline ?? false,
      ...(flags.model ? { modelOverrides: flags.model } : {}),
      ...(flags.recordResponses ? { recordResponses: flags.recordResponses } : {}),
      ...(flags.replayResponses ? { replayResponses: flags.replayResponses } : {}),
      ...(before
        ? {
            spent: {
              [before.task_id]: {
                tokens: before.model_calls.reduce((n, c) => n + c.tokens_in + c.tokens_out, 0),
                usd: before.model_calls.reduce((n, c) => n + c.cost_usd, 0),
              },
            },
          }
        : {}),
    });
    const yesNow = flags.yes ?? false;
    const options = {
      yes: yesNow || ('inheritedYes' in target && target.inheritedYes),
      yesGivenNow: yesNow,
      offline: flags.offline ?? false,
      ...(maxIterations ? { maxIterations } : {}),
    };
    const taskId =
      'taskId' in target
        ? target.taskId
        : await createTask(ws, target.request, { ...options, ...requestFolder(ws.root, process.cwd()) });
    await runTask(deps, taskId, { ...options, resumed: 'taskId' in target });
    await ui?.close();
    const doc = await ws.store.read(taskId);
    if (!flags.json && flags.output !== 'stream-json' && doc.model_calls.length > 0) {
      note(`office: ${formatUsageLine(summarizeUsage(doc.model_calls))}`);
    }
    const tools = deps.tools;
    return printOutcome(doc, flags, (d) => renderResult(d, tools, stdoutPathView(ws.root)));
  } finally {
    await ui?.close();
    await deps?.close();
    await tracing?.shutdown();
    dispose();
  }
}

/**
 * Where a request is made, for its paths: the current folder relative to the workspace root when it is inside
 * the workspace ('' at the root), else nothing (office was pointed at a workspace elsewhere with --dir, and paths
 * are relative to that workspace's root).
 */
export function requestFolder(root: string, cwd: string): { cwd?: string } {
  const real = realpathSync(cwd);
  if (!isInside(root, real)) return {};
  return { cwd: relative(root, real).split(sep).join('/') };
}

/** Stores a new task; ids are random, so a clash (vanishingly rare) just takes another. */
export async function createTask(
  ws: Workspace,
  request: string,
  options: RunOptions,
  /** Stored with the task's options (e.g. `served`: who submitted it over HTTP). */
  extra: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const taskId = newTaskId();
    try {
      const doc = newTaskDocument(taskId, request, ws.root, options, new Date());
      await ws.store.create({ ...doc, options: { ...doc.options, ...extra } });
      return taskId;
    } catch (err) {
      if (!(err instanceof TaskExists) || attempt >= 5) throw err;
    }
  }
}

/** The final subtask results as text: each tool's own rendering (paths as the person sees them), else JSON. */
export function renderResult(
  doc: TaskDocument,
  tools: Awaited<ReturnType<typeof buildDeps>>['tools'],
  path: ShowPath,
): string | undefined {
  if (doc.status !== 'succeeded') return undefined;
  const parts: string[] = [];
  for (const s of doc.dag?.subtasks ?? []) {
    const state = doc.subtasks[s.id];
    const plan = doc.plans.filter((p) => p.subtask_id === s.id).at(-1)?.plan;
    const resultStep = typeof plan?.result_step === 'string' ? plan.result_step : plan?.steps.at(-1)?.step_id;
    const step = plan?.steps.find((st) => st.step_id === resultStep);
    const tool = step ? tools.get(step.action) : undefined;
    const input = tool && step ? (tool.input as z.ZodType).safeParse(step.inputs) : undefined;
    const text =
      tool?.render && input?.success
        ? tool.render(state?.result as never, { input: input.data, path })
        : JSON.stringify(state?.result ?? null, null, 2);
    parts.push((doc.dag?.subtasks.length ?? 0) > 1 ? `## ${s.id}: ${s.goal}\n${text}` : text);
  }
  return parts.join('\n\n');
}

export async function runCommand(request: string, flags: RunFlags): Promise<ExitCode> {
  if (!request.trim())
    throw new UsageError('office run needs a request, e.g. office run "find TODO in ./src"');
  const maxIterations = parseMaxIterations(flags.maxIterations);
  reporterFor(flags);
  if (flags.queue === undefined && flags.priority !== undefined)
    throw new UsageError("--priority orders the workers' queue: use it with --queue");
  const ws = await openWorkspace(flags.dir, backendFlagsOf(flags));
  try {
    if (flags.queue !== undefined) {
      const { submitCommand } = await import('./submit.js');
      return await submitCommand(ws, request, {
        ...(flags.json !== undefined ? { json: flags.json } : {}),
        ...(flags.yes !== undefined ? { yes: flags.yes } : {}),
        ...(flags.offline !== undefined ? { offline: flags.offline } : {}),
        ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
        ...(flags.wait !== undefined ? { wait: flags.wait } : {}),
        ...(maxIterations ? { maxIterations } : {}),
      });
    }
    return await driveTask(ws, flags, { request });
  } finally {
    await ws.close();
  }
}

export async function resumeCommand(task: string, flags: RunFlags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, backendFlagsOf(flags));
  const taskId = await ws.store.resolveId(task);
  const doc = await ws.store.read(taskId);
  if (doc.status === 'succeeded') {
    note(`office: task ${taskId} already succeeded; nothing to resume`);
    return printOutcome(doc, flags, () => undefined);
  }
  if (doc.status === 'dead_lettered') {
    throw new UsageError(
      `task ${taskId} is in the dead-letter queue; retry it with \`office dlq retry ${taskId}\``,
    );
  }
  const { maxIterations: stored } = doc.options;
  return driveTask(
    ws,
    { ...flags, ...(flags.maxIterations === undefined && stored ? { maxIterations: String(stored) } : {}) },
    {
      taskId,
      resumed: true,
      inheritedYes: doc.options.yes,
    },
  );
}
