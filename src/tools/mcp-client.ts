// MCP client ("Workshop"): starts or reaches one configured MCP server with the official SDK, lists its tools and
// calls them. Everything the server sends back is parsed with our own schemas: it is untrusted input.
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { ToolError } from '../errors.js';
import type { McpServerSettings } from '../schemas/mcp-servers.js';
import { resolveInside } from '../util/workspace.js';

/** A tool as a server lists it; only what office uses is required. */
export const remoteToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  inputSchema: z.looseObject({ type: z.literal('object') }),
});
export type RemoteTool = z.infer<typeof remoteToolSchema>;

const listToolsResultSchema = z.looseObject({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

/** A tool call's result: text blocks are kept, other blocks (images, resources) are counted. */
export const remoteCallResultSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.unknown().optional() })).default([]),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});
export type RemoteCallResult = z.infer<typeof remoteCallResultSchema>;

export interface McpConnection {
  readonly server: string;
  /** Tools that parsed; the rest are in `problems`. */
  readonly tools: readonly RemoteTool[];
  readonly problems: readonly string[];
  call(
    tool: string,
    args: Readonly<Record<string, unknown>>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<RemoteCallResult>;
  close(): Promise<void>;
}

/** Pages of `tools/list` read at most; a server that keeps handing out cursors is cut off here. */
const MAX_TOOL_PAGES = 50;
/** Characters of a server's stderr kept for the message when it fails to start. */
const STDERR_TAIL = 600;

/**
 * Expands `${NAME}` in a configured value from office's environment, so keys stay out of the config file.
 * Pure: returns the value, or the names that are not set.
 */
export function expandVariables(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const expanded = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (found === undefined) missing.push(name);
    return found ?? '';
  });
  return { value: expanded, missing };
}

function expandAll(
  values: Readonly<Record<string, string>> | undefined,
  field: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(values ?? {})) {
    const { value, missing } = expandVariables(raw, env);
    if (missing.length > 0) {
      throw new ToolError(
        `${field}.${key} uses ${missing.map((m) => `\${${m}}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set in office's environment; set ${missing.length === 1 ? 'it' : 'them'} or change the config`,
      );
    }
    out[key] = value;
  }
  return out;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ToolError(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to one server and lists its tools. Throws a ToolError naming what went wrong (the program could not
 * start, it exited, it did not answer in time, the URL refused), with the tail of a stdio server's stderr.
 */
export async function connectMcpServer(
  server: string,
  settings: McpServerSettings,
  options: {
    workspace: string;
    env: Readonly<Record<string, string | undefined>>;
    clientVersion: string;
  },
): Promise<McpConnection> {
  let stderr = '';
  const transport =
    settings.url !== undefined
      ? new StreamableHTTPClientTransport(new URL(settings.url), {
          requestInit: { headers: expandAll(settings.headers, 'headers', options.env) },
        })
      : new StdioClientTransport({
          command: settings.command ?? '',
          args: settings.args ?? [],
          // The SDK adds only HOME, LOGNAME, PATH, SHELL, TERM and USER to these: office's keys never leak in.
          env: expandAll(settings.env, 'env', options.env),
          cwd: settings.cwd ? resolveInside(options.workspace, settings.cwd) : resolve(options.workspace),
          stderr: 'pipe',
        });
  if (transport instanceof StdioClientTransport) {
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
  }
  const client = new Client({ name: 'office', version: options.clientVersion });
  const close = async () => {
    await client.close().catch(() => undefined);
  };
  const failure = (err: unknown): ToolError => {
    const message =
      (err as NodeJS.ErrnoException).code === 'ENOENT' && settings.command !== undefined
        ? `cannot start "${settings.command}": no such program (check mcpServers.${server}.command)`
        : err instanceof Error
          ? err.message
          : String(err);
    const tail = firstLine(stderr.split('\n').filter(Boolean).slice(-3).join(' | '));
    return new ToolError(`${message}${tail ? ` (its stderr: ${tail})` : ''}`);
  };

  const tools: RemoteTool[] = [];
  const problems: string[] = [];
  try {
    await withTimeout(
      (async () => {
        await client.connect(transport);
        let cursor: string | undefined;
        for (let page = 0; page < MAX_TOOL_PAGES; page++) {
          const listed = listToolsResultSchema.parse(
            await client.listTools(cursor === undefined ? undefined : { cursor }),
          );
          for (const raw of listed.tools) {
            const tool = remoteToolSchema.safeParse(raw);
            if (tool.success) tools.push(tool.data);
            else {
              const issue = tool.error.issues[0];
              problems.push(
                `a tool it lists was skipped (${issue?.path.join('.') || 'tool'}: ${issue?.message ?? 'invalid'})`,
              );
            }
          }
          cursor = listed.nextCursor;
          if (cursor === undefined) break;
        }
      })(),
      settings.startupTimeoutMs,
      'starting and listing its tools',
    );
  } catch (err) {
    await close();
    throw failure(err);
  }

  return {
    server,
    tools,
    problems,
    async call(tool, args, callOptions) {
      let raw: unknown;
      try {
        raw = await client.callTool({ name: tool, arguments: { ...args } }, undefined, {
          signal: callOptions.signal,
          timeout: callOptions.timeoutMs,
        });
      } catch (err) {
        throw failure(err);
      }
      const parsed = remoteCallResultSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ToolError(
          `MCP server "${server}" answered ${tool} with a malformed result (${issue?.path.join('.') || 'result'}: ${issue?.message})`,
        );
      }
      return parsed.data;
    },
    close,
  };
}
