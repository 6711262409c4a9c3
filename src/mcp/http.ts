// `office mcp --http PORT` ("Receptionist"): the MCP server over Streamable HTTP on node:http, one session per
// client, loopback by default, and Host/Origin checked so a web page cannot reach it through DNS rebinding.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

export const MCP_PATH = '/mcp';
/** The largest request body read (the SDK's own default bound). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header or an Origin URL, without the port; undefined when it cannot be read. */
function hostnameOf(value: string, isOrigin: boolean): string | undefined {
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a request may reach a server bound to loopback: its Host must be a loopback name, and so must its
 * Origin when a browser sent one. Pure: the headers in, a refusal reason or null out.
 */
export function loopbackRefusal(headers: { host?: string; origin?: string }): string | null {
  const host = headers.host === undefined ? undefined : hostnameOf(headers.host, false);
  if (host === undefined || !isLoopbackHost(host))
    return `Host ${headers.host ?? '(none)'} is not a loopback name`;
  if (headers.origin !== undefined && headers.origin !== 'null') {
    const origin = hostnameOf(headers.origin, true);
    if (origin === undefined || !isLoopbackHost(origin))
      return `Origin ${headers.origin} is not a loopback origin`;
  }
  return null;
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<{ body?: unknown; error?: [number, string] }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { error: [413, `request body over ${MAX_BODY_BYTES} bytes`] };
    chunks.push(chunk as Buffer);
  }
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { error: [400, 'the request body is not JSON'] };
  }
}

export interface HttpFrontDoor {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `makeServer()` per session at http://host:port/mcp until `close`. */
export async function serveOverHttp(options: {
  host: string;
  port: number;
  makeServer: () => McpServer;
  onError: (message: string) => void;
}): Promise<HttpFrontDoor> {
  const checkHost = isLoopbackHost(options.host);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== MCP_PATH) return reply(res, 404, `office serves MCP at ${MCP_PATH}`);
    if (checkHost) {
      const refusal = loopbackRefusal({
        ...(req.headers.host !== undefined ? { host: req.headers.host } : {}),
        ...(req.headers.origin !== undefined ? { origin: req.headers.origin } : {}),
      });
      if (refusal) return reply(res, 403, refusal);
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method !== 'POST') {
      if (!existing) return reply(res, 400, 'no valid mcp-session-id header');
      return existing.transport.handleRequest(req, res);
    }
    const { body, error } = await readJson(req);
    if (error) return reply(res, error[0], error[1]);
    if (existing) return existing.transport.handleRequest(req, res, body);
    if (sessionId !== undefined) return reply(res, 404, 'unknown session; initialize again');
    if (!isInitializeRequest(body)) return reply(res, 400, 'the first request of a session is initialize');

    const server = options.makeServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.onError(err instanceof Error ? err.message : String(err));
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}${MCP_PATH}`,
    async close() {
      for (const { transport, server } of sessions.values()) {
        await transport.close().catch(() => undefined);
        await server.close().catch(() => undefined);
      }
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
