// Handing a stored task to the workers ("Office Manager"'s in-tray): its priority is stored with the task, so that
// a task queued again (after an approval) keeps its place in line.
import { DEFAULT_PRIORITY, prioritySchema } from '../schemas/backends.js';
import type { TaskDocument } from '../schemas/task.js';

/** The queue priority stored in a task's options (1 runs first), or the default. */
export function priorityOf(doc: TaskDocument): number {
  const parsed = prioritySchema.safeParse((doc.options as Record<string, unknown>).priority);
  return parsed.success ? parsed.data : DEFAULT_PRIORITY;
}

/** Task statuses after which a job of the task has ended for good (needs_approval waits for a person). */
export function isSettled(doc: TaskDocument): boolean {
  return doc.status !== 'running' && doc.status !== 'interrupted';
}
