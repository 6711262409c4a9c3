// `office serve` ("Receptionist" + "Control Room"): starts the HTTP API, the web page, /metrics and (when
// configured) OpenTelemetry traces over one workspace; on stop, takes nothing new, checkpoints running tasks and
// closes. Tasks a stopped server left unfinished are queued again when it starts.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { ApprovalMode } from '../cli/safety.js';
import type { Workspace } from '../cli/wiring.js';
import { officeEnv } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { isLoopbackHost } from '../mcp/http.js';
import { createMetrics } from '../telemetry/metrics.js';
import { openTracing } from '../telemetry/tracing.js';
import type { SandboxMode } from '../tools/sandbox.js';
import { createApp } from './app.js';
import { tokenTable } from './auth.js';
import { FrontDesk } from './desk.js';
import { EventHub } from './event-hub.js';
import { openServerLoop } from './loop.js';
import { TenantLedger } from './quotas.js';

export interface ServeOptions {
  readonly ws: Workspace;
  readonly host: string;
  readonly port: number;
  readonly approvalMode?: ApprovalMode;
  readonly sandboxMode?: SandboxMode;
  readonly offline: boolean;
  /** One line for the operator (stderr). */
  readonly log: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly tokens: number;
  readonly tracing: string | undefined;
  /** Task ids queued again at start (left unfinished by a server that stopped). */
  readonly resumed: readonly string[];
  /** Stops taking work, checkpoints running tasks, closes every connection. */
  close(): Promise<void>;
}

/**
 * Refuses an address other than loopback when no token is configured: anyone who reaches the port could run
 * commands in the workspace. Pure: host and token count in, the error or nothing out.
 */
export function exposureProblem(host: string, tokens: number): ConfigError | undefined {
  if (isLoopbackHost(host) || tokens > 0) return undefined;
  return new ConfigError(
    `office serve will not listen on ${host} without a token: anyone who reaches it could run tasks in this ` +
      'workspace. Add one (`office serve --new-token NAME` prints it and its server.tokens entry) or set ' +
      'OFFICE_SERVE_TOKEN, or listen on 127.0.0.1.',
  );
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const env = officeEnv();
  const settings = o.ws.config.server;
  const tokens = tokenTable(settings.tokens, env.OFFICE_SERVE_TOKEN);
  const exposure = exposureProblem(o.host, tokens.length);
  if (exposure) throw exposure;
  const webhookSecret = env.OFFICE_WEBHOOK_SECRET?.trim() || undefined;
  if (settings.webhooks.url && !webhookSecret)
    throw new ConfigError(
      'server.webhooks.url is set but OFFICE_WEBHOOK_SECRET is not: webhooks are always signed; set the secret ' +
        '(receivers check the office-signature header with it)',
    );

  const tracing = await openTracing(o.ws.config.telemetry, env, { 'service.instance.id': randomUUID() });
  const hub = new EventHub();
  const ledger = new TenantLedger();
  const stopping = new AbortController();
  let state: 'starting' | 'ready' | 'draining' = 'starting';
  let desk: FrontDesk | undefined;
  const metrics = createMetrics({
    tasksByStatusAndTenant: () => desk?.tasksByStatusAndTenant() ?? [],
    approvalsWaiting: () => desk?.approvalsWaiting() ?? 0,
    queueDepth: () => desk?.queuedCount ?? 0,
    running: () => desk?.activeCount ?? 0,
  });
  const loop = await openServerLoop(o.ws, {
    offline: o.offline,
    onWarning: (m) => o.log(`warning: ${m}`),
    onIndex: (warm, stats) => metrics.codeIndex(warm, stats.cache, stats.index_ms / 1000),
    ...(o.approvalMode ? { approvalMode: o.approvalMode } : {}),
    ...(o.sandboxMode ? { sandboxMode: o.sandboxMode } : {}),
  });
  // With a queue configured, tasks go to `office worker`s; this process only takes them in and watches them.
  const taskQueue = o.ws.config.queue
    ? (await import('../queue/task-queue.js')).openTaskQueue(o.ws.config.queue, o.ws.config.worker)
    : undefined;
  try {
    desk = await FrontDesk.open({
      ws: o.ws,
      ...(taskQueue ? { taskQueue } : {}),
      loop,
      hub,
      ledger,
      metrics,
      ...(tracing ? { tracing } : {}),
      settings,
      ...(webhookSecret ? { webhookSecret } : {}),
      onWarning: (m) => o.log(`warning: ${m}`),
    });
  } catch (err) {
    await loop.close();
    await taskQueue?.close();
    throw err;
  }
  const front = desk;
  const app = createApp({
    desk: front,
    hub,
    ledger,
    metrics,
    tokens,
    loopbackOnly: isLoopbackHost(o.host),
    stopping: stopping.signal,
    readiness: () => state,
    running: () => ({ running: front.activeCount, queued: front.queuedCount }),
    onError: (m) => o.log(`error: ${m}`),
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await loop.close();
    await tracing?.shutdown();
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'EADDRINUSE'
        ? `port ${o.port} on ${o.host} is in use; choose another with --port (0: any free port)`
        : `cannot listen on ${o.host}:${o.port}: ${(err as Error).message}`,
    );
  }
  const { port } = server.address() as AddressInfo;
  const resumed = await front.resumeUnfinished();
  state = 'ready';
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    tokens: tokens.length,
    tracing: tracing?.endpoint,
    resumed,
    close() {
      closing ??= (async () => {
        state = 'draining';
        // New connections are refused from here; requests under way are answered (submissions with 503).
        server.close();
        await front.stop();
        stopping.abort();
        if ('closeAllConnections' in server) server.closeAllConnections();
        await loop.close();
        await tracing?.shutdown();
      })();
      return closing;
    },
  };
}
