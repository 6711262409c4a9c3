// `office serve` ("Receptionist") and the Control Room's exporters: the `server` and `telemetry` sections of
// `.office.config.json` (tokens, quotas, webhooks, OTLP).
import { z } from 'zod';

export const tokenScopes = ['submit', 'approve', 'read', 'admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const quotasSchema = z.strictObject({
  /** Submissions accepted per rolling minute. */
  tasksPerMinute: z.int().min(1).optional(),
  /** Tasks queued or running at once (a task waiting for approval does not count). */
  concurrentTasks: z.int().min(1).optional(),
  /** Model spend per UTC day, in US dollars, over the tenant's tasks. */
  usdPerDay: z.number().min(0).optional(),
  /** Model tokens (in + out) per UTC day over the tenant's tasks. */
  tokensPerDay: z.int().min(0).optional(),
});
export type Quotas = z.infer<typeof quotasSchema>;

/** A bearer token, stored only as its SHA-256 (`office serve --new-token NAME` prints a token and this entry). */
export const tokenSchema = z.strictObject({
  /** The tenant: usage, cost and quotas are counted per name; a tenant sees only its own tasks (admin: all). */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the hex SHA-256 of the token (64 characters 0-9a-f)'),
  scopes: z.array(z.enum(tokenScopes)).min(1),
  quotas: quotasSchema.prefault({}),
});
export type TokenEntry = z.infer<typeof tokenSchema>;

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(7420),
  /** Tasks the server runs at once; the rest wait in its queue. */
  concurrency: z.int().min(1).max(64).default(4),
  tokens: z.array(tokenSchema).default([]),
  webhooks: z
    .strictObject({
      /** Where every task's outcome is POSTed (a task's own `callback_url` goes there instead). */
      url: z.url({ protocol: /^https?$/ }).optional(),
      /** Deliveries per outcome, first one included, before giving up. */
      attempts: z.int().min(1).max(20).default(5),
      baseDelayMs: z.int().min(0).default(1_000),
      maxDelayMs: z.int().min(0).default(60_000),
      timeoutMs: z.int().min(100).max(120_000).default(10_000),
    })
    .prefault({}),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

export const telemetryConfigSchema = z.strictObject({
  /** OpenTelemetry traces over OTLP/HTTP; off unless an endpoint is set here or in OTEL_EXPORTER_OTLP_* . */
  otlp: z
    .strictObject({
      /** Full traces URL, e.g. http://127.0.0.1:4318/v1/traces. */
      endpoint: z.url({ protocol: /^https?$/ }).optional(),
      headers: z.record(z.string(), z.string()).default({}),
      serviceName: z.string().min(1).default('office'),
    })
    .prefault({}),
});
export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
