// Control Room ("Control Room"): Prometheus metrics for `office serve` (prom-client, on a registry of its own). The
// loop never sees them: a Reporter turns loop events into counts, and gauges read the server's state when scraped.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LoopEvent } from '../office/events.js';
import type { Reporter } from '../office/ports.js';
import type { TaskStatus } from '../schemas/task.js';
import { phaseDurations, spanTreeOf } from './timeline.js';
import { runCollector } from './tracing.js';

/** What the gauges read at scrape time: the server's own picture of its tasks. */
export interface ServerGauges {
  /** Every task the server knows, by stored status and tenant. */
  tasksByStatusAndTenant(): Iterable<{ status: TaskStatus; tenant: string; count: number }>;
  /** Steps waiting for a person's approval, over all tasks. */
  approvalsWaiting(): number;
  queueDepth(): number;
  running(): number;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export interface OfficeMetrics {
  readonly registry: Registry;
  /** Turns one tenant's loop events into counts; give each task's run its own (the tenant differs). */
  reporterFor(tenant: string): Reporter;
  submitted(tenant: string): void;
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  webhookDelivery(outcome: 'delivered' | 'retry' | 'failed'): void;
  codeIndex(warm: boolean, cache: string, seconds: number): void;
  quotaRefusal(tenant: string, quota: string): void;
  text(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(gauges: ServerGauges): OfficeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'office_process_' });
  const reg = { registers: [registry] };

  new Gauge({
    name: 'office_tasks',
    help: 'Tasks known to this server, by stored status and tenant',
    labelNames: ['status', 'tenant'],
    ...reg,
    collect() {
      this.reset();
      for (const { status, tenant, count } of gauges.tasksByStatusAndTenant())
        this.set({ status, tenant }, count);
    },
  });
  new Gauge({
    name: 'office_approvals_waiting',
    help: 'Steps waiting for a person to approve or deny them',
    ...reg,
    collect() {
      this.set(gauges.approvalsWaiting());
    },
  });
  new Gauge({
    name: 'office_queue_depth',
    help: 'Tasks accepted and waiting for a free runner',
    ...reg,
    collect() {
      this.set(gauges.queueDepth());
    },
  });
  new Gauge({
    name: 'office_tasks_running',
    help: 'Tasks being run now',
    ...reg,
    collect() {
      this.set(gauges.running());
    },
  });
  const submitted = new Counter({
    name: 'office_tasks_submitted_total',
    help: 'Tasks accepted (idempotent replays not counted)',
    labelNames: ['tenant'],
    ...reg,
  });
  const finished = new Counter({
    name: 'office_task_runs_finished_total',
    help: 'Runs of tasks that ended, by outcome (a task resumed after approval runs again)',
    labelNames: ['status', 'tenant'],
    ...reg,
  });
  const taskSeconds = new Histogram({
    name: 'office_task_run_duration_seconds',
    help: 'Wall time of one run of a task, by outcome',
    labelNames: ['status'],
    buckets: SECONDS_BUCKETS,
    ...reg,
  });
  const phaseSeconds = new Histogram({
    name: 'office_phase_duration_seconds',
    help: 'Time spent in each loop phase (decompose, plan, validate, approve, execute, review)',
    labelNames: ['phase'],
    buckets: SECONDS_BUCKETS,
    ...reg,
  });
  const modelLabels = ['provider', 'model', 'tier'] as const;
  const modelCalls = new Counter({
    name: 'office_model_calls_total',
    help: 'Model calls by provider, model, tier and outcome (cache hits included)',
    labelNames: [...modelLabels, 'outcome'],
    ...reg,
  });
  const modelTokens = new Counter({
    name: 'office_model_tokens_total',
    help: 'Model tokens by provider, model, tier and direction (in, out)',
    labelNames: [...modelLabels, 'direction'],
    ...reg,
  });
  const modelCost = new Counter({
    name: 'office_model_cost_usd_total',
    help: 'Estimated model spend in US dollars by provider, model and tier',
    labelNames: [...modelLabels],
    ...reg,
  });
  const cacheHits = new Counter({
    name: 'office_model_cache_hits_total',
    help: 'Model requests answered from the response cache',
    labelNames: [...modelLabels],
    ...reg,
  });
  const modelSeconds = new Histogram({
    name: 'office_model_call_duration_seconds',
    help: 'Model call latency by provider and model',
    labelNames: ['provider', 'model'],
    buckets: SECONDS_BUCKETS,
    ...reg,
  });
  const fallbacks = new Counter({
    name: 'office_model_fallbacks_total',
    help: 'Roles answered by their deterministic fallback because no model did',
    labelNames: ['role'],
    ...reg,
  });
  const breaker = new Gauge({
    name: 'office_model_circuit_open',
    help: 'Circuit breaker state per candidate as last seen by a call: 1 open, 0 closed',
    labelNames: ['provider', 'model'],
    ...reg,
  });
  const tenantTokens = new Counter({
    name: 'office_tenant_tokens_total',
    help: "Model tokens (in + out) spent on each tenant's tasks",
    labelNames: ['tenant'],
    ...reg,
  });
  const tenantCost = new Counter({
    name: 'office_tenant_cost_usd_total',
    help: "Estimated model spend on each tenant's tasks, US dollars",
    labelNames: ['tenant'],
    ...reg,
  });
  const toolRuns = new Counter({
    name: 'office_tool_runs_total',
    help: 'Tool runs by tool and status (succeeded, failed, reused)',
    labelNames: ['tool', 'status'],
    ...reg,
  });
  const toolSeconds = new Histogram({
    name: 'office_tool_run_duration_seconds',
    help: 'Tool run time by tool',
    labelNames: ['tool'],
    buckets: SECONDS_BUCKETS,
    ...reg,
  });
  const approvals = new Counter({
    name: 'office_approval_decisions_total',
    help: 'Step approval decisions by decision (allow, ask, deny)',
    labelNames: ['decision'],
    ...reg,
  });
  const indexSeconds = new Histogram({
    name: 'office_code_index_duration_seconds',
    help: 'Code index time per query: cold (first index of a directory in this process) or warm',
    labelNames: ['state', 'cache'],
    buckets: SECONDS_BUCKETS,
    ...reg,
  });
  const http = new Counter({
    name: 'office_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    ...reg,
  });
  const httpSeconds = new Histogram({
    name: 'office_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ...reg,
  });
  const webhooks = new Counter({
    name: 'office_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry, failed)',
    labelNames: ['outcome'],
    ...reg,
  });
  const quotaRefusals = new Counter({
    name: 'office_quota_refusals_total',
    help: 'Submissions refused with 429, by tenant and quota',
    labelNames: ['tenant', 'quota'],
    ...reg,
  });

  const phases = runCollector((events) => {
    const tree = spanTreeOf(events);
    if (!tree) return;
    for (const { phase, seconds } of phaseDurations(tree)) phaseSeconds.observe({ phase }, seconds);
  });

  function count(tenant: string, e: LoopEvent): void {
    switch (e.type) {
      case 'model_call': {
        const c = e.call;
        const labels = { provider: c.provider, model: c.model, tier: c.tier };
        modelCalls.inc({ ...labels, outcome: c.outcome });
        if (c.tokens_in > 0) modelTokens.inc({ ...labels, direction: 'in' }, c.tokens_in);
        if (c.tokens_out > 0) modelTokens.inc({ ...labels, direction: 'out' }, c.tokens_out);
        if (c.cost_usd > 0) {
          modelCost.inc(labels, c.cost_usd);
          tenantCost.inc({ tenant }, c.cost_usd);
        }
        if (c.tokens_in + c.tokens_out > 0) tenantTokens.inc({ tenant }, c.tokens_in + c.tokens_out);
        if (c.cache_hit) cacheHits.inc(labels);
        if (!c.cache_hit && c.outcome !== 'skipped' && c.outcome !== 'circuit_open')
          modelSeconds.observe({ provider: c.provider, model: c.model }, c.latency_ms / 1000);
        if (c.outcome === 'circuit_open') breaker.set({ provider: c.provider, model: c.model }, 1);
        else if (c.outcome !== 'skipped' && !c.cache_hit)
          breaker.set({ provider: c.provider, model: c.model }, 0);
        break;
      }
      case 'fallback':
        fallbacks.inc({ role: e.role });
        break;
      case 'step_approval':
        approvals.inc({ decision: e.decision });
        break;
      case 'step_finished':
        toolRuns.inc({ tool: e.action, status: e.status });
        if (e.status !== 'reused') toolSeconds.observe({ tool: e.action }, e.duration_ms / 1000);
        break;
      case 'task_finished':
        finished.inc({ status: e.status, tenant });
        taskSeconds.observe({ status: e.status }, e.duration_ms / 1000);
        break;
      default:
        break;
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    reporterFor: (tenant) => ({
      emit(e) {
        count(tenant, e);
        phases.emit(e);
      },
    }),
    submitted: (tenant) => submitted.inc({ tenant }),
    httpRequest(method, route, status, seconds) {
      http.inc({ method, route, status: String(status) });
      httpSeconds.observe({ method, route }, seconds);
    },
    webhookDelivery: (outcome) => webhooks.inc({ outcome }),
    codeIndex: (warm, cache, seconds) =>
      indexSeconds.observe({ state: warm ? 'warm' : 'cold', cache }, seconds),
    quotaRefusal: (tenant, quota) => quotaRefusals.inc({ tenant, quota }),
    text: () => registry.metrics(),
  };
}
