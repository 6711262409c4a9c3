// MCP tools as office tools ("Workshop"): each tool of a connected server becomes a definition made with the public
// defineTool API, named `server.tool`, so the validator, policy, approval, audit and redaction treat it like any tool.
import { z } from 'zod';
import { ToolError } from '../errors.js';
import type { McpServerSettings } from '../schemas/mcp-servers.js';
import type { Risk } from '../schemas/risks.js';
import { defineTool, type ToolDefinition } from './define-tool.js';
import type { McpConnection, RemoteCallResult, RemoteTool } from './mcp-client.js';

/** The MCP specification's advice for tool names; anything else could not be told apart in `server.tool`. */
const REMOTE_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** What a call of an MCP tool returns to the loop. */
export interface McpToolOutput {
  readonly server: string;
  readonly tool: string;
  /** The text blocks of the result, joined; capped at the sandbox's output limit. */
  readonly text: string;
  readonly structured?: Readonly<Record<string, unknown>>;
  /** Blocks that are not text (images, audio, resources), counted, not kept. */
  readonly other_blocks: number;
  readonly truncated: boolean;
}

/**
 * The risk policy sees for one tool: the tool's own setting, else the server's, else `exec` — a server's code runs
 * outside office's sandbox and its own hints (`readOnlyHint`) are claims, so only the user's config can lower it.
 */
export function riskOfMcpTool(settings: McpServerSettings, tool: string): Risk {
  return settings.tools[tool]?.risk ?? settings.risk ?? 'exec';
}

/** A result as text and data, the text capped at `limitBytes` (as a command's output is in the sandbox). */
export function mcpToolOutput(
  server: string,
  tool: string,
  result: RemoteCallResult,
  limitBytes: number,
): McpToolOutput {
  const texts = result.content.flatMap((block) =>
    block.type === 'text' && typeof block.text === 'string' ? [block.text] : [],
  );
  const joined = texts.join('\n');
  const bytes = Buffer.from(joined, 'utf8');
  const truncated = bytes.length > limitBytes;
  return {
    server,
    tool,
    text: truncated ? bytes.subarray(0, limitBytes).toString('utf8') : joined,
    ...(result.structuredContent ? { structured: result.structuredContent } : {}),
    other_blocks: result.content.length - texts.length,
    truncated,
  };
}

/** The input schema a server declares, as a zod schema the plan validator and executor can use. */
function inputSchemaOf(tool: RemoteTool): z.ZodType<Record<string, unknown>> {
  // `inputSchema` is an object schema (checked when the listing was parsed), so the result parses objects only.
  return z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType<
    Record<string, unknown>
  >;
}

function summaryOf(output: McpToolOutput): string {
  const line = output.text.trim().split('\n')[0] ?? '';
  if (line) return line.length > 120 ? `${line.slice(0, 119)}…` : line;
  return output.structured ? 'structured result' : 'no text in the result';
}

/**
 * Definitions for the tools of one connected server. A tool whose name or input schema office cannot use is left
 * out with a problem saying why; so is a `tools` entry in the config that names no tool of the server.
 */
export function mcpToolDefinitions(
  connection: McpConnection,
  settings: McpServerSettings,
): { tools: ToolDefinition[]; problems: string[] } {
  const server = connection.server;
  const tools: ToolDefinition[] = [];
  const problems: string[] = [];
  const offered = new Set(connection.tools.map((t) => t.name));
  for (const configured of Object.keys(settings.tools)) {
    if (!offered.has(configured)) {
      problems.push(
        `mcpServers.${server}.tools.${configured}: the server offers no tool by that name (it offers ${[...offered].join(', ') || 'none'})`,
      );
    }
  }
  for (const remote of connection.tools) {
    if (!REMOTE_TOOL_NAME.test(remote.name)) {
      problems.push(
        `tool ${JSON.stringify(remote.name.slice(0, 80))} skipped: its name is not A-Z a-z 0-9 _ - .`,
      );
      continue;
    }
    let input: z.ZodType<Record<string, unknown>>;
    try {
      input = inputSchemaOf(remote);
    } catch (err) {
      problems.push(
        `tool ${remote.name} skipped: office cannot check its input schema (${(err as Error).message})`,
      );
      continue;
    }
    const name = remote.name;
    tools.push(
      defineTool<Record<string, unknown>, McpToolOutput>({
        name: `${server}.${name}`,
        description: `${remote.description?.trim() || `Tool ${name}`} (from MCP server "${server}")`,
        risk: riskOfMcpTool(settings, name),
        input,
        async run(args, ctx) {
          const result = await connection.call(name, args, {
            signal: ctx.signal,
            // The executor's own timeout (the step's timeout_seconds) aborts the signal first.
            timeoutMs: ctx.config.maxStepTimeoutSeconds * 1000,
          });
          const output = mcpToolOutput(server, name, result, ctx.config.sandbox.outputLimitBytes);
          if (result.isError) {
            throw new ToolError(
              `${server}.${name} reported an error: ${output.text.trim() || 'no message'}`.slice(0, 2_000),
            );
          }
          return output;
        },
        summarize: summaryOf,
        render: (output) =>
          output.text.trim() || (output.structured ? JSON.stringify(output.structured, null, 2) : ''),
      }),
    );
  }
  return { tools, problems };
}
