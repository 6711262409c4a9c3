// The loop as `office serve` runs it ("Office Manager" behind the "Receptionist"): the same parts as `office run`,
// but templates, tools (and configured MCP servers) and the code index are opened once for the life of the server;
// each task gets its own model router, policy, reporter and stop signal.
import { lazyCodeIndexService } from '../code/lazy-service.js';
import type { CodeIndexService, IndexStats } from '../code/service.js';
import type { ApprovalMode } from '../cli/safety.js';
import { type Workspace, wireDeps } from '../cli/wiring.js';
import { warmCodeIndex } from '../mcp/warm-index.js';
import type { OfficeDeps } from '../office/orchestrate.js';
import type { Reporter, ToolRegistry } from '../office/ports.js';
import { loadTemplates } from '../templates/load.js';
import type { SandboxMode } from '../tools/sandbox.js';
import { openTools } from '../tools/open-tools.js';

export interface ServerLoop {
  readonly tools: ToolRegistry;
  /** The parts for one run of one task. */
  depsFor(run: { reporter: Reporter; signal: AbortSignal; offline: boolean }): Promise<OfficeDeps>;
  close(): Promise<void>;
}

export interface ServerLoopOptions {
  readonly approvalMode?: ApprovalMode;
  readonly sandboxMode?: SandboxMode;
  /** Every task without a model, whatever it asks. */
  readonly offline: boolean;
  readonly onWarning: (message: string) => void;
  /** Told how long each code-index query took, and whether this process had indexed the directory before. */
  readonly onIndex?: (warm: boolean, stats: IndexStats) => void;
}

/** Wraps the code service so that every answer's index statistics are reported (cold or warm). */
function measured(
  service: ReturnType<typeof warmCodeIndex>,
  onIndex: ServerLoopOptions['onIndex'],
): CodeIndexService {
  if (!onIndex) return service;
  const timed = async <T extends IndexStats | { stats: IndexStats }>(dir: string, work: () => Promise<T>) => {
    const warm = await service.isWarm(dir);
    const value = await work();
    onIndex(warm, 'stats' in value ? value.stats : value);
    return value;
  };
  return {
    index: (dir, o) => timed(dir, () => service.index(dir, o)),
    findSymbol: (dir, q, o) => timed(dir, () => service.findSymbol(dir, q, o)),
    callers: (dir, s, o) => timed(dir, () => service.callers(dir, s, o)),
    callees: (dir, s, o) => timed(dir, () => service.callees(dir, s, o)),
    trace: (query, o) => timed(query.dir, () => service.trace(query, o)),
    graph: (dir, o) => service.graph(dir, o),
    verifyPaths: (dir, p, o) => service.verifyPaths(dir, p, o),
  };
}

export async function openServerLoop(ws: Workspace, options: ServerLoopOptions): Promise<ServerLoop> {
  const templates = await loadTemplates(ws.root, ws.config.templates);
  const tools = await openTools({ workspace: ws.root, config: ws.config });
  for (const p of tools.problems) options.onWarning(`plugin problem: ${p}`);
  for (const p of tools.mcpProblems) options.onWarning(p);
  const code = measured(
    warmCodeIndex(
      lazyCodeIndexService({
        exclude: ws.config.code.exclude,
        maxFileBytes: ws.config.code.maxFileBytes,
        indexMinified: ws.config.code.indexMinified,
        maxDepth: ws.config.code.maxDepth,
      }),
    ),
    options.onIndex,
  );
  return {
    tools: tools.registry,
    async depsFor(run) {
      const deps = await wireDeps(
        ws,
        {
          reporter: run.reporter,
          signal: run.signal,
          // Nobody is at a prompt: a step policy asks about stops the task as needs_approval, for the API.
          interactive: false,
          onWarning: options.onWarning,
          offline: options.offline || run.offline,
          ...(options.approvalMode ? { approvalMode: options.approvalMode } : {}),
          ...(options.sandboxMode ? { sandboxMode: options.sandboxMode } : {}),
        },
        tools.registry,
        templates,
      );
      return { ...deps, services: { ...deps.services, code } };
    },
    close: tools.close,
  };
}
