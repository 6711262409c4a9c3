// `office dlq` ("Task Morgue"): dead-lettered tasks, kept for inspection and retry.
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { driveTask, type RunFlags } from './run.js';
import { openWorkspace } from '../wiring.js';
import { clip } from '../../util/clip.js';
import { formatLocal, formatWhen } from '../../util/dates.js';
import { note } from '../quiet.js';

export async function dlqListCommand(flags: { dir?: string; json?: boolean }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const { entries, problems } = await ws.store.listDeadLetters();
  for (const p of problems) process.stderr.write(`office: ${p.message}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ entries }, null, 2)}\n`);
  else if (entries.length === 0) note('office: the dead-letter queue is empty');
  else
    for (const e of entries)
      process.stdout.write(`${e.task_id}  ${formatWhen(e.at)}  ${clip(e.request, 200)}\n    ${e.reason}\n`);
  return EXIT.ok;
}

export async function dlqShowCommand(
  task: string,
  flags: { dir?: string; json?: boolean },
): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const taskId = await ws.store.resolveId(task);
  const entry = await ws.store.readDeadLetter(taskId);
  if (!entry)
    throw new UsageError(
      `task ${taskId} is not in the dead-letter queue (\`office dlq list\` shows what is)`,
    );
  const doc = await ws.store.read(taskId);
  const scratchpad = Object.fromEntries(Object.entries(doc.subtasks).map(([id, s]) => [id, s.scratchpad]));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...entry, scratchpad }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${entry.task_id}: ${clip(entry.request, 200)}\n  dead-lettered ${formatLocal(entry.at)}: ${entry.reason}\n`,
    );
    for (const [id, notes] of Object.entries(scratchpad))
      for (const n of notes) process.stdout.write(`  ${id}: ${n}\n`);
    process.stdout.write(`retry with \`office dlq retry ${taskId}\`\n`);
  }
  return EXIT.ok;
}

/** Gives dead-lettered subtasks a fresh round of iterations (their feedback is kept) and runs the task again. */
export async function dlqRetryCommand(task: string, flags: RunFlags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const taskId = await ws.store.resolveId(task);
  if (!(await ws.store.readDeadLetter(taskId))) {
    throw new UsageError(
      `task ${taskId} is not in the dead-letter queue (\`office dlq list\` shows what is)`,
    );
  }
  await ws.store.update(taskId, (d) => {
    for (const s of Object.values(d.subtasks)) {
      if (s.status !== 'dead_lettered') continue;
      s.status = 'pending';
      s.iteration_base = s.iteration;
      delete s.current_plan_id;
      s.scratchpad.push('retried from the dead-letter queue');
    }
    d.status = 'running';
    delete d.error;
    d.events.push({ at: new Date().toISOString(), type: 'dlq_retry' });
  });
  await ws.store.removeDeadLetter(taskId);
  return driveTask(ws, flags, { taskId, resumed: true, inheritedYes: false });
}
