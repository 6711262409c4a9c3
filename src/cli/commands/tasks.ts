// `office list`, `office show`, `office status`, `office approve`: reading and annotating stored tasks.
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { TOOL_SCOPE } from '../../office/approve.js';
import { describeStepAction } from '../../policy/explain.js';
import { type ApprovalRecord, type TaskDocument, taskStatuses } from '../../schemas/task.js';
import { asSeen, exitCodeForTask, taskLine, taskResultJson, taskStatusText } from '../task-view.js';
import type { Workspace } from '../wiring.js';
import { openWorkspace } from '../wiring.js';
import { note } from '../quiet.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
  readonly store?: string;
  readonly queue?: string;
}

/** `plan/step tool runs npm test (in .)`, and who proposed it when a person should weigh that. */
function approvalLine(a: ApprovalRecord): string {
  const action = describeStepAction(a);
  const from = a.proposed_by ? ` [proposed by ${a.proposed_by}]` : '';
  return `${a.plan_id}/${a.step_id} ${a.tool}${action ? ` ${action}` : ''}${from}`;
}

/** A stored task as it should be shown: `running` only while its process lives. */
async function seen(ws: Workspace, doc: TaskDocument): Promise<TaskDocument> {
  return doc.status === 'running' ? asSeen(doc, await ws.store.isRunLive(doc.task_id)) : doc;
}

export async function listCommand(flags: Flags & { status?: string; limit?: string }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const { tasks, problems } = await ws.store.list();
  for (const p of problems) process.stderr.write(`office: ${p.message}\n`);
  if (flags.status !== undefined && !(taskStatuses as readonly string[]).includes(flags.status)) {
    throw new UsageError(`--status takes one of ${taskStatuses.join(', ')}, not "${flags.status}"`);
  }
  const limit = flags.limit === undefined ? Number.POSITIVE_INFINITY : Number(flags.limit);
  if (!(limit > 0)) throw new UsageError(`--limit takes a positive number, not "${flags.limit}"`);
  const all = await Promise.all(tasks.map((t) => seen(ws, t)));
  const shown = all.filter((t) => !flags.status || t.status === flags.status).slice(0, limit);
  if (flags.json) {
    const rows = shown.map((t) => ({
      task_id: t.task_id,
      status: t.status,
      request: t.request,
      created_at: t.created_at,
      updated_at: t.updated_at,
      duration_ms: t.duration_ms ?? null,
    }));
    process.stdout.write(
      `${JSON.stringify({ tasks: rows, problems: problems.map((p) => ({ path: p.path, moved_to: p.setAsideTo ?? null, message: p.message })) }, null, 2)}\n`,
    );
  } else if (all.length === 0) {
    note('office: no tasks yet in this workspace. Try: office run "find TODO in ."');
  } else if (shown.length === 0) {
    process.stderr.write(
      `office: no ${flags.status} tasks (${all.length} task${all.length === 1 ? '' : 's'} in all; \`office list\` shows them)\n`,
    );
  } else {
    for (const t of shown) process.stdout.write(`${taskLine(t)}\n`);
  }
  return EXIT.ok;
}

export async function showCommand(task: string, flags: Flags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const doc = await seen(ws, await ws.store.read(await ws.store.resolveId(task)));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [taskStatusText(doc), ''];
  for (const p of doc.plans) {
    const v = doc.validations.find((x) => x.plan_id === p.plan.plan_id);
    const r = doc.reviews.find((x) => x.plan_id === p.plan.plan_id);
    lines.push(
      `plan ${p.plan.plan_id} (${p.subtask_id}, iteration ${p.iteration}, by ${p.by}): ${v?.ok ? 'valid' : 'rejected'}${r ? `, review ${r.review.verdict}: ${r.review.summary}` : ''}`,
    );
    for (const step of p.plan.steps) {
      const result = doc.steps[step.idempotency_key];
      lines.push(
        `  ${step.step_id.padEnd(12)} ${step.action.padEnd(14)} ${result?.status ?? 'not run'}${result?.error ? ` — ${result.error}` : ''}`,
      );
    }
  }
  if (doc.approvals.some((a) => a.decision !== 'allow' || a.risk !== 'read')) {
    lines.push('', 'approvals:');
    for (const a of doc.approvals) lines.push(`  ${approvalLine(a)}: ${a.decision} by ${a.by} — ${a.reason}`);
  }
  lines.push(
    '',
    `${doc.events.length} events; \`office show ${doc.task_id} --json\` prints the whole document.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

export async function statusCommand(task: string, flags: Flags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const doc = await seen(ws, await ws.store.read(await ws.store.resolveId(task)));
  if (flags.json) process.stdout.write(`${JSON.stringify(taskResultJson(doc), null, 2)}\n`);
  else process.stdout.write(`${taskStatusText(doc)}\n`);
  return doc.status === 'running' ? EXIT.ok : exitCodeForTask(doc);
}

/** `office approve <task> [step...] | --all`: records approvals that `office resume` then honours. */
export async function approveCommand(
  task: string,
  steps: readonly string[],
  flags: Flags & { all?: boolean },
): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const taskId = await ws.store.resolveId(task);
  const doc = await ws.store.read(taskId);
  if (steps.length === 0 && !flags.all) throw new UsageError('name the steps to approve, or pass --all');
  // An ask is answered by an allow given after it: an allow from before (a step that started, then its process was
  // killed) does not answer the rerun guard's new question.
  const waiting = doc.approvals.filter(
    (a) =>
      a.decision === 'ask' &&
      !doc.approvals.some(
        (b) => b.decision === 'allow' && b.plan_id === a.plan_id && b.step_id === a.step_id && b.at >= a.at,
      ),
  );
  const chosen = flags.all ? waiting : waiting.filter((a) => steps.includes(a.step_id));
  const unknown = steps.filter((s) => !waiting.some((a) => a.step_id === s));
  if (unknown.length > 0) {
    throw new UsageError(
      `no step waiting for approval named ${unknown.map((s) => `"${s}"`).join(', ')}; waiting: ${waiting.map((a) => a.step_id).join(', ') || 'none'}`,
    );
  }
  if (chosen.length === 0) {
    note(`office: nothing in task ${taskId} is waiting for approval`);
    return EXIT.ok;
  }
  const at = new Date().toISOString();
  await ws.store.update(taskId, (d) => {
    for (const a of chosen) {
      if (a.step_id === TOOL_SCOPE) continue;
      d.approvals.push({ ...a, decision: 'allow', by: 'office approve', reason: a.reason, at });
    }
    d.events.push({ at, type: 'approved', steps: chosen.map((a) => a.step_id) });
  });
  for (const a of chosen) process.stdout.write(`approved ${approvalLine(a)} (${a.risk})\n`);
  const queueUrl = ws.config.queue;
  if (queueUrl) {
    // With workers, approving is resuming: the task goes back to the queue with its stored priority.
    const { openTaskQueue } = await import('../../queue/task-queue.js');
    const { priorityOf } = await import('../../queue/submit.js');
    const queue = openTaskQueue(queueUrl, ws.config.worker);
    try {
      const added = await queue.enqueue(taskId, priorityOf(doc));
      note(
        `office: task ${taskId} ${added ? 'is queued again' : 'was queued already'}; a worker carries on with it`,
      );
    } finally {
      await queue.close();
      await ws.close();
    }
    return EXIT.ok;
  }
  note(`office: now run \`office resume ${taskId}\``);
  return EXIT.ok;
}
