// `office feedback <task> --good|--bad [--comment]` ("Suggestion Box"): a person's verdict on a task, into plan
// memory and the task's own record; --bad turns the task's remembered plans into lessons that are never reused.
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import type { TaskDocument } from '../../schemas/task.js';
import { openWorkspace } from '../wiring.js';
import { openMemory } from './memory.js';

/** `s1: search_code → read_file; s2: …` — the plans a task ended with (the approved one of each subtask). */
function finalPlans(doc: TaskDocument): string {
  const approved = new Set(doc.reviews.filter((r) => r.review.verdict === 'APPROVE').map((r) => r.plan_id));
  const bySubtask = new Map<string, TaskDocument['plans'][number]>();
  for (const p of doc.plans) {
    const known = bySubtask.get(p.subtask_id);
    if (!known || !approved.has(known.plan.plan_id) || approved.has(p.plan.plan_id))
      bySubtask.set(p.subtask_id, p);
  }
  const parts = [...bySubtask.values()].map(
    (p) => `${p.subtask_id}: ${p.plan.steps.map((s) => s.action).join(' → ')}`,
  );
  return parts.join('; ') || 'no plan';
}

export async function feedbackCommand(
  task: string,
  flags: { dir?: string; good?: boolean; bad?: boolean; comment?: string },
): Promise<ExitCode> {
  if (Boolean(flags.good) === Boolean(flags.bad)) {
    throw new UsageError(
      'say how the task went: pass exactly one of --good or --bad (and --comment "why" if you like)',
    );
  }
  const rating = flags.good ? 'good' : 'bad';
  const comment = (flags.comment ?? '').trim();
  const ws = await openWorkspace(flags.dir);
  const taskId = await ws.store.resolveId(task);
  const doc = await ws.store.read(taskId);
  const reusedFrom = doc.plans.flatMap((p) =>
    typeof p.plan.metadata.reused_from === 'string' ? [p.plan.metadata.reused_from] : [],
  );
  const { entry, changed } = await openMemory(ws).feedback({
    taskId,
    request: doc.request,
    goals: doc.dag?.subtasks.map((s) => s.goal) ?? [],
    planIds: doc.plans.map((p) => p.plan.plan_id),
    reusedFrom,
    planSummary: finalPlans(doc),
    rating,
    comment,
  });
  await ws.store.update(taskId, (d) => {
    d.events.push({
      at: entry.at,
      type: 'feedback',
      rating,
      ...(comment ? { comment } : {}),
      memory_id: entry.id,
    });
  });
  const lines = [`recorded ${rating} feedback on task ${taskId} (memory ${entry.id})`];
  if (rating === 'bad') {
    lines.push(
      changed.length > 0
        ? `${changed.length} remembered plan${changed.length === 1 ? ' of this task is' : 's of this task are'} now a lesson and will not be reused`
        : 'no plan of this task was in plan memory (template plans are not remembered); the feedback is kept as a lesson for similar requests',
    );
  } else if (changed.length > 0) {
    lines.push(
      `${changed.length} remembered plan${changed.length === 1 ? ' is' : 's are'} now marked as confirmed by you`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
