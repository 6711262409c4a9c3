// Views of a task document for people and for scripts: the `--json` result object and human summaries.
import { neighboursResultSchema, traceResultSchema } from '../code/service.js';
import { type ExitCode, EXIT, exitCodeForAnswer, exitCodeForStatus } from '../errors.js';
import { formatUsageLine, summarizeUsage } from '../models/usage.js';
import type { TaskDocument } from '../schemas/task.js';
import { clip } from '../util/clip.js';
import { formatWhen } from '../util/dates.js';

export type PublicStatus = 'succeeded' | 'failed' | 'dead_lettered' | 'needs_approval' | 'escalated';

/**
 * A task as people and scripts should see it: one stored as `running` whose process is gone (killed, crashed)
 * is `interrupted`, with the reason, in every view (list, status, show; text and JSON alike).
 */
export function asSeen(doc: TaskDocument, runLive: boolean): TaskDocument {
  if (doc.status !== 'running' || runLive) return doc;
  return {
    ...doc,
    status: 'interrupted',
    error: {
      code: 'interrupted',
      message:
        'the process running this task is gone (killed or crashed) before it finished; ' +
        `\`office resume ${doc.task_id}\` continues it`,
    },
  };
}

/** `interrupted` and `running` are not final answers: scripts see them as failed, with the reason in `error`. */
export function publicStatus(doc: TaskDocument): PublicStatus {
  return doc.status === 'running' || doc.status === 'interrupted' ? 'failed' : doc.status;
}

/**
 * The answer of a succeeded task whose subtasks asked the code index (trace, callers, callees): the first that did
 * not find what it was asked about, else `found`; undefined when no subtask result is a code answer.
 */
export function codeAnswerOf(doc: TaskDocument): 'found' | 'not_found' | 'ambiguous' | undefined {
  let answer: 'found' | undefined;
  for (const s of doc.dag?.subtasks ?? []) {
    const result = doc.subtasks[s.id]?.result;
    const parsed = traceResultSchema.or(neighboursResultSchema).safeParse(result);
    if (!parsed.success) continue;
    if (parsed.data.status !== 'found') return parsed.data.status;
    answer = 'found';
  }
  return answer;
}

/** Exit code of a stored task, as `office run` and `office status` give it: a code query exits as `office trace`. */
export function exitCodeForTask(doc: TaskDocument): ExitCode {
  if (doc.status === 'running') return EXIT.failed;
  if (doc.status !== 'succeeded') return exitCodeForStatus(doc.status);
  const answer = codeAnswerOf(doc);
  return answer ? exitCodeForAnswer(answer) : EXIT.ok;
}

/** Model usage as `--json` reports it: the same counts as the run footer, status, show and stats. */
export function usageOf(doc: TaskDocument) {
  const u = summarizeUsage(doc.model_calls);
  return {
    model_calls: u.calls,
    failed_attempts: u.failed,
    cache_hits: u.cached,
    tokens_in: u.tokensIn,
    tokens_out: u.tokensOut,
    cost_usd: Number(u.costUsd.toFixed(6)),
  };
}

/** The one JSON object `office run --json` prints. */
export function taskResultJson(doc: TaskDocument) {
  return {
    task_id: doc.task_id,
    status: publicStatus(doc),
    request: doc.request,
    subtasks: (doc.dag?.subtasks ?? []).map((s) => ({
      id: s.id,
      goal: s.goal,
      status: doc.subtasks[s.id]?.status ?? 'pending',
      iterations: doc.subtasks[s.id]?.iteration ?? 0,
    })),
    result: doc.result ?? null,
    usage: usageOf(doc),
    duration_ms: doc.duration_ms ?? 0,
    error: doc.error ?? null,
  };
}

export function taskLine(doc: TaskDocument): string {
  return `${doc.task_id}  ${doc.status.padEnd(14)} ${formatWhen(doc.created_at).padEnd(30)} ${clip(doc.request, 200)}`;
}

export function taskStatusText(doc: TaskDocument): string {
  const lines = [`${doc.task_id}: ${doc.status} — ${JSON.stringify(clip(doc.request, 200))}`];
  for (const s of doc.dag?.subtasks ?? []) {
    const st = doc.subtasks[s.id];
    lines.push(
      `  ${s.id.padEnd(16)} ${(st?.status ?? 'pending').padEnd(15)} iteration ${st?.iteration ?? 0}  ${s.goal}`,
    );
  }
  if (doc.error) lines.push(`  ${doc.error.message}`);
  lines.push(`  ${formatUsageLine(summarizeUsage(doc.model_calls))}`);
  return lines.join('\n');
}
