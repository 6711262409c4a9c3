// Receptionist's API ("Receptionist"): the /v1 routes. Each checks the caller's scope, parses its input with the
// zod schemas (a bad body is a 400 naming the field), asks the front desk, and answers JSON or Server-Sent Events.
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import { approvalBodySchema, submitTaskBodySchema, taskListQuerySchema } from '../schemas/server-api.js';
import type { TokenScope } from '../schemas/server-config.js';
import { traceResultSchema } from '../code/service.js';
import { traceDiagramSvg } from '../report/trace-diagram.js';
import { taskReportHtml } from '../report/task-report.js';
import { authorize, type Principal } from './auth.js';
import { FrontDesk } from './desk.js';
import type { EventHub, NumberedEvent } from './event-hub.js';
import { BadRequest, Forbidden } from './http-errors.js';

export type ServerEnv = { Variables: { principal: Principal } };

/** The caller, once it holds `scope`. */
function caller(c: Context<ServerEnv>, scope: TokenScope): Principal {
  const outcome = authorize(c.get('principal'), scope);
  if (outcome.type === 'refuse') throw new Forbidden(outcome.message);
  return outcome.principal;
}

/** Parses `value` with `schema`; a failure names the first field at fault. */
export function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new BadRequest(`${what}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, field);
}

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.length > 1_000_000) throw new BadRequest('the request body is over 1 MB');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('the request body is not JSON');
  }
}

/** The trace result of a task, when the task traced something (its only subtask, or any subtask's). */
function traceOf(result: unknown): z.infer<typeof traceResultSchema> | undefined {
  const direct = traceResultSchema.safeParse(result);
  if (direct.success) return direct.data;
  if (result && typeof result === 'object')
    for (const value of Object.values(result)) {
      const inner = traceResultSchema.safeParse(value);
      if (inner.success) return inner.data;
    }
  return undefined;
}

export function taskRoutes(
  app: Hono<ServerEnv>,
  desk: FrontDesk,
  hub: EventHub,
  stopping: AbortSignal,
): void {
  app.post('/v1/tasks', async (c) => {
    const principal = caller(c, 'submit');
    const body = parsed(submitTaskBodySchema, await jsonBody(c), 'body');
    const key = c.req.header('idempotency-key');
    const { taskId, replayed } = await desk.submit(principal, body, key);
    return c.json(
      {
        task_id: taskId,
        status_url: `/v1/tasks/${taskId}`,
        events_url: `/v1/tasks/${taskId}/events`,
        replayed,
      },
      202,
      { location: `/v1/tasks/${taskId}` },
    );
  });

  app.get('/v1/tasks', (c) => {
    const principal = caller(c, 'read');
    const query = parsed(taskListQuerySchema, c.req.query(), 'query');
    return c.json(desk.list(principal, query));
  });

  app.get('/v1/tasks/:id', async (c) => c.json(await desk.view(caller(c, 'read'), c.req.param('id'))));

  app.get('/v1/tasks/:id/document', async (c) =>
    c.json(await desk.document(caller(c, 'read'), c.req.param('id'))),
  );

  app.get('/v1/tasks/:id/diagram.svg', async (c) => {
    const doc = await desk.document(caller(c, 'read'), c.req.param('id'));
    const trace = traceOf(doc.result);
    if (!trace)
      throw new BadRequest(`task ${doc.task_id} has no call path to draw (it is not a finished trace)`);
    return c.body(traceDiagramSvg(trace), 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
  });

  app.get('/v1/tasks/:id/report', async (c) => {
    const principal = caller(c, 'read');
    const doc = await desk.document(principal, c.req.param('id'));
    const view = desk.viewOf(doc);
    return c.html(taskReportHtml(doc, view.needs_approval, traceOf(doc.result)));
  });

  app.post('/v1/tasks/:id/approvals', async (c) => {
    const principal = caller(c, 'approve');
    const body = parsed(approvalBodySchema, await jsonBody(c), 'body');
    return c.json(await desk.approve(principal, c.req.param('id'), body));
  });

  app.post('/v1/tasks/:id/cancel', async (c) =>
    c.json(await desk.cancel(caller(c, 'submit'), c.req.param('id'))),
  );

  app.get('/v1/tasks/:id/events', async (c) => {
    const principal = caller(c, 'read');
    const header = c.req.header('last-event-id') ?? c.req.query('last_event_id');
    const lastId = header === undefined || header === '' ? -1 : Number(header);
    if (!Number.isInteger(lastId) || lastId < -1)
      throw new BadRequest('Last-Event-ID is the number of an event this stream sent', 'Last-Event-ID');
    // Listen before reading what is stored, so nothing emitted in between is lost; numbers drop duplicates.
    const buffered: NumberedEvent[] = [];
    let deliver: ((e: NumberedEvent) => void) | undefined;
    const id = c.req.param('id');
    const probe = await desk.storedEvents(principal, id);
    const unsubscribe = hub.subscribe(probe.taskId, (e) => (deliver ? deliver(e) : buffered.push(e)));
    let settle: (() => void) | undefined;
    let settledEarly = false;
    const unsettle = hub.onSettled(probe.taskId, () => {
      if (settle) settle();
      else settledEarly = true;
    });
    return streamSSE(c, async (stream) => {
      let sent = lastId;
      let ended = false;
      const done = new Promise<void>((resolve) => {
        const finish = () => {
          ended = true;
          resolve();
        };
        stream.onAbort(finish);
        stopping.addEventListener('abort', finish, { once: true });
        const send = async (e: NumberedEvent): Promise<void> => {
          if (e.id <= sent || ended) return;
          sent = e.id;
          await stream.writeSSE({ id: String(e.id), event: e.event.type, data: JSON.stringify(e.event) });
          if (FrontDesk.endsRun(e.event.type)) finish();
        };
        void (async () => {
          const stored = await desk.storedEvents(principal, id);
          for (const [i, event] of stored.events.entries()) await send({ id: i, event });
          // Events that arrive while the buffer is being sent join it; the live feed takes over once it is empty.
          for (let e = buffered.shift(); e; e = buffered.shift()) await send(e);
          deliver = (e) => void send(e);
          // When the run ends, what it emitted is all stored: send whatever this stream has not seen, and end.
          settle = () =>
            void desk
              .storedEvents(principal, id)
              .then(async (after) => {
                for (const [i, event] of after.events.entries()) await send({ id: i, event });
              })
              .finally(finish);
          // A task with no run queued or under way has nothing more to say until someone acts on it.
          if (settledEarly || !desk.isLive(stored.taskId)) settle();
        })().catch(finish);
      });
      const ping = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => undefined), 15_000);
      try {
        await done;
      } finally {
        clearInterval(ping);
        unsubscribe();
        unsettle();
      }
    });
  });
}
