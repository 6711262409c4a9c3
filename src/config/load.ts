// Configuration loader: reads the user file ($XDG_CONFIG_HOME/office/config.json) and the workspace's
// .office.config.json (comments allowed), checks each against its schema naming the file and the field that is
// wrong, and merges them: the workspace file wins field by field.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type OfficeConfig, userConfigSchema } from '../schemas/config.js';
import { type ConfigLayer, mergeLayers } from './layers.js';
import { userConfigPath, workspaceOnlyHint } from './user-config.js';

export const CONFIG_FILE = '.office.config.json';

export function configPath(workspace: string): string {
  return join(workspace, CONFIG_FILE);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** A field the user file may not hold, with where it goes instead. */
function userFileHint(path: readonly PropertyKey[], key: string): string | undefined {
  if (path.length === 0 && key in configSchema.shape) return workspaceOnlyHint(key);
  if (path.length === 1 && path[0] === 'approval' && key === 'rules')
    return workspaceOnlyHint('approval.rules');
  return undefined;
}

/**
 * The JSON of a config file, checked against `schema` but without defaults filled in (so that layers can be
 * merged); errors name the file, the field (or line) and what to do.
 */
function checkedJson(
  text: string,
  path: string,
  schema: z.ZodType,
  options: { fix: string; hint?: typeof userFileHint },
): Record<string, unknown> {
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true }) ?? {};
  const first = errors[0];
  if (first) {
    throw new ConfigError(
      `${path}: not valid JSON at line ${lineOf(text, first.offset)} (${printParseErrorCode(first.error)}). ${options.fix}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length > 0 ? ` in ${issue.path.join('.')}` : '';
        const hints = issue.keys.flatMap((k) => options.hint?.(issue.path, k) ?? []);
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}${hints.length > 0 ? ` (${hints.join('; ')})` : ''}`;
      }
      return `field "${field}": ${issue.message}`;
    });
    throw new ConfigError(
      `${path}: ${lines.join('; ')}. See \`office config show\` for every field and its default.`,
    );
  }
  return json as Record<string, unknown>;
}

const WORKSPACE_FIX = 'Fix it, or run `office config init --force` for a fresh one.';

/** Parses workspace config text; errors name the file, the field (or line) and what to do. */
export function parseConfig(text: string, path: string): OfficeConfig {
  return configSchema.parse(checkedJson(text, path, configSchema, { fix: WORKSPACE_FIX }));
}

/** Parses user config text (models, approval.mode, telemetry only); errors name the file and the field. */
export function parseUserConfig(text: string, path: string): Record<string, unknown> {
  return checkedJson(text, path, userConfigSchema, { fix: 'Fix it or remove it.', hint: userFileHint });
}

export interface LoadedConfig {
  readonly config: OfficeConfig;
  /** The workspace file, and whether it exists. */
  readonly path: string;
  readonly exists: boolean;
  /** The user file, and whether it exists. */
  readonly user: { readonly path: string; readonly exists: boolean };
  /** The files read, user first: what `office config show --origin` names. */
  readonly layers: readonly ConfigLayer[];
}

/**
 * The configuration of a workspace: the defaults, under the user file (when there is one), under the workspace
 * file (when there is one). `userPath` is for tests; by default the XDG location from the environment.
 */
export async function loadConfig(
  workspace: string,
  options: { readonly userPath?: string } = {},
): Promise<LoadedConfig> {
  const path = configPath(workspace);
  const userPath = options.userPath ?? userConfigPath();
  const layers: ConfigLayer[] = [];
  const userExists = existsSync(userPath);
  if (userExists) {
    const text = await readFile(userPath, 'utf8');
    layers.push({ origin: 'user', source: userPath, data: parseUserConfig(text, userPath) });
  }
  const exists = existsSync(path);
  if (exists) {
    const text = await readFile(path, 'utf8');
    layers.push({
      origin: 'workspace',
      source: path,
      data: checkedJson(text, path, configSchema, { fix: WORKSPACE_FIX }),
    });
  }
  // Each file is valid alone and objects merge field by field, so the merge is valid too.
  const config = configSchema.parse(mergeLayers(layers));
  return { config, path, exists, user: { path: userPath, exists: userExists }, layers };
}

/** The commented default written by `office config init`. */
export function defaultConfigText(): string {
  const d = configSchema.parse({});
  const j = (v: unknown) => JSON.stringify(v);
  return `// office configuration. Comments are allowed. Every field is optional; \`office config show\` prints the effective values.
// Your own defaults for every project (models, approval mode, telemetry) can go in ~/.config/office/config.json.
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
    // Hosts; the environment (OLLAMA_HOST, OPENAI_BASE_URL, GEMINI_BASE_URL) overrides these. Keys come only from the
    // environment, from the variable "apiKeyEnv" names (default OPENAI_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY).
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
