// `office mcp` ("Receptionist" for agents and editors): office's code intelligence and its whole loop as MCP tools.
// The code tools are the built-in tools themselves (same input schemas, same code), run against one warm index.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { IndexStats } from '../code/service.js';
import { OfficeError } from '../errors.js';
import { offlineRouter } from '../models/types.js';
import type { ToolRegistry } from '../office/ports.js';
import type { OfficeConfig } from '../schemas/config.js';
import {
  type NeighbourhoodInput,
  neighbourhoodInputSchema,
  neighbourhoodSchema,
  type RunTaskInput,
  runTaskInputSchema,
  runTaskResultSchema,
  servedFindSymbolSchema,
  servedNeighboursSchema,
  servedTraceSchema,
} from '../schemas/mcp.js';
import type { ToolContext, ToolDefinition } from '../tools/define-tool.js';
import { resolveInside } from '../util/workspace.js';
import { neighbourhood, neighbourhoodText } from './neighbourhood.js';
import { toolError, toolResult } from './results.js';
import { type RunTaskSettings, runTaskForAgent } from './run-task.js';
import type { WarmCodeIndex } from './warm-index.js';

export interface FrontDoor {
  /** Real path of the workspace: every `dir` is relative to it and must stay inside it. */
  readonly root: string;
  readonly config: OfficeConfig;
  readonly code: WarmCodeIndex;
  /** The built-in tools (trace_calls, callers, ...), whose schemas and code the code tools reuse. */
  readonly builtins: ToolRegistry;
  readonly runTask: RunTaskSettings;
  readonly version: string;
}

type Extra = { signal: AbortSignal };

/** What a built-in tool's `run` sees when an agent calls it directly (no task, no step). */
function contextFor(door: FrontDoor, name: string, signal: AbortSignal): ToolContext {
  return {
    workspace: door.root,
    taskId: 'mcp',
    stepId: name,
    signal,
    config: door.config,
    resolvePath: (path) => resolveInside(door.root, path),
    log: () => {},
    services: { models: offlineRouter, code: door.code },
  };
}

function builtin(door: FrontDoor, name: string): ToolDefinition {
  const tool = door.builtins.get(name);
  if (!tool)
    throw new OfficeError(`the built-in tool ${name} did not load; run \`office doctor\` to see why`);
  return tool;
}

function warmLine(warm: boolean): string {
  return warm
    ? 'index: warm (this server had the directory indexed; only changed files were parsed again)'
    : 'index: cold (first use of this directory in this server)';
}

/** A code tool that indexes `dir`: the built-in tool's result, with `stats.warm` added. */
function indexedTool<O extends { stats: IndexStats }>(
  door: FrontDoor,
  tool: ToolDefinition,
  text: (output: O) => string,
) {
  // The built-in code tools all take `dir`, defaulting to the workspace.
  return async (args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
    try {
      const dir = typeof args.dir === 'string' ? args.dir : '.';
      const warm = await door.code.isWarm(resolveInside(door.root, dir));
      const output = (await tool.run(args, contextFor(door, tool.name, extra.signal))) as O;
      const served = { ...output, stats: { ...output.stats, warm } };
      return toolResult(served, `${text(served).trimEnd()}\n${warmLine(warm)}`);
    } catch (err) {
      return toolError(err);
    }
  };
}

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

export function createOfficeMcpServer(door: FrontDoor): McpServer {
  const server = new McpServer(
    { name: 'office', version: door.version },
    {
      instructions:
        'office answers "which calls lead from A to B" precisely (scope, imports and types, not grep). Use trace ' +
        'for call paths, callers/callees for one hop, graph_neighbourhood for the area around a symbol, ' +
        'find_symbol to locate one, search_code for text. Paths are relative to the workspace office serves. ' +
        "run_task runs a request through office's plan/approve/execute/review loop; steps that need a " +
        "person's approval come back as needs_approval with their command line.",
    },
  );
  const describe = (tool: ToolDefinition) =>
    `${tool.description} Directories are relative to the workspace (${door.root}).`;

  const trace = builtin(door, 'trace_calls');
  server.registerTool(
    'trace',
    {
      title: 'Call paths from one symbol to another',
      description: describe(trace),
      inputSchema: trace.input as z.ZodObject,
      outputSchema: servedTraceSchema,
      annotations: READ_ONLY,
    },
    indexedTool(door, trace, (o) => trace.render?.(o) ?? JSON.stringify(o)),
  );

  for (const name of ['callers', 'callees'] as const) {
    const tool = builtin(door, name);
    server.registerTool(
      name,
      {
        title: name === 'callers' ? 'Who calls a symbol' : 'What a symbol calls',
        description: describe(tool),
        inputSchema: tool.input as z.ZodObject,
        outputSchema: servedNeighboursSchema,
        annotations: READ_ONLY,
      },
      indexedTool(door, tool, (o) => tool.render?.(o) ?? JSON.stringify(o)),
    );
  }

  const find = builtin(door, 'find_symbol');
  server.registerTool(
    'find_symbol',
    {
      title: 'Where a symbol is defined',
      description: describe(find),
      inputSchema: find.input as z.ZodObject,
      outputSchema: servedFindSymbolSchema,
      annotations: READ_ONLY,
    },
    indexedTool(door, find, (o: z.infer<typeof servedFindSymbolSchema>) =>
      [
        find.summarize?.(o) ?? '',
        ...o.matches.map((m) => `  ${m.qualified_name}  ${m.file}:${m.line}  (${m.kind})`),
      ].join('\n'),
    ),
  );

  server.registerTool(
    'graph_neighbourhood',
    {
      title: 'The calls around a symbol',
      description:
        'A symbol and the symbols up to `hops` calls away from it (callers, callees or both), with every call ' +
        `between them: file, line, column, code and edge kind. Directories are relative to the workspace (${door.root}).`,
      inputSchema: neighbourhoodInputSchema,
      outputSchema: neighbourhoodSchema,
      annotations: READ_ONLY,
    },
    async (args: NeighbourhoodInput, extra: Extra): Promise<CallToolResult> => {
      try {
        const dir = resolveInside(door.root, args.dir);
        const warm = await door.code.isWarm(dir);
        const found = await neighbourhood(door.code, dir, args, extra.signal);
        const served = { ...found, stats: { ...found.stats, warm } };
        return toolResult(served, `${neighbourhoodText(served)}\n${warmLine(warm)}`);
      } catch (err) {
        return toolError(err);
      }
    },
  );

  const search = builtin(door, 'search_code');
  server.registerTool(
    'search_code',
    {
      title: 'Search the code for text',
      description: describe(search),
      inputSchema: search.input as z.ZodObject,
      annotations: READ_ONLY,
    },
    async (args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
      try {
        const output = (await search.run(args, contextFor(door, search.name, extra.signal))) as Record<
          string,
          unknown
        >;
        return toolResult(output, search.render?.(output) ?? JSON.stringify(output));
      } catch (err) {
        return toolError(err);
      }
    },
  );

  server.registerTool(
    'run_task',
    {
      title: 'Run a request through office',
      description:
        "Runs a request through office's whole loop (decompose, plan, validate, approve, execute, review), as " +
        '`office run` does, and returns its outcome. Reads run at once; ' +
        (door.runTask.approvalMode
          ? `other steps are decided by approval mode ${door.runTask.approvalMode} (set when this server started), `
          : 'every other step (a write, a command, network) ') +
        'that needs approval comes back as status needs_approval with the argv and the commands a person runs ' +
        'to approve it. Never approved through MCP.',
      inputSchema: runTaskInputSchema,
      outputSchema: runTaskResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (args: RunTaskInput, extra: Extra): Promise<CallToolResult> => {
      try {
        const { result, text } = await runTaskForAgent(door.runTask, args, extra.signal);
        return toolResult(result, text);
      } catch (err) {
        return toolError(err);
      }
    },
  );

  return server;
}
