// `office report <task>` and the API's /v1/tasks/:id/report (the "Control Room"'s printout of one task): status,
// subtasks, plans with their steps and results, approvals with what would run, cost, and for a trace the call path
// diagram — one self-contained HTML file.
import type { TraceResult } from '../code/service.js';
import { taskResultJson } from '../cli/task-view.js';
import type { PendingStep } from '../schemas/mcp.js';
import type { TaskDocument } from '../schemas/task.js';
import { clip, escapeXml } from './markup.js';
import { htmlPage } from './page.js';
import { traceSection } from './trace-report.js';

const e = escapeXml;

function approvalsTable(doc: TaskDocument): string {
  const shown = doc.approvals.filter((a) => a.decision !== 'allow' || a.risk !== 'read');
  if (shown.length === 0) return '<p class="muted">nothing needed a person</p>';
  const rows = shown.map(
    (a) =>
      `<tr><td class="mono">${e(a.plan_id)}/${e(a.step_id)}</td><td>${e(a.tool)} (${e(a.risk)})</td>` +
      `<td class="mono">${a.command ? e(JSON.stringify(a.command)) : a.paths ? e(a.paths.map((p) => `${p.access} ${p.path}`).join(', ')) : ''}</td>` +
      `<td class="status ${a.decision === 'allow' ? 'succeeded' : a.decision === 'deny' ? 'failed' : 'needs_approval'}">${e(a.decision)}</td>` +
      `<td>${e(a.by)}: ${e(a.reason)}</td></tr>`,
  );
  return `<table><thead><tr><th>step</th><th>tool</th><th>runs (argv) / touches</th><th>decision</th><th>by, why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function plansSection(doc: TaskDocument): string {
  return doc.plans
    .map((p) => {
      const v = doc.validations.find((x) => x.plan_id === p.plan.plan_id);
      const r = doc.reviews.find((x) => x.plan_id === p.plan.plan_id);
      const steps = p.plan.steps.map((s) => {
        const result = doc.steps[s.idempotency_key];
        const output = result?.output === undefined ? '' : clip(JSON.stringify(result.output), 300);
        return (
          `<tr><td class="mono">${e(s.step_id)}</td><td>${e(s.action)}</td><td class="mono">${e(clip(JSON.stringify(s.inputs), 160))}</td>` +
          `<td class="status ${e(result?.status ?? '')}">${e(result?.status ?? 'not run')}</td>` +
          `<td class="mono">${e(result?.error ?? output)}</td></tr>`
        );
      });
      return (
        `<h3>plan ${e(p.plan.plan_id)} <span class="muted">(${e(p.subtask_id)}, iteration ${p.iteration}, by ${e(p.by)}; ${v?.ok ? 'valid' : 'rejected'}${r ? `; review ${e(r.review.verdict)}: ${e(r.review.summary)}` : ''})</span></h3>` +
        `<table><thead><tr><th>step</th><th>tool</th><th>inputs</th><th>status</th><th>result</th></tr></thead><tbody>${steps.join('')}</tbody></table>`
      );
    })
    .join('');
}

export function taskReportHtml(
  doc: TaskDocument,
  pending: readonly PendingStep[],
  trace: TraceResult | undefined,
): string {
  const summary = taskResultJson(doc);
  const u = summary.usage;
  const subtasks = summary.subtasks
    .map(
      (s) =>
        `<tr><td class="mono">${e(s.id)}</td><td>${e(s.goal)}</td><td class="status ${e(s.status)}">${e(s.status)}</td><td>${s.iterations}</td></tr>`,
    )
    .join('');
  const waiting = pending
    .map(
      (p) =>
        `<li><code>${e(p.step_id)}</code> ${e(p.tool)} (${e(p.risk)}): ${p.argv ? `<code>${e(JSON.stringify(p.argv))}</code>` : `<code>${e(JSON.stringify(p.inputs))}</code>`} — ${e(p.reason)}</li>`,
    )
    .join('');
  return htmlPage(
    `office task ${doc.task_id}`,
    `<h1>office task <code>${e(doc.task_id)}</code></h1>` +
      `<p>${e(doc.request)}</p>` +
      `<p>status <span class="status ${e(doc.status)}">${e(doc.status)}</span> · created ${e(doc.created_at)}` +
      `${doc.duration_ms !== undefined ? ` · ${doc.duration_ms} ms` : ''}</p>` +
      (doc.error ? `<p class="failed">${e(doc.error.code)}: ${e(doc.error.message)}</p>` : '') +
      (waiting ? `<h2>waiting for approval</h2><ul>${waiting}</ul>` : '') +
      (trace ? `<h2>call path</h2>${traceSection(trace)}` : '') +
      `<h2>subtasks</h2><table><thead><tr><th>id</th><th>goal</th><th>status</th><th>plans</th></tr></thead><tbody>${subtasks}</tbody></table>` +
      `<h2>plans and steps</h2>${plansSection(doc)}` +
      `<h2>approvals</h2>${approvalsTable(doc)}` +
      `<h2>cost</h2><p>${u.model_calls} model call${u.model_calls === 1 ? '' : 's'} (${u.cache_hits} cached), ${u.tokens_in} tokens in / ${u.tokens_out} out, $${u.cost_usd}</p>` +
      (trace
        ? ''
        : `<h2>result</h2><pre>${e(clip(JSON.stringify(doc.result ?? null, null, 2), 20_000))}</pre>`),
  );
}
