// Receptionist's building ("Receptionist"): the Hono app — loopback Host/Origin check, bearer authentication,
// request metrics, health, metrics, the OpenAPI document, the web page, the /v1 API — and the one place errors
// become HTTP answers.
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { loopbackRefusal } from '../mcp/http.js';
import type { TokenEntry } from '../schemas/server-config.js';
import type { ErrorBody } from '../schemas/server-api.js';
import { OfficeError } from '../errors.js';
import type { OfficeMetrics } from '../telemetry/metrics.js';
import { authenticate, authorize, mayTouch } from './auth.js';
import type { FrontDesk } from './desk.js';
import type { EventHub } from './event-hub.js';
import { BadRequest, httpStatusOf, QuotaExceeded } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import type { TenantLedger } from './quotas.js';
import { assetReader } from './static.js';
import { type ServerEnv, taskRoutes } from './tasks-routes.js';

export interface AppParts {
  readonly desk: FrontDesk;
  readonly hub: EventHub;
  readonly ledger: TenantLedger;
  readonly metrics: OfficeMetrics;
  readonly tokens: readonly TokenEntry[];
  /** Bound to loopback: refuse requests whose Host or Origin is not loopback (DNS rebinding, other sites). */
  readonly loopbackOnly: boolean;
  readonly stopping: AbortSignal;
  readonly readiness: () => 'starting' | 'ready' | 'draining';
  readonly running: () => { running: number; queued: number };
  readonly onError: (message: string) => void;
}

const PUBLIC = new Set(['/healthz', '/readyz', '/openapi.json', '/']);

function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

export function createApp(parts: AppParts): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const assets = assetReader();
  const openapi = JSON.stringify(openApiDocument());

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = routePath(c, -1) || 'unmatched';
    parts.metrics.httpRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  });

  app.use('*', async (c, next) => {
    if (parts.loopbackOnly) {
      const host = c.req.header('host');
      const origin = c.req.header('origin');
      const refusal = loopbackRefusal({ ...(host ? { host } : {}), ...(origin ? { origin } : {}) });
      if (refusal)
        return c.json(errorBody('forbidden', `${refusal}; this server answers loopback only`), 403);
    }
    const path = c.req.path;
    if (PUBLIC.has(path) || path.startsWith('/assets/')) return next();
    const outcome = authenticate(c.req.header('authorization'), parts.tokens);
    if (outcome.type === 'refuse')
      return c.json(errorBody(outcome.code, outcome.message), outcome.status, {
        'www-authenticate': 'Bearer',
      });
    c.set('principal', outcome.principal);
    return next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));
  app.get('/readyz', (c) => {
    const state = parts.readiness();
    return c.json({ status: state, ...parts.running() }, state === 'ready' ? 200 : 503);
  });
  app.get('/openapi.json', (c) =>
    c.body(openapi, 200, { 'content-type': 'application/json; charset=utf-8' }),
  );

  app.get('/metrics', async (c) => {
    const outcome = authorize(c.get('principal'), 'read');
    if (outcome.type === 'refuse') return c.json(errorBody(outcome.code, outcome.message), outcome.status);
    return c.body(await parts.metrics.text(), 200, { 'content-type': parts.metrics.contentType });
  });

  app.get('/v1/usage', (c) => {
    const outcome = authorize(c.get('principal'), 'read');
    if (outcome.type === 'refuse') return c.json(errorBody(outcome.code, outcome.message), outcome.status);
    const principal = outcome.principal;
    return c.json({ tenants: parts.ledger.report().filter((t) => mayTouch(principal, t.tenant)) });
  });

  taskRoutes(app, parts.desk, parts.hub, parts.stopping);

  app.get('*', async (c, next) => {
    const asset = await assets(c.req.path).catch(() => undefined);
    if (!asset) return next();
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });

  app.notFound((c) =>
    c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}; see /openapi.json`), 404),
  );

  app.onError((err, c) => {
    const status = httpStatusOf(err) as ContentfulStatusCode;
    if (status === 500 || !(err instanceof OfficeError)) {
      parts.onError(
        `${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return c.json(errorBody('internal', 'internal error (logged by office serve)'), 500);
    }
    const headers: Record<string, string> = {};
    if (err instanceof QuotaExceeded) headers['retry-after'] = String(err.retryAfterSeconds);
    return c.json(
      errorBody(err.code, err.message, err instanceof BadRequest ? err.field : undefined),
      status,
      headers,
    );
  });
  return app;
}
