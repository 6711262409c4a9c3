// office serve's HTTP API over real loopback HTTP: idempotent submission, SSE to the end and from Last-Event-ID,
// approval and denial over HTTP, cancel, auth and quotas, signed retried webhooks, /metrics through a Prometheus
// text parser, the OpenAPI document, health, and the loopback Host/Origin guard.
import { createHmac } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/auth.js';
import { client, type Json, readEventStream, type Served, serveWorkspace } from '../helpers/serve.js';
import {
  FIXTURES,
  installFixtures,
  linesOf,
  makeWorkspace,
  type TempWorkspace,
  waitFor,
} from '../helpers/workspace.js';

let ws: TempWorkspace | undefined;
let served: Served | undefined;

/** A workspace with the fixture plugins and templates, count_step allowed by a rule, the ts-shop tree in shop/. */
async function start(config: Record<string, unknown> = {}): Promise<Served & { ws: TempWorkspace }> {
  ws = await makeWorkspace('office-serve-');
  await installFixtures(ws, {
    approval: { rules: [{ tool: 'count_step', decision: 'allow' }] },
    ...config,
  });
  await cp(join(FIXTURES, 'ts-shop'), ws.path('shop'), { recursive: true });
  served = await serveWorkspace(ws.root);
  return { ...served, ws };
}

afterEach(async () => {
  await served?.server.close();
  served = undefined;
  delete process.env.OFFICE_WEBHOOK_SECRET;
  await ws?.cleanup();
  ws = undefined;
});

const TRACE = 'trace checkout to chargeCard in ./shop/src';
const finished = (v: { progress: { state: string } }) => v.progress.state === 'finished';

describe('office serve: tasks', () => {
  it('the same Idempotency-Key and body twice make one task; another body under that key is 409; a bad body is 400 naming the field', async () => {
    const { url } = await start();
    const api = client(url);
    const headers = { 'idempotency-key': 'build-42' };
    const [a, b] = await Promise.all([
      api.post('/v1/tasks', { request: TRACE }, headers),
      api.post('/v1/tasks', { request: TRACE }, headers),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.task_id).toBe(b.body.task_id);
    expect([a.body.replayed, b.body.replayed].sort()).toEqual([false, true]);
    expect(a.body.status_url).toBe(`/v1/tasks/${a.body.task_id}`);

    const conflict = await api.post('/v1/tasks', { request: 'list files' }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');

    const list = await api.get('/v1/tasks');
    expect(list.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([a.body.task_id]);

    const badType = await api.post('/v1/tasks', { request: 5 });
    expect(badType.status).toBe(400);
    expect(badType.body.error.field).toBe('request');
    const badOption = await api.post('/v1/tasks', { request: 'list files', options: { max_iterations: 0 } });
    expect(badOption.status).toBe(400);
    expect(badOption.body.error.field).toBe('options.max_iterations');
    expect((await api.post('/v1/tasks', 'not json')).status).toBe(400);

    const view = await api.until(a.body.task_id, finished, 'the trace to finish');
    expect(view.status).toBe('succeeded');
    expect(view.result.paths[0].hops.map((h: { qualified_name: string }) => h.qualified_name)).toEqual([
      'checkout',
      'OrderService.place',
      'StripeGateway.charge',
      'chargeCard',
    ]);
  });

  it('streams the loop events over SSE to task_finished, and from Last-Event-ID on only what came after', async () => {
    const { url } = await start();
    const api = client(url);
    const { body } = await api.post('/v1/tasks', { request: TRACE });
    const stream = await readEventStream(`${url}/v1/tasks/${body.task_id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    const types = stream.events.map((e) => e.event);
    expect(types[0]).toBe('task_started');
    expect(types.at(-1)).toBe('task_finished');
    expect(types).toEqual(
      expect.arrayContaining(['decomposed', 'subtask_planned', 'step_finished', 'review']),
    );
    expect(stream.events.map((e) => e.id)).toEqual(stream.events.map((_, i) => i));
    expect(stream.events.at(-1)?.data).toMatchObject({ type: 'task_finished', status: 'succeeded' });

    const resumed = await readEventStream(`${url}/v1/tasks/${body.task_id}/events`, { 'last-event-id': '3' });
    expect(resumed.events.map((e) => e.id)).toEqual(stream.events.slice(4).map((e) => e.id));
    expect(resumed.events.map((e) => e.event)).toEqual(types.slice(4));
  });

  it('a command waits for approval with its argv; approving over HTTP resumes it to success, and a denial ends a task', async () => {
    const { url } = await start();
    const api = client(url);
    const run = await api.post('/v1/tasks', { request: 'run echo approved-over-http' });
    const waiting = await api.until(
      run.body.task_id,
      (v) => v.progress.state === 'waiting',
      'the approval wait',
    );
    expect(waiting.status).toBe('needs_approval');
    expect(waiting.needs_approval).toEqual([
      expect.objectContaining({ step_id: 'run', tool: 'run_command', argv: ['echo', 'approved-over-http'] }),
    ]);
    const unknown = await api.post(`/v1/tasks/${run.body.task_id}/approvals`, {
      steps: ['nope'],
      decision: 'approve',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('steps');

    const approved = await api.post(`/v1/tasks/${run.body.task_id}/approvals`, {
      steps: ['run'],
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ resumed: true, decision: 'approve' });
    const done = await api.until(run.body.task_id, finished, 'the approved command to run');
    expect(done.status).toBe('succeeded');
    expect(JSON.stringify(done.result)).toContain('approved-over-http');
    const again = await api.post(`/v1/tasks/${run.body.task_id}/approvals`, {
      steps: ['run'],
      decision: 'approve',
    });
    expect(again.status).toBe(409);
    const doc = (await api.get(`/v1/tasks/${run.body.task_id}/document`)).body;
    expect(doc.approvals).toContainEqual(
      expect.objectContaining({ step_id: 'run', decision: 'allow', by: 'office serve (local)' }),
    );

    const other = await api.post('/v1/tasks', { request: 'run echo never' });
    await api.until(other.body.task_id, (v) => v.progress.state === 'waiting', 'the second approval wait');
    const denied = await api.post(`/v1/tasks/${other.body.task_id}/approvals`, {
      steps: ['run'],
      decision: 'deny',
    });
    expect(denied.status).toBe(200);
    const ended = await api.until(other.body.task_id, finished, 'the denied task to end');
    expect(ended.status).toBe('failed');
    expect(ended.error.code).toBe('denied');
  });

  it('cancel stops a running task after its step in flight, and the task is stored as cancelled', async () => {
    const { url, ws } = await start();
    const api = client(url);
    await ws.write('hold', '');
    const { body } = await api.post('/v1/tasks', { request: 'count to four' });
    await waitFor(async () => (await linesOf(ws, 'count.log')).length >= 2, 's2 to start');
    const cancelled = await api.post(`/v1/tasks/${body.task_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.was).toBe('running');
    const view = (await api.get(`/v1/tasks/${body.task_id}`)).body;
    expect(view.status).toBe('failed');
    expect(view.error.code).toBe('cancelled');
    expect(view.progress.state).toBe('finished');
    expect(await linesOf(ws, 'count.log')).toEqual(['s1', 's2']);
    expect((await api.post(`/v1/tasks/${body.task_id}/cancel`)).status).toBe(409);
  });
});

describe('office serve: tokens, tenants and quotas', () => {
  it("401 without or with an unknown token, 403 without the scope, 404 for another tenant's task, 429 with Retry-After past a quota", async () => {
    const tokens = [
      {
        name: 'alice',
        sha256: hashToken('alice-token'),
        scopes: ['submit', 'read'],
        quotas: { tasksPerMinute: 2 },
      },
      { name: 'bob', sha256: hashToken('bob-token'), scopes: ['read'] },
      { name: 'ops', sha256: hashToken('ops-token'), scopes: ['admin'] },
    ];
    const { url } = await start({ server: { tokens } });
    const none = await client(url).get('/v1/tasks');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await client(url, 'guess').get('/v1/tasks')).status).toBe(401);
    expect((await client(url).get('/healthz')).status).toBe(200);
    expect((await client(url).get('/metrics')).status).toBe(401);

    const bob = client(url, 'bob-token');
    const refused = await bob.post('/v1/tasks', { request: 'list files' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('submit');

    const alice = client(url, 'alice-token');
    const first = await alice.post('/v1/tasks', { request: 'list files' });
    const second = await alice.post('/v1/tasks', { request: 'list files in shop' });
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await alice.post('/v1/tasks', { request: 'list files in shop/src' });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('quota_exceeded');
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A replay of an accepted submission is not a new task and passes the quota.
    const keyed = await alice.post('/v1/tasks', { request: 'list files' }, { 'idempotency-key': 'x' });
    expect(keyed.status).toBe(429);

    expect((await bob.get(`/v1/tasks/${first.body.task_id}`)).status).toBe(404);
    expect((await bob.get('/v1/tasks')).body.tasks).toEqual([]);
    const ops = client(url, 'ops-token');
    expect((await ops.get(`/v1/tasks/${first.body.task_id}`)).status).toBe(200);
    expect((await ops.get('/v1/tasks')).body.tasks).toHaveLength(2);
    const usage = (await alice.get('/v1/usage')).body.tenants;
    expect(usage).toEqual([expect.objectContaining({ tenant: 'alice', tasks_today: 2 })]);
  });
});

describe('office serve: webhooks', () => {
  it('POSTs the outcome signed with HMAC-SHA256, retried past a receiver that fails twice, every attempt recorded', async () => {
    const received: { body: string; signature: string; attempt: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({
          body,
          signature: String(req.headers['office-signature']),
          attempt: String(req.headers['office-delivery-attempt']),
        });
        res.writeHead(received.length <= 2 ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      process.env.OFFICE_WEBHOOK_SECRET = 'whsec-test';
      const { url } = await start({ server: { webhooks: { baseDelayMs: 20, maxDelayMs: 100 } } });
      const api = client(url);
      const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const { body } = await api.post('/v1/tasks', { request: 'list files in shop', callback_url: callback });
      const view = await api.until(body.task_id, (v) => v.webhooks.length >= 3, 'three delivery attempts');
      expect(view.webhooks.map((w: { status: number }) => w.status)).toEqual([500, 500, 204]);
      expect(view.webhooks.map((w: { delivered: boolean }) => w.delivered)).toEqual([false, false, true]);
      expect(received.map((r) => r.attempt)).toEqual(['1', '2', '3']);
      for (const r of received) {
        const [t, v1] = r.signature.split(',').map((p) => p.split('=')[1]);
        const expected = createHmac('sha256', 'whsec-test').update(`${t}.${r.body}`).digest('hex');
        expect(v1).toBe(expected);
      }
      expect(JSON.parse(received[2]?.body ?? '{}')).toMatchObject({
        event: 'task.finished',
        task: { task_id: body.task_id, status: 'succeeded' },
      });
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('office serve: the Control Room and the rest', () => {
  it('/metrics parses as Prometheus text with tasks by status and tenant, phase histograms, tool runs and index times', async () => {
    const { url } = await start();
    const api = client(url);
    const { body } = await api.post('/v1/tasks', { request: TRACE });
    await api.until(body.task_id, finished, 'the trace to finish');
    const scrape = await fetch(`${url}/metrics`);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    const text = await scrape.text();
    const families = parsePrometheusTextFormat(text);
    const family = (name: string) => families.find((f) => f.name === name);
    expect(family('office_tasks')?.metrics).toContainEqual({
      labels: { status: 'succeeded', tenant: 'local' },
      value: '1',
    });
    const phases = family('office_phase_duration_seconds');
    expect(phases?.type).toBe('HISTOGRAM');
    // The parser folds a labelled histogram into one entry; its _count series, parsed alone, keep their labels.
    const countsOf = (histogram: string) =>
      parsePrometheusTextFormat(
        `${text
          .split('\n')
          .filter((l) => l.startsWith(`${histogram}_count`))
          .join('\n')}\n`,
      )[0]?.metrics ?? [];
    expect(new Set(countsOf('office_phase_duration_seconds').map((m) => m.labels?.phase))).toEqual(
      new Set(['decompose', 'plan', 'validate', 'approve', 'execute', 'review']),
    );
    expect(family('office_tool_runs_total')?.metrics).toContainEqual({
      labels: { tool: 'trace_calls', status: 'succeeded' },
      value: '1',
    });
    expect(family('office_code_index_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(countsOf('office_code_index_duration_seconds').map((m) => m.labels?.state)).toContain('cold');
    expect(family('office_queue_depth')?.metrics).toEqual([{ value: '0' }]);
    expect(family('office_approvals_waiting')?.metrics).toEqual([{ value: '0' }]);
    expect(family('office_tasks_submitted_total')?.metrics).toContainEqual({
      labels: { tenant: 'local' },
      value: '1',
    });
    expect(family('office_http_requests_total')?.metrics).toContainEqual(
      expect.objectContaining({ labels: { method: 'POST', route: '/v1/tasks', status: '202' } }),
    );
  });

  it('serves an OpenAPI 3.1 document whose schemas compile, healthz and readyz, and the page with its packages from itself', async () => {
    const { url } = await start();
    const api = client(url);
    const doc = (await api.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tasks',
        '/v1/tasks/{id}',
        '/v1/tasks/{id}/events',
        '/v1/tasks/{id}/approvals',
        '/metrics',
      ]),
    );
    const ajv = new Ajv2020({ strict: false });
    let schemas = 0;
    for (const item of Object.values(doc.paths) as Record<string, Json>[])
      for (const op of Object.values(item))
        for (const content of [
          op.requestBody?.content,
          ...Object.values(op.responses ?? {}).map((r: Json) => r.content),
        ])
          for (const media of Object.values(content ?? {}) as { schema?: object }[])
            if (media.schema) {
              ajv.compile(media.schema);
              schemas++;
            }
    expect(schemas).toBeGreaterThan(10);
    const submit = doc.paths['/v1/tasks'].post.requestBody.content['application/json'].schema;
    expect(ajv.validate(submit, { request: 'x', options: { max_iterations: 2 } })).toBe(true);
    expect(ajv.validate(submit, { request: 'x', extra: 1 })).toBe(false);

    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).body).toMatchObject({ status: 'ready' });

    const page = await fetch(`${url}/`);
    const html = await page.text();
    expect(html).toContain('"preact": "/assets/vendor/preact.mjs"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [
      '/assets/app.js',
      '/assets/vendor/preact.mjs',
      '/assets/vendor/preact-hooks.mjs',
      '/assets/vendor/htm.mjs',
    ]) {
      const answer = await fetch(`${url}${asset}`);
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get('content-type')).toContain('javascript');
    }
  });

  it('bound to loopback, it refuses a request whose Host or Origin is not loopback', async () => {
    const { url } = await start();
    const { port } = new URL(url);
    const statusWith = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/tasks', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await statusWith({ host: `127.0.0.1:${port}` })).toBe(200);
    expect(await statusWith({ host: 'rebound.example:80' })).toBe(403);
    expect(await statusWith({ host: `127.0.0.1:${port}`, origin: 'https://evil.example' })).toBe(403);
  });
});
