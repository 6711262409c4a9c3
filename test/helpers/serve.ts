// Test helper: `office serve` in the test's own process on a free loopback port (real HTTP, real loop and store over
// a temp workspace), a small JSON client, and a Server-Sent Events reader that returns what the stream sent.
import { openWorkspace, type Workspace } from '../../src/cli/wiring.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import type { SandboxMode } from '../../src/tools/sandbox.js';
import { waitFor } from './workspace.js';

export interface Served {
  readonly url: string;
  readonly server: RunningServer;
  /** What the server logged (warnings, errors). */
  readonly log: string[];
  /** The workspace it serves (close it after the server when it holds a PostgreSQL store). */
  readonly workspace: Workspace;
}

export async function serveWorkspace(
  root: string,
  options: { sandboxMode?: SandboxMode; offline?: boolean; store?: string; queue?: string } = {},
): Promise<Served> {
  const ws = await openWorkspace(root, {
    ...(options.store !== undefined ? { store: options.store } : {}),
    ...(options.queue !== undefined ? { queue: options.queue } : {}),
  });
  const log: string[] = [];
  const server = await startServer({
    ws,
    host: '127.0.0.1',
    port: 0,
    offline: options.offline ?? true,
    log: (line) => log.push(line),
    sandboxMode: options.sandboxMode ?? 'process',
  });
  return { url: server.url, server, log, workspace: ws };
}

/** A response body: its shape is what the test's assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely and assert on what they find
export type Json = any;

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json;
}

/** A JSON client for one server and (optionally) one bearer token. */
export function client(url: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, body: parsed as Json } satisfies Answer;
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body ?? {}, headers),
    /** Polls GET /v1/tasks/:id until `done` holds for the view. */
    until: (taskId: string, done: (view: Json) => boolean, what: string, timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const answer = await call('GET', `/v1/tasks/${taskId}`);
          return answer.status === 200 && done(answer.body) ? answer.body : undefined;
        },
        what,
        timeoutMs,
      ),
  };
}

export interface SseEvent {
  readonly id: number;
  readonly event: string;
  readonly data: Json;
}

/** Reads an event stream to its end (the server ends it after a run's last event); fails after `timeoutMs`. */
export async function readEventStream(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ status: number; contentType: string | null; events: SseEvent[] }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
    }
    if (fields.data !== undefined)
      events.push({ id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) });
  }
  return { status: response.status, contentType: response.headers.get('content-type'), events };
}
