// Office Manager ("Office Manager"): runs a task's subtask DAG to its end, or to the point where a person must act,
// storing every transition so a crash loses nothing and `office resume` carries on.
import { Interrupted, OfficeError } from '../errors.js';
import type { TaskDocument, TaskStatus } from '../schemas/task.js';
import { subtaskOrder } from './decompose.js';
import type { OfficeDeps, RunOptions } from './deps.js';
import { runSubtask } from './subtask-loop.js';
import { TaskSession } from './task-session.js';

export type { OfficeDeps, RunOptions } from './deps.js';
export { newTaskDocument } from './task-session.js';

/**
 * What office says when nothing understood a request: a short list of what it understands with no model, and how
 * to have a model take other requests. One line per item, so that it reads in a terminal and a CI log.
 */
export function notUnderstoodMessage(
  request: string,
  phrasings: readonly string[],
  models: { readonly modelsEnabled: boolean; readonly offline: boolean },
): string {
  const shown = request.length > 120 ? `${request.slice(0, 120)}…` : request;
  const why = models.offline
    ? '--offline: no model was asked'
    : models.modelsEnabled
      ? 'no model could decompose it'
      : 'no model is reachable';
  const enable = models.offline
    ? 'Run it without --offline to let a model take it (`office doctor` shows which models are usable).'
    : 'To have a model take other requests: start Ollama and pull a model (`ollama pull qwen2.5-coder:7b`),\n' +
      'or set OPENAI_API_KEY or GEMINI_API_KEY; `office doctor` shows what is usable.';
  return [
    `office did not understand "${shown}" with its templates (${why}).`,
    'Requests it understands with no model:',
    ...phrasings.map((p) => `  - ${p}`),
    enable,
  ].join('\n');
}

/** Runs (or resumes) a task to its end, or to the point where a person must act. Never throws for task failures. */
export async function runTask(
  deps: OfficeDeps,
  taskId: string,
  options: RunOptions & { resumed?: boolean } = {},
): Promise<TaskDocument> {
  const release = await deps.store.acquireRun(taskId);
  const already = await deps.store.read(taskId).catch(async (err) => {
    await release();
    throw err;
  });
  if (already.status === 'succeeded') {
    await release();
    return already;
  }
  const session = new TaskSession(deps, taskId);
  const unlisten = deps.feed?.listen((activity) => {
    if (activity.type === 'call') session.recordModelCall(activity.call);
    else session.emit({ type: 'fallback', task_id: taskId, role: activity.role, reason: activity.reason });
  });
  const started = Date.now();
  let status: TaskStatus = 'failed';
  let doc = already;
  try {
    session.emit({
      type: 'task_started',
      task_id: taskId,
      request: doc.request,
      resumed: options.resumed ?? false,
    });
    doc = await session.update((d) => {
      d.status = 'running';
      delete d.error;
      delete d.finished_at;
    });

    if (!doc.dag) {
      const decomposition = await deps.decompose(doc.request, { cwd: doc.options.cwd });
      if (!decomposition) {
        status = 'failed';
        const message = notUnderstoodMessage(doc.request, deps.phrasings, {
          modelsEnabled: deps.services.models.enabled,
          offline: doc.options.offline,
        });
        doc = await session.update((d) => {
          d.error = { code: 'not_understood', message };
        });
        return doc;
      }
      const { dag, by } = decomposition;
      session.emit({
        type: 'decomposed',
        task_id: taskId,
        by,
        subtasks: dag.subtasks.map((s) => ({ id: s.id, goal: s.goal, dependencies: s.dependencies })),
      });
      doc = await session.update((d) => {
        d.dag = dag;
        d.subtasks = Object.fromEntries(
          dag.subtasks.map((s) => [
            s.id,
            { status: 'pending' as const, iteration: 0, iteration_base: 0, scratchpad: [] },
          ]),
        );
      });
    }
    const dag = doc.dag;
    if (!dag) throw new OfficeError(`task ${taskId} lost its subtask DAG`);
    if (options.resumed) {
      session.emit({
        type: 'decomposed',
        task_id: taskId,
        by: 'stored (resumed)',
        subtasks: dag.subtasks.map((s) => ({ id: s.id, goal: s.goal, dependencies: s.dependencies })),
      });
    }
    const order = subtaskOrder(dag) ?? [];
    for (const id of order) {
      const subtask = dag.subtasks.find((s) => s.id === id);
      if (!subtask) continue;
      const outcome = await runSubtask(session, subtask, options);
      if (outcome !== 'succeeded') {
        status = outcome;
        return doc;
      }
    }
    status = 'succeeded';
    return doc;
  } catch (err) {
    if (err instanceof Interrupted || deps.signal.aborted) {
      status = 'interrupted';
    } else {
      status = 'failed';
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof OfficeError ? err.code : 'internal';
      session.emit({ type: 'progress', task_id: taskId, step_id: '-', message: `error: ${message}` });
      await session
        .update((d) => {
          d.error = { code, message };
        })
        .catch(() => undefined);
    }
    return doc;
  } finally {
    const finalStatus = status;
    const duration = Date.now() - started;
    try {
      const finished = await session.update((d) => {
        d.status = finalStatus;
        d.finished_at = new Date().toISOString();
        d.duration_ms = (d.duration_ms ?? 0) + duration;
        if (finalStatus === 'succeeded') {
          delete d.error;
          const ids = d.dag?.subtasks.map((s) => s.id) ?? [];
          d.result =
            ids.length === 1 && ids[0]
              ? d.subtasks[ids[0]]?.result
              : Object.fromEntries(ids.map((id) => [id, d.subtasks[id]?.result]));
        }
        if (finalStatus === 'interrupted')
          d.error = {
            code: 'interrupted',
            message: `interrupted; continue with \`office resume ${taskId}\``,
          };
      });
      session.emit({
        type: 'task_finished',
        task_id: taskId,
        status: finalStatus,
        duration_ms: duration,
        ...(finished.error ? { message: finished.error.message } : {}),
      });
      await session.update();
    } finally {
      unlisten?.();
      await release();
    }
  }
}
