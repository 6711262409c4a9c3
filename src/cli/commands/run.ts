// `office run` and `office resume`: one task through the whole loop, reported as it goes.
import { EXIT, type ExitCode, exitCodeForStatus, UsageError } from '../../errors.js';
import { newTaskDocument, runTask } from '../../office/orchestrate.js';
import type { Reporter } from '../../office/ports.js';
import type { TaskDocument } from '../../schemas/task.js';
import { newTaskId } from '../../store/task-store.js';
import { plainReporter, silentReporter, streamJsonReporter } from '../reporters.js';
import { taskResultJson } from '../task-view.js';
import { buildDeps, openWorkspace, type Workspace } from '../wiring.js';

export interface RunFlags {
  readonly dir?: string;
  readonly json?: boolean;
  readonly output?: string;
  readonly yes?: boolean;
  readonly maxIterations?: string;
  readonly ci?: boolean;
  readonly offline?: boolean;
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
  if (flags.json) return process.stderr.isTTY ? plainReporter() : silentReporter;
  return plainReporter();
}

/** Ctrl-C aborts the loop, which stores its state and ends `interrupted`; a second Ctrl-C exits at once. */
function interruptOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\noffice: interrupted — saving state (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
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
  return doc.status === 'running' ? EXIT.failed : exitCodeForStatus(doc.status);
}

export async function driveTask(
  ws: Workspace,
  flags: RunFlags,
  taskId: string,
  resumed: boolean,
): Promise<ExitCode> {
  const reporter = reporterFor(flags);
  const { signal, dispose } = interruptOnSigint();
  try {
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY && !flags.ci && !flags.json);
    const deps = await buildDeps(ws, {
      reporter,
      signal,
      interactive,
      onWarning: (m) => process.stderr.write(`office: ${m}\n`),
    });
    const maxIterations = parseMaxIterations(flags.maxIterations);
    await runTask(deps, taskId, {
      resumed,
      yes: flags.yes ?? false,
      offline: flags.offline ?? false,
      ...(maxIterations ? { maxIterations } : {}),
    });
    const doc = await ws.store.read(taskId);
    return printOutcome(doc, flags, (d) => renderResult(d, deps.tools));
  } finally {
    dispose();
  }
}

/** The final subtask results as text: each tool's own rendering, else JSON. */
function renderResult(
  doc: TaskDocument,
  tools: Awaited<ReturnType<typeof buildDeps>>['tools'],
): string | undefined {
  if (doc.status !== 'succeeded') return undefined;
  const parts: string[] = [];
  for (const s of doc.dag?.subtasks ?? []) {
    const state = doc.subtasks[s.id];
    const plan = doc.plans.filter((p) => p.subtask_id === s.id).at(-1)?.plan;
    const resultStep = typeof plan?.result_step === 'string' ? plan.result_step : plan?.steps.at(-1)?.step_id;
    const action = plan?.steps.find((st) => st.step_id === resultStep)?.action;
    const tool = action ? tools.get(action) : undefined;
    const text = tool?.render
      ? tool.render(state?.result as never)
      : JSON.stringify(state?.result ?? null, null, 2);
    parts.push((doc.dag?.subtasks.length ?? 0) > 1 ? `## ${s.id}: ${s.goal}\n${text}` : text);
  }
  return parts.join('\n\n');
}

export async function runCommand(request: string, flags: RunFlags): Promise<ExitCode> {
  if (!request.trim())
    throw new UsageError('office run needs a request, e.g. office run "find TODO in ./src"');
  parseMaxIterations(flags.maxIterations);
  reporterFor(flags);
  const ws = await openWorkspace(flags.dir);
  const taskId = newTaskId();
  const maxIterations = parseMaxIterations(flags.maxIterations);
  await ws.store.create(
    newTaskDocument(
      taskId,
      request,
      ws.root,
      {
        yes: flags.yes ?? false,
        offline: flags.offline ?? false,
        ...(maxIterations ? { maxIterations } : {}),
      },
      new Date(),
    ),
  );
  return driveTask(ws, flags, taskId, false);
}

export async function resumeCommand(task: string, flags: RunFlags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const taskId = await ws.store.resolveId(task);
  const doc = await ws.store.read(taskId);
  if (doc.status === 'succeeded') {
    process.stderr.write(`office: task ${taskId} already succeeded; nothing to resume\n`);
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
    {
      ...flags,
      ...(flags.maxIterations === undefined && stored ? { maxIterations: String(stored) } : {}),
      yes: (flags.yes ?? false) || doc.options.yes,
    },
    taskId,
    true,
  );
}
