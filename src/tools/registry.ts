// Workshop ("Workshop"): loads the built-in tools and the user's plugins through one API, and checks them at load.
import { glob, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ToolRegistry } from '../office/ports.js';
import { officeEnv } from '../config/secrets.js';
import { ToolError } from '../errors.js';
import { risks } from '../schemas/config.js';
import { defineTool, isToolDefinition, type ToolDefinition } from './define-tool.js';

/** Where a tool came from: `builtin`, or the plugin file (workspace-relative). */
export interface LoadedTool {
  readonly tool: ToolDefinition;
  readonly origin: string;
}

export interface LoadedRegistry extends ToolRegistry {
  origin(name: string): string | undefined;
  isPlugin(name: string): boolean;
}

/** What a plugin module may export besides branded definitions: a factory that needs no import of ours. */
export interface PluginApi {
  readonly defineTool: typeof defineTool;
  readonly z: typeof z;
  /** Throw `new ToolError(message, true)` for a failure worth retrying (or any error with `retryable: true`). */
  readonly ToolError: typeof ToolError;
  /**
   * office's environment. Secret-named variables (`*_KEY`, `*_TOKEN`, `*SECRET*`, `*PASSWORD*`) are not in
   * process.env: office takes them out at start, so that no command can read them; a plugin reads them here.
   */
  readonly env: typeof officeEnv;
}

const toolShape = z.looseObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a tool name is lower_snake_case'),
  description: z.string().min(1, 'a tool needs a description'),
  risk: z.enum(risks, { error: `declare a risk: one of ${risks.join(', ')}` }),
  input: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'input must be a zod schema'),
  run: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'run must be a function'),
});

const BUILTIN_DIR = new URL('../../tools/', import.meta.url);

function isModuleFile(name: string): boolean {
  return (name.endsWith('.js') || name.endsWith('.mjs') || name.endsWith('.ts')) && !name.endsWith('.d.ts');
}

/** Tool definitions a module exports: branded named exports, and the result of an `officeTools(api)` factory. */
async function toolsOfModule(path: string): Promise<unknown[]> {
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const found: unknown[] = Object.values(mod).filter(isToolDefinition);
  const factory = mod.officeTools;
  if (typeof factory === 'function') {
    const made = await (factory as (api: PluginApi) => unknown)({ defineTool, z, ToolError, env: officeEnv });
    found.push(...(Array.isArray(made) ? made : [made]));
  }
  return found;
}

/** Tools of MCP servers are named `server.tool`: the dot keeps them apart from built-in and plugin tools. */
const mcpToolShape = toolShape.extend({
  name: z.string().regex(/^[a-z][a-z0-9_-]*\.[A-Za-z0-9_.-]+$/, 'an MCP tool is named server.tool'),
});

export async function loadTools(options: {
  workspace: string;
  plugins: readonly string[];
  builtinDir?: string;
  /** Tools made elsewhere (MCP servers' tools, origin `mcp:<server>`), checked and added after the plugins. */
  extra?: readonly LoadedTool[];
}): Promise<{ registry: LoadedRegistry; problems: string[] }> {
  const loaded = new Map<string, LoadedTool>();
  const problems: string[] = [];

  function add(candidate: unknown, origin: string, shapeOf: typeof toolShape = toolShape): void {
    const shape = shapeOf.safeParse(candidate);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      problems.push(
        `${origin}: skipped a tool (${issue?.path.join('.') || 'definition'}: ${issue?.message})`,
      );
      return;
    }
    const tool = candidate as ToolDefinition;
    const existing = loaded.get(tool.name);
    if (existing) {
      problems.push(`${origin}: skipped tool "${tool.name}": the name is taken by ${existing.origin}`);
      return;
    }
    loaded.set(tool.name, { tool: isToolDefinition(tool) ? tool : defineTool(tool), origin });
  }

  const builtinDir = options.builtinDir ?? BUILTIN_DIR.pathname;
  for (const name of (await readdir(builtinDir).catch(() => [] as string[])).filter(isModuleFile).sort()) {
    try {
      for (const tool of await toolsOfModule(join(builtinDir, name))) add(tool, 'builtin');
    } catch (err) {
      problems.push(
        `built-in tools ${name}: could not be loaded (${(err as Error).message.split('\n')[0]}); skipped`,
      );
    }
  }

  for (const pattern of options.plugins) {
    const files: string[] = [];
    for await (const file of glob(pattern, { cwd: options.workspace })) files.push(file);
    if (files.length === 0) problems.push(`plugins: "${pattern}" matched no file in ${options.workspace}`);
    for (const file of files.sort()) {
      const abs = isAbsolute(file) ? file : join(options.workspace, file);
      const origin = relative(options.workspace, abs);
      try {
        const tools = await toolsOfModule(abs);
        if (tools.length === 0)
          problems.push(`${origin}: exports no tool (use defineTool, or export officeTools)`);
        for (const tool of tools) add(tool, origin);
      } catch (err) {
        problems.push(`${origin}: could not be loaded (${(err as Error).message.split('\n')[0]}); skipped`);
      }
    }
  }

  for (const { tool, origin } of options.extra ?? []) add(tool, origin, mcpToolShape);

  return {
    problems,
    registry: {
      get: (name) => loaded.get(name)?.tool,
      list: () => [...loaded.values()].map((t) => t.tool),
      origin: (name) => loaded.get(name)?.origin,
      isPlugin: (name) => {
        const origin = loaded.get(name)?.origin;
        return origin !== undefined && origin !== 'builtin';
      },
    },
  };
}
