// `office worker` ("Office Manager" on another machine): runs tasks from the configured queue until SIGTERM or
// Ctrl-C, which interrupt the running tasks at their checkpoint and hand them back to the queue.
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import type { QueueWorker } from '../../queue/worker.js';
import { approvalModes } from '../../schemas/config.js';
import type { ApprovalMode } from '../safety.js';
import { openWorkspace } from '../wiring.js';
import { oneOf } from '../flag-values.js';

export interface WorkerFlags {
  readonly dir?: string;
  readonly concurrency?: string;
  readonly store?: string;
  readonly queue?: string;
  readonly approval?: string;
  readonly sandbox?: string;
  readonly offline?: boolean;
}

function concurrencyOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--concurrency takes a whole number from 1 to 64, not "${value}"`);
  return n;
}

export async function workerCommand(flags: WorkerFlags): Promise<ExitCode> {
  const concurrency = concurrencyOf(flags.concurrency);
  const approvalMode = oneOf<ApprovalMode>('--approval', flags.approval, approvalModes);
  const sandboxMode = oneOf('--sandbox', flags.sandbox, ['auto', 'bwrap', 'process'] as const);
  let worker: QueueWorker | undefined;
  const ws = await openWorkspace(flags.dir, {
    ...(flags.store !== undefined ? { store: flags.store } : {}),
    ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
    onLeaseLost: (taskId) => worker?.leaseLost(taskId),
  });
  const queueUrl = ws.config.queue;
  if (!queueUrl) {
    await ws.close();
    throw new UsageError(
      'office worker needs a queue: pass --queue redis://host:port, set OFFICE_QUEUE, or "queue" in .office.config.json',
    );
  }
  const log = (line: string) => process.stderr.write(`office worker ${process.pid}: ${line}\n`);
  const { startQueueWorker } = await import('../../queue/worker.js');
  const { safeRedisUrl } = await import('../../queue/task-queue.js');
  const n = concurrency ?? ws.config.worker.concurrency;
  try {
    worker = await startQueueWorker({
      ws,
      queueUrl,
      concurrency: n,
      offline: flags.offline ?? false,
      log,
      ...(approvalMode ? { approvalMode } : {}),
      ...(sandboxMode ? { sandboxMode } : {}),
    });
  } catch (err) {
    await ws.close();
    throw err;
  }
  log(
    `taking tasks from ${safeRedisUrl(queueUrl)} (queue ${ws.config.worker.queueName}), ${n} at a time; ` +
      `state in ${ws.store.workspace === ws.root ? `${ws.root}/.office` : ws.store.workspace}`,
  );
  const why = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${why}: taking no new tasks; running ones are saved and handed back (a second signal quits at once)`);
  const quit = () => process.exit(EXIT.interrupted);
  process.once('SIGTERM', quit);
  process.once('SIGINT', quit);
  await worker.close();
  await ws.close();
  log('stopped');
  return EXIT.ok;
}
