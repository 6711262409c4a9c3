// Workshop doors ("Workshop"): every tool a run can use — built-in, plugins, and the tools of configured MCP
// servers — in one registry. A server that fails to start is reported and skipped, never fatal.
import type { OfficeConfig } from '../schemas/config.js';
import type { McpServerSettings } from '../schemas/mcp-servers.js';
import type { McpConnection } from './mcp-client.js';
import { mcpToolDefinitions } from './mcp-tools.js';
import { type LoadedRegistry, type LoadedTool, loadTools } from './registry.js';

/** One configured MCP server, as `office doctor` shows it. */
export interface McpServerReport {
  readonly name: string;
  readonly transport: 'stdio' | 'http';
  /** The command line or URL (headers and env values are never shown). */
  readonly target: string;
  readonly status: 'connected' | 'failed';
  /** The registry names of its tools that joined (`server.tool`). */
  readonly tools: readonly string[];
  /** Why it was skipped (status `failed`). */
  readonly error?: string;
  /** Tools of a connected server that were left out, and config entries naming no tool of it. */
  readonly problems: readonly string[];
}

export interface OpenedTools {
  readonly registry: LoadedRegistry;
  /** Plugin problems, one line each (as loadTools reports them). */
  readonly problems: readonly string[];
  /** MCP server problems, one line each, each naming its server: servers skipped, tools left out. */
  readonly mcpProblems: readonly string[];
  readonly servers: readonly McpServerReport[];
  /** Ends the MCP connections (stops the stdio servers); call it when the command is done. */
  close(): Promise<void>;
}

export interface OpenToolsOptions {
  readonly workspace: string;
  readonly config: OfficeConfig;
  /** Where `${NAME}` in a server's env and headers is looked up (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clientVersion?: string;
  readonly builtinDir?: string;
}

/** How a server is reached, for reports (`node notes.js`, `http://127.0.0.1:3000/mcp`); never a header value. */
export function describeTarget(settings: McpServerSettings): string {
  if (settings.url !== undefined) return settings.url;
  return [settings.command ?? '', ...(settings.args ?? [])].join(' ');
}

export async function openTools(options: OpenToolsOptions): Promise<OpenedTools> {
  const entries = Object.entries(options.config.mcpServers);
  // The SDK's client costs ~0.3 s to import: only runs with MCP servers configured pay for it.
  const { connectMcpServer } =
    entries.length > 0 ? await import('./mcp-client.js') : { connectMcpServer: null };
  const connections: McpConnection[] = [];
  const attempts = await Promise.all(
    entries.map(async ([name, settings]) => {
      try {
        if (!connectMcpServer) throw new Error('unreachable: no MCP client loaded');
        const connection = await connectMcpServer(name, settings, {
          workspace: options.workspace,
          env: options.env ?? process.env,
          clientVersion: options.clientVersion ?? '0.1.0',
        });
        connections.push(connection);
        return { name, settings, connection } as const;
      } catch (err) {
        return { name, settings, error: err instanceof Error ? err.message : String(err) } as const;
      }
    }),
  );

  const extra: LoadedTool[] = [];
  const mcpProblems: string[] = [];
  const made = new Map<string, string[]>();
  const problemsOf = new Map<string, string[]>();
  for (const attempt of attempts) {
    if (!('connection' in attempt)) {
      mcpProblems.push(`MCP server "${attempt.name}" could not be used: ${attempt.error}; skipped`);
      continue;
    }
    const { tools, problems } = mcpToolDefinitions(attempt.connection, attempt.settings);
    problemsOf.set(attempt.name, [...attempt.connection.problems, ...problems]);
    for (const p of problemsOf.get(attempt.name) ?? [])
      mcpProblems.push(`MCP server "${attempt.name}": ${p}`);
    for (const tool of tools) extra.push({ tool, origin: `mcp:${attempt.name}` });
    made.set(
      attempt.name,
      tools.map((t) => t.name),
    );
  }

  const { registry, problems } = await loadTools({
    workspace: options.workspace,
    plugins: options.config.plugins,
    ...(options.builtinDir ? { builtinDir: options.builtinDir } : {}),
    extra,
  });
  const servers: McpServerReport[] = attempts.map((attempt) => ({
    name: attempt.name,
    transport: attempt.settings.url !== undefined ? 'http' : 'stdio',
    target: describeTarget(attempt.settings),
    ...('connection' in attempt
      ? {
          status: 'connected' as const,
          // A tool the registry refused (a name clash) did not join.
          tools: (made.get(attempt.name) ?? []).filter((n) => registry.get(n) !== undefined),
          problems: problemsOf.get(attempt.name) ?? [],
        }
      : { status: 'failed' as const, tools: [], error: attempt.error, problems: [] }),
  }));
  return {
    registry,
    problems,
    mcpProblems,
    servers,
    close: async () => {
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}
