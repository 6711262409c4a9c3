// `office mcp` (Receptionist): serves office's tools to MCP clients (Claude Code, Gemini CLI, Codex CLI, VS Code)
// on stdio, or on Streamable HTTP with --http PORT, until the client goes away or the process is stopped.
import { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { lazyCodeIndexService } from '../../code/lazy-service.js';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { isLoopbackHost, serveOverHttp } from '../../mcp/http.js';
import { createOfficeMcpServer, type FrontDoor } from '../../mcp/server.js';
import { warmCodeIndex } from '../../mcp/warm-index.js';
import { approvalModes } from '../../schemas/config.js';
import { loadTools } from '../../tools/registry.js';
import type { ApprovalMode } from '../safety.js';
import { withExclude } from '../exclude.js';
import { openWorkspace } from '../wiring.js';
import { oneOf } from '../flag-values.js';

export interface McpFlags {
  readonly dir?: string;
  readonly http?: string;
  readonly host?: string;
  readonly approval?: string;
  readonly sandbox?: string;
  readonly offline?: boolean;
  /** --exclude: more gitignore-style rules for the index and search_code, on top of config code.exclude. */
  readonly exclude?: readonly string[];
}

const VERSION = '0.1.0';

function portOf(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--http takes a port from 0 to 65535 (0: any free port), not "${value}"`);
  }
  return port;
}

/**
 * On stdio, stdout is the protocol channel: one stray line (a library's console.log) would break the session.
 * The transport gets stdout's real writer; everything else written to stdout goes to stderr.
 */
function stdoutForProtocol(): Writable {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: never, ...rest: never[]) =>
    process.stderr.write(chunk, ...rest)) as typeof process.stdout.write;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk, callback);
    },
  });
}

/** Resolves when the process is asked to stop (or, on stdio, when the client closes our stdin). */
function stopRequested(stdio: boolean): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('interrupted'));
    process.once('SIGTERM', () => resolve('terminated'));
    if (stdio) process.stdin.once('end', () => resolve('the client closed the connection'));
  });
}

/** Interrupts the tasks run_task is running and waits for them to store their state. */
async function finishTasks(stop: AbortController, running: ReadonlySet<Promise<unknown>>): Promise<void> {
  stop.abort();
  await Promise.allSettled([...running]);
}

export async function mcpCommand(flags: McpFlags): Promise<ExitCode> {
  const approvalMode = oneOf<ApprovalMode>('--approval', flags.approval, approvalModes);
  const sandboxMode = oneOf('--sandbox', flags.sandbox, ['auto', 'bwrap', 'process'] as const);
  const port = flags.http === undefined ? undefined : portOf(flags.http);
  if (flags.host !== undefined && port === undefined) throw new UsageError('--host goes with --http PORT');
  const host = flags.host ?? '127.0.0.1';

  const opened = await openWorkspace(flags.dir);
  const ws = {
    ...opened,
    config: { ...opened.config, code: withExclude(opened.config.code, flags.exclude) },
  };
  const { registry: builtins, problems } = await loadTools({ workspace: ws.root, plugins: [] });
  for (const p of problems) process.stderr.write(`office: ${p}\n`);
  // One code index for the life of the server, shared by the code tools and the steps of run_task.
  const code = warmCodeIndex(
    lazyCodeIndexService({
      exclude: ws.config.code.exclude,
      maxFileBytes: ws.config.code.maxFileBytes,
      indexMinified: ws.config.code.indexMinified,
      maxDepth: ws.config.code.maxDepth,
    }),
  );
  const stop = new AbortController();
  const running = new Set<Promise<unknown>>();
  const door: FrontDoor = {
    root: ws.root,
    config: ws.config,
    code,
    builtins,
    version: VERSION,
    runTask: {
      ws,
      code,
      offline: flags.offline ?? false,
      stopping: stop.signal,
      running,
      ...(approvalMode ? { approvalMode } : {}),
      ...(sandboxMode ? { sandboxMode } : {}),
    },
  };
  const mode = approvalMode
    ? `approval mode ${approvalMode} (from --approval)`
    : 'no step but a read runs without a person (start with --approval MODE to change that)';

  if (port === undefined) {
    const server = createOfficeMcpServer(door);
    await server.connect(new StdioServerTransport(process.stdin, stdoutForProtocol()));
    process.stderr.write(`office mcp: serving ${ws.root} on stdio; ${mode}\n`);
    const why = await stopRequested(true);
    await finishTasks(stop, running);
    await server.close();
    process.stderr.write(`office mcp: stopped (${why})\n`);
    return EXIT.ok;
  }

  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `office mcp: WARNING: listening on ${host}, not loopback: anyone who can reach it can read this workspace's ` +
        'code through office and start tasks (there is no authentication)\n',
    );
  }
  const http = await serveOverHttp({
    host,
    port,
    makeServer: () => createOfficeMcpServer(door),
    onError: (message) => process.stderr.write(`office mcp: ${message}\n`),
  });
  process.stderr.write(`office mcp: serving ${ws.root} at ${http.url}; ${mode}\n`);
  const why = await stopRequested(false);
  await finishTasks(stop, running);
  await http.close();
  process.stderr.write(`office mcp: stopped (${why})\n`);
  return EXIT.ok;
}
