// Configuration (`.office.config.json`): one strict schema, so a wrong or misspelt field is named, not ignored.
import { z } from 'zod';
import { queueUrlSchema, storeUrlSchema, workerConfigSchema } from './backends.js';
import { isSecretEnvName } from '../util/redact.js';
import { checksSchema } from './checks.js';
import { mcpServersSchema } from './mcp-servers.js';
import { type Risk, risks } from './risks.js';
import { serverConfigSchema, telemetryConfigSchema } from './server-config.js';

export { type Risk, risks };

const candidate = z
  .string()
  .regex(
    /^(ollama|openai|gemini):.+$/,
    'write a candidate as "provider:model", provider one of ollama, openai, gemini',
  );

export const tierNames = ['small', 'medium', 'large', 'embed'] as const;
export type Tier = (typeof tierNames)[number];

/**
 * The name of the environment variable a cloud key is read from. Only a name office treats as a secret is accepted,
 * because office keeps those (and only those) out of every command and child process it runs.
 */
const keyVariable = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'write the name of an environment variable, e.g. "WORK_OPENAI_API_KEY"')
  .refine(
    isSecretEnvName,
    'name a variable ending in _KEY or _TOKEN (or containing SECRET): office keeps only those out of the commands it runs',
  );

const price = z.strictObject({
  /** US dollars per million input tokens. */
  input: z.number().min(0),
  /** US dollars per million output tokens. */
  output: z.number().min(0),
});

export const modelsConfigSchema = z.strictObject({
  tiers: z
    .strictObject({
      small: z
        .array(candidate)
        .default(['ollama:qwen2.5-coder:1.5b', 'gemini:gemini-2.5-flash-lite', 'openai:gpt-4o-mini']),
      medium: z
        .array(candidate)
        .default(['ollama:qwen2.5-coder:7b', 'gemini:gemini-2.5-flash', 'openai:gpt-4o-mini']),
      large: z
        .array(candidate)
        .default(['ollama:qwen2.5-coder:14b', 'gemini:gemini-2.5-pro', 'openai:gpt-4o']),
      embed: z
        .array(candidate)
        .default(['ollama:nomic-embed-text', 'gemini:gemini-embedding-001', 'openai:text-embedding-3-small']),
    })
    .prefault({}),
  providers: z
    .strictObject({
      ollama: z
        .strictObject({
          host: z.url().optional(),
          /** Largest num_ctx to ask for, per model (default 32768); longer prompts are trimmed by office. */
          contextWindow: z.record(z.string(), z.int().min(2_048)).default({}),
        })
        .prefault({}),
      openai: z
        .strictObject({ baseUrl: z.url().optional(), apiKeyEnv: keyVariable.default('OPENAI_API_KEY') })
        .prefault({}),
      /** GOOGLE_API_KEY is read too while apiKeyEnv is the default GEMINI_API_KEY. */
      gemini: z
        .strictObject({ baseUrl: z.url().optional(), apiKeyEnv: keyVariable.default('GEMINI_API_KEY') })
        .prefault({}),
    })
    .prefault({}),
  /** Per-call timeout in milliseconds. */
  timeoutMs: z.int().min(100).max(600_000).default(60_000),
  /** Token budget for the context a role puts in one prompt (tool catalog, feedback, earlier results). */
  promptBudgetTokens: z.int().min(500).max(1_000_000).default(6_000),
  /** The small model's plan sanity check: how long it may take before the plan passes without it. */
  validateTimeoutMs: z.int().min(100).max(600_000).default(15_000),
  /** Overrides of the built-in price table, keyed "provider:model". */
  prices: z.record(z.string(), price).default({}),
  budget: z
    .strictObject({
      perTaskUsd: z.number().min(0).optional(),
      perDayUsd: z.number().min(0).optional(),
      perTaskTokens: z.int().min(0).optional(),
    })
    .prefault({}),
  cache: z
    .strictObject({ enabled: z.boolean().default(true), ttlSeconds: z.int().min(0).default(86_400) })
    .prefault({}),
  breaker: z
    .strictObject({ failureThreshold: z.int().min(1).default(2), cooldownMs: z.int().min(0).default(60_000) })
    .prefault({}),
});

export const approvalModes = ['read-only', 'ask', 'auto-edit', 'full-auto'] as const;

export const policyRuleSchema = z.strictObject({
  /** Tool name this rule applies to; omit to match by risk. */
  tool: z.string().optional(),
  risk: z.enum(risks).optional(),
  decision: z.enum(['allow', 'ask', 'deny']),
  /** For write tools: the rule applies only when every path is inside one of these (relative to the workspace). */
  paths: z.array(z.string()).optional(),
  /** For run_command: the rule applies only when the command's program is one of these. */
  commands: z.array(z.string()).optional(),
  /** Apply only in an interactive terminal, or only headless (CI, no TTY). */
  when: z.enum(['interactive', 'headless']).optional(),
  reason: z.string().optional(),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** REVISE rounds per subtask before the task is dead-lettered. */
  maxIterations: z.int().min(1).max(20).default(3),
  /** Steps marked parallelizable that may run at once. */
  concurrency: z.int().min(1).max(64).default(4),
  /** Upper bound a plan may ask for in timeout_seconds. */
  maxStepTimeoutSeconds: z.int().min(1).max(86_400).default(1_800),
  retry: z
    .strictObject({
      attempts: z.int().min(1).max(10).default(3),
      baseDelayMs: z.int().min(0).default(250),
      maxDelayMs: z.int().min(0).default(8_000),
    })
    .prefault({}),
  models: modelsConfigSchema.prefault({}),
  approval: z
    .strictObject({
      mode: z.enum(approvalModes).default('ask'),
      rules: z.array(policyRuleSchema).default([]),
    })
    .prefault({}),
  sandbox: z
    .strictObject({
      mode: z.enum(['auto', 'bwrap', 'process']).default('auto'),
      timeoutSeconds: z.int().min(1).max(86_400).default(120),
      outputLimitBytes: z.int().min(1_024).default(1_048_576),
      /** Environment variables a sandboxed command may see (besides a minimal PATH, HOME, LANG). */
      envAllowlist: z.array(z.string()).default([]),
      /** Workspace directories a sandboxed command may write; the rest of the workspace is read-only (bwrap). */
      writeScopes: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Extra tool modules, as globs relative to the workspace. */
  plugins: z.array(z.string()).default([]),
  /** Extra template directories (relative to the workspace), read after the built-in templates/. */
  templates: z.array(z.string()).default([]),
  code: z
    .strictObject({
      /** Globs (gitignore syntax) left out of indexing, on top of .gitignore. */
      exclude: z.array(z.string()).default([]),
      /** Longest call path searched, in hops. */
      maxDepth: z.int().min(1).max(64).default(16),
      /** Files larger than this are not indexed. */
      maxFileBytes: z.int().min(1_024).default(2_000_000),
      /** Index minified JavaScript too (`*.min.js`, bundles whose lines average over 110 characters). */
      indexMinified: z.boolean().default(false),
    })
    .prefault({}),
  memory: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Similar past plans offered to the planner. */
      topK: z.int().min(0).max(20).default(3),
    })
    .prefault({}),
  retention: z.strictObject({ olderThanDays: z.int().min(1).default(30) }).prefault({}),
  /** MCP servers whose tools join the registry as `server.tool` (see src/schemas/mcp-servers.ts). */
  mcpServers: mcpServersSchema.default({}),
  /** `office serve`: address, tokens (hashed), quotas, webhooks (see src/schemas/server-config.ts). */
  server: serverConfigSchema.prefault({}),
  /** OpenTelemetry traces (off unless an OTLP endpoint is configured). */
  telemetry: telemetryConfigSchema.prefault({}),
  /** Call-path rules `office check` evaluates (see src/schemas/checks.ts). */
  checks: checksSchema.default([]),
  /** Task state: "files" (.office/, the default) or a postgres:// URL (OFFICE_STORE and --store override). */
  store: storeUrlSchema.default('files'),
  /** A redis:// URL: tasks go to a BullMQ queue that `office worker` processes take (OFFICE_QUEUE, --queue). */
  queue: queueUrlSchema.optional(),
  /** `office worker`: concurrency, lease and retry timings. */
  worker: workerConfigSchema.prefault({}),
});

export type OfficeConfig = z.infer<typeof configSchema>;

/**
 * The user-level file ($XDG_CONFIG_HOME/office/config.json): what is a person's rather than a project's — models
 * (tiers, hosts, the variables keys are read from, budgets), the approval mode, telemetry. It sits under the
 * workspace's .office.config.json, which wins field by field.
 */
export const userConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  models: modelsConfigSchema.optional(),
  approval: z.strictObject({ mode: z.enum(approvalModes) }).optional(),
  telemetry: telemetryConfigSchema.optional(),
});
export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
