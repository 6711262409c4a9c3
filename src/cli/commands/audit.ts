// `office audit` and `office audit verify` ("IT Security"): prints the hash-chained trail and checks it.
import type { AuditEntry } from '../../audit/audit-log.js';
import { verifyAuditText } from '../../audit/audit-verify.js';
import { EXIT, type ExitCode, TaskNotFound, UsageError } from '../../errors.js';
import { openWorkspace, type Workspace } from '../wiring.js';
import { clip } from '../../util/clip.js';
import { formatLocal } from '../../util/dates.js';
import { note } from '../quiet.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
  readonly store?: string;
}

export async function auditShowCommand(flags: Flags & { task?: string }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const all = await ws.audit.read();
  const taskId = flags.task === undefined ? undefined : await auditTaskId(ws, all, flags.task);
  const entries = taskId === undefined ? all : all.filter((e) => e.task_id === taskId);
  if (entries.length === 0) {
    note(
      taskId === undefined
        ? `office: the audit trail is empty (${ws.audit.where}); approvals and tool runs are recorded as tasks run`
        : `office: no audit entries for task ${taskId}`,
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

/** Fixed column widths, so that every view of the trail (whole, or one task's) lines up the same way. */
const WIDTHS = { seq: 4, time: 19, task: 22, type: 15, tool: 14, step: 20, outcome: 9 } as const;

/** What an entry ran or touched: the argv of a command (as a shell would show it), or the paths of a file tool. */
function whatOf(e: AuditEntry): string | undefined {
  const inputs = (e as { inputs?: unknown }).inputs;
  const argv = (e as { argv?: unknown }).argv ?? (inputs as { argv?: unknown } | undefined)?.argv;
  if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) {
    return `$ ${clip(quoteShell(argv), 120)}`;
  }
  const paths = ['path', 'dir']
    .map((k) => text((inputs as Record<string, unknown> | undefined)?.[k]))
    .filter((p): p is string => p !== undefined);
  return paths.length > 0 ? paths.join(', ') : undefined;
}

/**
 * One entry as a row: seq, local time, task, type, tool, step and outcome in aligned columns, then who decided,
 * how long it took, and what ran (argv, or paths) with its exit code or the reason.
 */
export function auditLine(e: AuditEntry): string {
  const step = text(e.plan_id) && text(e.step_id) ? `${text(e.plan_id)}/${text(e.step_id)}` : text(e.step_id);
  const duration = text(e.duration_ms);
  const exit = text((e as { exit_code?: unknown }).exit_code);
  const columns = [
    String(e.seq).padStart(WIDTHS.seq),
    formatLocal(e.at, { seconds: true }).padEnd(WIDTHS.time),
    (e.task_id ?? '-').padEnd(WIDTHS.task),
    e.type.padEnd(WIDTHS.type),
    (text(e.tool) ?? text(e.action) ?? '').padEnd(WIDTHS.tool),
    (step ?? '').padEnd(WIDTHS.step),
    (text(e.decision) ?? text(e.status) ?? '').padEnd(WIDTHS.outcome),
  ];
  const extra = [
    text(e.by) ? `by ${text(e.by)}` : undefined,
    duration ? `${duration} ms` : undefined,
    whatOf(e),
    exit !== undefined ? `exit ${exit}` : text((e as { summary?: unknown }).summary),
  ].filter((p): p is string => p !== undefined);
  const reason = text(e.reason) ?? text(e.error);
  return `${[...columns, ...extra].join('  ').trimEnd()}${reason ? ` — ${reason}` : ''}`;
}

/** argv as a POSIX shell would read it back: words with spaces or quotes are single-quoted. */
function quoteShell(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

export async function auditVerifyCommand(flags: Flags): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir, flags);
  const { text, head } = await ws.audit.export();
  await ws.close();
  const result = verifyAuditText(text, head);
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
  const file = ws.audit.where;
  for (const p of result.problems) process.stdout.write(`${file}:${p.line}: ${p.problem}\n`);
  process.stdout.write(
    `audit trail broken: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.entries} entries\n`,
  );
  return EXIT.failed;
}
