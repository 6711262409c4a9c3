// Control Room ("Control Room"): OpenTelemetry traces over OTLP/HTTP, off unless an endpoint is configured. A
// Reporter collects each run's loop events and, when the run ends, exports its span tree (task → subtask → phase →
// model call / tool run) through the official SDK. The SDK is loaded only when tracing is on.
import type { Reporter } from '../office/ports.js';
import type { TelemetryConfig } from '../schemas/server-config.js';
import { type SpanNode, spanTreeOf, type TimedEvent } from './timeline.js';

export interface Tracing {
  readonly endpoint: string;
  readonly reporter: Reporter;
  /** Exports what is buffered and stops the exporter (call before the process exits). */
  shutdown(): Promise<void>;
}

/**
 * The OTLP traces URL, or undefined when tracing is off. The environment overrides the config file:
 * OTEL_SDK_DISABLED=true turns it off, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL, and
 * OTEL_EXPORTER_OTLP_ENDPOINT is a base to which /v1/traces is added (as the OpenTelemetry spec says).
 */
export function otlpTracesEndpoint(
  config: TelemetryConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.toLowerCase() === 'none') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) return `${base.replace(/\/+$/, '')}/v1/traces`;
  return config.otlp.endpoint;
}

/** Collects timed events per task and hands each finished run's events to `onRun`. */
export function runCollector(onRun: (events: TimedEvent[]) => void, now: () => number = Date.now): Reporter {
  const runs = new Map<string, TimedEvent[]>();
  return {
    emit(event) {
      if (event.type === 'task_started') runs.set(event.task_id, []);
      const run = runs.get(event.task_id);
      if (!run) return;
      run.push({ at: now(), event });
      if (event.type === 'task_finished') {
        runs.delete(event.task_id);
        onRun(run);
      }
    },
  };
}

/** Starts tracing when an endpoint is configured; undefined when it is off. */
export async function openTracing(
  config: TelemetryConfig,
  env: Readonly<Record<string, string | undefined>>,
  attributes: Readonly<Record<string, string>> = {},
): Promise<Tracing | undefined> {
  const endpoint = otlpTracesEndpoint(config, env);
  if (!endpoint) return undefined;
  const [api, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new OTLPTraceExporter({
    url: endpoint,
    headers: config.otlp.headers,
    timeoutMillis: 5_000,
  });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.otlp.serviceName, ...attributes }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: 500, exportTimeoutMillis: 5_000 }),
    ],
  });
  const tracer = provider.getTracer('office', '0.1.0');

  const exportTree = (n: SpanNode, parent: ReturnType<typeof api.context.active>) => {
    const span = tracer.startSpan(n.name, { startTime: new Date(n.start), attributes: n.attributes }, parent);
    if (n.error) span.setStatus({ code: api.SpanStatusCode.ERROR });
    const inside = api.trace.setSpan(parent, span);
    for (const child of n.children) exportTree(child, inside);
    span.end(new Date(n.end));
  };
  const reporter = runCollector((events) => {
    const tree = spanTreeOf(events);
    if (tree) exportTree(tree, api.ROOT_CONTEXT);
  });
  return {
    endpoint,
    reporter,
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}
