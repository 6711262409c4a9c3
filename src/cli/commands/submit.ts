// `office run --queue`: the task is stored and queued for `office worker`s instead of run here; office waits for its
// outcome (for CI) and prints it as `office run` would.
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { openTaskQueue, safeRedisUrl } from '../../queue/task-queue.js';
import { DEFAULT_PRIORITY, prioritySchema } from '../../schemas/backends.js';
import type { TaskDocument } from '../../schemas/task.js';
import { openTools } from '../../tools/open-tools.js';
import { onInterrupt } from '../interrupts.js';
import { stdoutPathView } from '../path-view.js';
import { exitCodeForTask, taskResultJson } from '../task-view.js';
import type { Workspace } from '../wiring.js';
import { createTask, renderResult, requestFolder } from './run.js';

export interface SubmitFlags {
  readonly json?: boolean;
  readonly yes?: boolean;
  readonly offline?: boolean;
  readonly priority?: string;
  /** --no-wait: print the task id and return once it is queued. */
  readonly wait?: boolean;
  readonly maxIterations?: number;
}

export function parsePriority(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PRIORITY;
  const parsed = prioritySchema.safeParse(/^\d+$/.test(value) ? Number(value) : Number.NaN);
  if (!parsed.success)
    throw new UsageError(`--priority takes a whole number from 1 (runs first) to 1000, not "${value}"`);
  return parsed.data;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function submitCommand(ws: Workspace, request: string, flags: SubmitFlags): Promise<ExitCode> {
  const queueUrl = ws.config.queue;
  if (!queueUrl)
    throw new UsageError('--queue needs a redis:// URL (or OFFICE_QUEUE, or "queue" in .office.config.json)');
  const priority = parsePriority(flags.priority);
  const queue = openTaskQueue(queueUrl, ws.config.worker);
  let stop = false;
  const dispose = onInterrupt(() => {
    stop = true;
  });
  try {
    const taskId = await createTask(
      ws,
      request,
      {
        yes: flags.yes ?? false,
        offline: flags.offline ?? false,
        ...(flags.maxIterations ? { maxIterations: flags.maxIterations } : {}),
        ...requestFolder(ws.root, process.cwd()),
      },
      { priority, queued: true },
    );
    await queue.enqueue(taskId, priority);
    process.stderr.write(
      `office: task ${taskId} queued on ${safeRedisUrl(queueUrl)} (priority ${priority})${flags.wait === false ? '' : '; waiting for a worker'}\n`,
    );
    if (flags.wait === false) {
      process.stdout.write(
        flags.json ? `${JSON.stringify({ task_id: taskId, queued: true })}\n` : `${taskId}\n`,
      );
      return EXIT.ok;
    }
    // The job ends (and is removed) once a worker has stored the task's outcome, or fails for good.
    let job = await queue.state(taskId);
    while (!stop && (job.state === 'queued' || job.state === 'active')) {
      await sleep(200);
      job = await queue.state(taskId);
    }
    if (stop) {
      process.stderr.write(
        `office: stopped waiting; task ${taskId} stays queued (\`office status ${taskId}\`)\n`,
      );
      return EXIT.interrupted;
    }
    const doc = await ws.store.read(taskId);
    if (job.state === 'failed')
      process.stderr.write(
        `office: the workers gave up on task ${taskId}: ${job.failedReason ?? 'no reason given'}\n`,
      );
    return await printQueuedOutcome(ws, doc, flags.json ?? false, job.state === 'failed');
  } finally {
    dispose();
    await queue.close();
  }
}

async function printQueuedOutcome(
  ws: Workspace,
  doc: TaskDocument,
  json: boolean,
  gaveUp: boolean,
): Promise<ExitCode> {
  if (json) {
    process.stdout.write(`${JSON.stringify(taskResultJson(doc), null, 2)}\n`);
  } else if (doc.status === 'succeeded') {
    const tools = await openTools({ workspace: ws.root, config: ws.config });
    try {
      const text = renderResult(doc, tools.registry, stdoutPathView(ws.root));
      if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    } finally {
      await tools.close();
    }
  } else {
    process.stderr.write(
      `office: task ${doc.task_id} ${doc.status}${doc.error ? `: ${doc.error.message}` : ''}\n`,
    );
  }
  return gaveUp && doc.status !== 'succeeded' ? EXIT.failed : exitCodeForTask(doc);
}
