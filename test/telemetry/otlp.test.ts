// OpenTelemetry traces over OTLP/HTTP, received by a loopback OTLP receiver this test starts: `office run` sends one
// trace per run (task → decomposition and subtask → phases → tool runs and model calls, each with the task id);
// `office serve` sends the same shape for the tasks it runs; with nothing configured, nothing is sent.
import { cp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  OLLAMA_ONLY_TIERS,
  ollamaOnlyEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import { client, serveWorkspace } from '../helpers/serve.js';
import {
  FIXTURES,
  makeWorkspace,
  runOffice,
  type TempWorkspace,
  waitFor,
  writeConfig,
} from '../helpers/workspace.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A loopback OTLP/HTTP receiver: collects the spans of every JSON export POSTed to /v1/traces. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && String(req.headers['content-type']).includes('json')) {
        const data = JSON.parse(body);
        for (const rs of data.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                attributes: Object.fromEntries(
                  (s.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [
                    a.key,
                    Object.values(a.value)[0],
                  ]),
                ),
              });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans, server };
}

let ws: TempWorkspace;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let ollama: FakeProvider | undefined;
beforeEach(async () => {
  ws = await makeWorkspace('office-otlp-');
  await cp(join(FIXTURES, 'ts-shop'), ws.path('shop'), { recursive: true });
  receiver = await startReceiver();
});
afterEach(async () => {
  await ollama?.close();
  ollama = undefined;
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
  await ws.cleanup();
});

/** The parent chain of a span, by name, up to the root. */
function ancestry(spans: readonly ReceivedSpan[], span: ReceivedSpan): string[] {
  const chain: string[] = [];
  let current: ReceivedSpan | undefined = span;
  while (current?.parentSpanId) {
    const parentId: string = current.parentSpanId;
    current = spans.find((s) => s.spanId === parentId);
    chain.push(current?.name ?? `missing parent ${parentId}`);
  }
  return chain;
}

const TRACE = 'trace checkout to chargeCard in ./shop/src';

describe('OpenTelemetry traces', () => {
  it('office run sends one trace: task, then decomposition and subtask, then phases, then tool runs; every span names the task', async () => {
    const run = await runOffice(['run', '--json', '--offline', TRACE, '--dir', ws.root], {
      cwd: ws.root,
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url },
    });
    expect(run.code, run.stderr).toBe(0);
    const taskId = JSON.parse(run.stdout).task_id;
    const spans = receiver.spans;
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(['office.task']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    for (const s of spans) expect(s.attributes['office.task_id'], s.name).toBe(taskId);

    const byName = (name: string) => spans.filter((s) => s.name === name);
    expect(ancestry(spans, byName('office.decompose')[0]!)).toEqual(['office.task']);
    expect(ancestry(spans, byName('office.subtask trace')[0]!)).toEqual(['office.task']);
    for (const phase of ['plan', 'validate', 'approve', 'execute', 'review'])
      expect(ancestry(spans, byName(`office.${phase}`)[0]!), phase).toEqual([
        'office.subtask trace',
        'office.task',
      ]);
    for (const tool of ['index_code', 'trace_calls'])
      expect(ancestry(spans, byName(`office.tool ${tool}`)[0]!), tool).toEqual([
        'office.execute',
        'office.subtask trace',
        'office.task',
      ]);
  });

  it('a model call is a span under the phase that made it', async () => {
    ollama = await startFakeProvider('ollama', { chat: [reply('not json {'), reply('still not json')] });
    await writeConfig(ws, { models: { tiers: OLLAMA_ONLY_TIERS } });
    const run = await runOffice(['run', '--json', 'explain what the shop does', '--dir', ws.root], {
      cwd: ws.root,
      env: {
        ...ollamaOnlyEnv(ollama),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace(/\/v1\/traces$/, ''),
      },
    });
    expect(run.code).toBe(1);
    const calls = receiver.spans.filter((s) => s.name === 'office.model ollama:mid');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(ancestry(receiver.spans, call)).toEqual(['office.decompose', 'office.task']);
      expect(call.attributes).toMatchObject({ 'office.role': 'decompose', 'office.provider': 'ollama' });
    }
  });

  it('office serve sends the same shape for the tasks it runs, and nothing is sent when no endpoint is configured', async () => {
    const quiet = await runOffice(['run', '--json', '--offline', 'list files in shop', '--dir', ws.root], {
      cwd: ws.root,
    });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(receiver.spans).toEqual([]);

    await writeConfig(ws, { telemetry: { otlp: { endpoint: receiver.url, serviceName: 'office-test' } } });
    const served = await serveWorkspace(ws.root);
    try {
      const api = client(served.url);
      const { body } = await api.post('/v1/tasks', { request: TRACE });
      await api.until(body.task_id, (v) => v.progress.state === 'finished', 'the trace to finish');
    } finally {
      // Stopping flushes the exporter.
      await served.server.close();
    }
    await waitFor(() => receiver.spans.some((s) => s.name === 'office.task'), 'the task span');
    const task = receiver.spans.find((s) => s.name === 'office.task');
    expect(task?.attributes).toMatchObject({ 'office.status': 'succeeded', 'office.request': TRACE });
    const tool = receiver.spans.find((s) => s.name === 'office.tool trace_calls');
    expect(ancestry(receiver.spans, tool!)).toEqual([
      'office.execute',
      'office.subtask trace',
      'office.task',
    ]);
  });
});
