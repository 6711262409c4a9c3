// Configuration loader: reads .office.config.json (comments allowed), checks it against the one schema,
// and names the field that is wrong.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { ConfigError } from '../errors.js';
import { configSchema, type OfficeConfig } from '../schemas/config.js';

export const CONFIG_FILE = '.office.config.json';

export function configPath(workspace: string): string {
  return join(workspace, CONFIG_FILE);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Parses config text; errors name the file, the field (or line) and what to do. */
export function parseConfig(text: string, path: string): OfficeConfig {
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) {
    throw new ConfigError(
      `${path}: not valid JSON at line ${lineOf(text, first.offset)} (${printParseErrorCode(first.error)}). Fix it, or run \`office config init --force\` for a fresh one.`,
    );
  }
  const parsed = configSchema.safeParse(json ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length > 0 ? ` in ${issue.path.join('.')}` : '';
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}`;
      }
      return `field "${field}": ${issue.message}`;
    });
    throw new ConfigError(
      `${path}: ${lines.join('; ')}. See \`office config show\` for every field and its default.`,
    );
  }
  return parsed.data;
}

/** The workspace's configuration, or the defaults when there is no file. */
export async function loadConfig(
  workspace: string,
): Promise<{ config: OfficeConfig; path: string; exists: boolean }> {
  const path = configPath(workspace);
  if (!existsSync(path)) return { config: configSchema.parse({}), path, exists: false };
  return { config: parseConfig(await readFile(path, 'utf8'), path), path, exists: true };
}

/** The commented default written by `office config init`. */
export function defaultConfigText(): string {
  const d = configSchema.parse({});
  const j = (v: unknown) => JSON.stringify(v);
  return `// office configuration. Comments are allowed. Every field is optional; \`office config show\` prints the effective values.
{
  // REVISE rounds per subtask before the task goes to the dead-letter queue.
  "maxIterations": ${d.maxIterations},
  // Steps marked parallelizable that may run at once.
  "concurrency": ${d.concurrency},
  // Largest timeout_seconds a plan may ask for.
  "maxStepTimeoutSeconds": ${d.maxStepTimeoutSeconds},
  // Retries for retryable tool errors: exponential backoff with full jitter.
  "retry": ${j(d.retry)},
  "models": {
    // Each tier is tried in order: the first candidate that answers wins. "provider:model".
    "tiers": {
      "small": ${j(d.models.tiers.small)},
      "medium": ${j(d.models.tiers.medium)},
      "large": ${j(d.models.tiers.large)},
      "embed": ${j(d.models.tiers.embed)}
    },
    // Hosts; the environment (OLLAMA_HOST, OPENAI_BASE_URL, GEMINI_BASE_URL) overrides these. Keys come only from the environment.
    "providers": { "ollama": {}, "openai": {}, "gemini": {} },
    "timeoutMs": ${d.models.timeoutMs},
    // Spending limits in US dollars (and tokens per task); a call that would pass one is refused.
    "budget": {},
    "cache": ${j(d.models.cache)}
  },
  "approval": {
    // read-only | ask | auto-edit | full-auto
    "mode": ${j(d.approval.mode)},
    // Ordered rules, first match wins: { "tool" or "risk", "decision": "allow|ask|deny", "paths", "commands", "when" }.
    "rules": []
  },
  // auto uses bubblewrap when it works, else a plain child process.
  "sandbox": ${j(d.sandbox)},
  // Your own tools: globs of .js modules, relative to the workspace.
  "plugins": [],
  // Your own intent templates: directories of .json templates, relative to the workspace.
  "templates": [],
  "code": ${j(d.code)},
  "memory": ${j(d.memory)},
  "retention": ${j(d.retention)},
  // MCP servers whose tools plans can use, named "server.tool". Each: "command" (+ "args", "cwd", "env") for a
  // program speaking MCP on stdio, or "url" (+ "headers") for Streamable HTTP; "${'$'}{NAME}" in env and headers comes
  // from office's environment. "risk" (read|write|exec|network, per server or in "tools": { "name": { "risk" } })
  // is what policy sees; the default, exec, asks before every call. A server that fails to start is skipped.
  "mcpServers": {},
  // office serve: loopback by default; any other host needs a token. Tokens are stored as SHA-256 only
  // (\`office serve --new-token NAME\` prints one and its entry): { "name" (the tenant), "sha256", "scopes":
  // submit|approve|read|admin, "quotas": { tasksPerMinute, concurrentTasks, usdPerDay, tokensPerDay } }.
  // Webhooks are signed with OFFICE_WEBHOOK_SECRET.
  "server": { "host": ${j(d.server.host)}, "port": ${d.server.port}, "concurrency": ${d.server.concurrency}, "tokens": [], "webhooks": ${j(d.server.webhooks)} },
  // OpenTelemetry traces over OTLP/HTTP, off until an endpoint is set, e.g. "http://127.0.0.1:4318/v1/traces"
  // (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT override it).
  "telemetry": { "otlp": { "serviceName": ${j(d.telemetry.otlp.serviceName)} } },
  // Call-path rules that \`office check\` evaluates (exit 1 on a violation): forbid, require, only-through, max-depth,
  // e.g. { "rule": "forbid", "from": "src/ui/**", "to": "src/db/**", "except": "src/repos/**" }.
  "checks": []
}
`;
}
