// `office audit` and `office audit verify` ("IT Security"): prints the hash-chained trail and checks it.
import { type AuditEntry, auditPath, readAudit } from '../../audit/audit-log.js';
import { verifyAudit } from '../../audit/audit-verify.js';
import { EXIT, type ExitCode, TaskNotFound, UsageError } from '../../errors.js';
import { openWorkspace, type Workspace } from '../wiring.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
}

export async function auditShowCommand(flags: Flags & { task?: string }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const all = await readAudit(ws.root);
  const taskId = flags.task === undefined ? undefined : await auditTaskId(ws, all, flags.task);
  const entries = taskId === undefined ? all : all.filter((e) => e.task_id === taskId);
  if (entries.length === 0) {
    process.stderr.write(
      taskId === undefined
        ? `office: the audit trail is empty (${auditPath(ws.root)}); approvals and tool runs are recorded as tasks run\n`
        : `office: no audit entries for task ${taskId}\n`,
    );
    return EXIT.ok;
  }
  if (flags.json) {
    process.stdout.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  } else {
    process.stdout.write(entries.map((e) => `${auditLine(e)}\n`).join(''));
  }
  return EXIT.ok;
}

/** The task `--task` names: an id in the trail, a unique prefix of one, or a stored task with no entries yet. */
async function auditTaskId(ws: Workspace, entries: readonly AuditEntry[], task: string): Promise<string> {
  const ids = [...new Set(entries.flatMap((e) => (e.task_id === null ? [] : [e.task_id])))];
  if (ids.includes(task)) return task;
  const matches = ids.filter((id) => id.startsWith(task));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) {
    throw new UsageError(
      `--task ${task} matches ${matches.length} tasks in the audit trail (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more of the id`,
    );
  }
  try {
    return await ws.store.resolveId(task);
  } catch (err) {
    if (err instanceof TaskNotFound) {
      throw new UsageError(
        `no task "${task}" in the audit trail or in this workspace. Run \`office audit\` to see every entry.`,
      );
    }
    throw err;
  }
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** seq, time, task, type, then tool, step, decision, status, by and reason as the entry has them. */
export function auditLine(e: AuditEntry): string {
  const step = text(e.plan_id) && text(e.step_id) ? `${text(e.plan_id)}/${text(e.step_id)}` : text(e.step_id);
  const duration = text(e.duration_ms);
  const parts = [
    String(e.seq).padStart(4),
    e.at.replace('T', ' ').slice(0, 19),
    e.task_id ?? '-',
    e.type.padEnd(8),
    text(e.tool) ?? text(e.action),
    step,
    text(e.decision),
    text(e.status),
    text(e.by) ? `by ${text(e.by)}` : undefined,
    duration ? `${duration} ms` : undefined,
  ].filter((p): p is string => p !== undefined);
  const reason = text(e.reason) ?? text(e.error);
  return `${parts.join('  ')}${reason ? ` — ${reason}` : ''}`;
}

export async function auditVerifyCommand(flags: Flags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const result = await verifyAudit(ws.root);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: result.ok, entries: result.entries, problems: result.problems }, null, 2)}\n`,
    );
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  if (result.ok) {
    process.stdout.write(`audit trail intact: ${result.entries} entries\n`);
    return EXIT.ok;
  }
  const file = auditPath(ws.root);
  for (const p of result.problems) process.stdout.write(`${file}:${p.line}: ${p.problem}\n`);
  process.stdout.write(
    `audit trail broken: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.entries} entries\n`,
  );
  return EXIT.failed;
}
