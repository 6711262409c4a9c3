// `office mcp` as a child process, driven by the MCP SDK's own client: the tools it lists, exact call paths from a
// fixture, a warm index between calls, run_task stopping for approval with the argv, and errors worded as the CLI's.
import { cp, readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parse } from 'shell-quote';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { officeEnv } from '../helpers/clean-env.js';
import {
  BIN,
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  startOffice,
  type TempWorkspace,
  taskIds,
  waitFor,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
const open: { client: Client; pid: number | null }[] = [];

beforeEach(async () => {
  ws = await makeWorkspace();
  await writeConfig(ws, {});
  await cp(join(FIXTURES, 'ts-shop', 'src'), ws.path('src'), { recursive: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  const pids = open.map((o) => o.pid).filter((p): p is number => p !== null);
  await Promise.all(open.splice(0).map((o) => o.client.close()));
  // Closing the client ends the server: no office process outlives the test.
  await waitFor(() => pids.every((pid) => !alive(pid)), 'office mcp to exit', 10_000);
  await killStrayOffices();
  await ws.cleanup();
});

/** The command lines of this machine's processes (from /proc), arguments joined by spaces. */
async function commandLines(): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(
    pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
  );
  return lines.map((line) => line.split('\0').filter(Boolean).join(' '));
}

/** `office mcp --dir <workspace> ...args` on stdio, with the SDK's client connected to it. */
async function connect(args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--dir', ws.root, ...args],
    env: officeEnv(),
    cwd: ws.root,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'office-test', version: '1.0.0' });
  await client.connect(transport);
  open.push({ client, pid: transport.pid });
  // Listing the tools also makes the client check every structured result against the tool's output schema.
  await client.listTools();
  return client;
}

interface Served {
  status: string;
  paths: {
    hops: {
      qualified_name: string;
      file: string;
      call: { file: string; line: number; text: string } | null;
      edge: string | null;
      why?: string[];
    }[];
  }[];
  stats: { warm: boolean; cache: string; files: number };
}

async function call<T>(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  return {
    isError: result.isError === true,
    text: (result.content as { type: string; text: string }[])[0]?.text ?? '',
    data: result.structuredContent as T,
  };
}

describe('office mcp on stdio', () => {
  it("lists the code tools and run_task, with input schemas from the tools' zod schemas", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['callees', 'callers', 'find_symbol', 'graph_neighbourhood', 'run_task', 'search_code', 'trace'].sort(),
    );
    const trace = tools.find((t) => t.name === 'trace')!;
    expect(Object.keys(trace.inputSchema.properties ?? {}).sort()).toEqual(
      ['dir', 'from', 'max_depth', 'max_paths', 'to', 'why'].sort(),
    );
    expect(trace.inputSchema.required).toEqual(['from', 'to']);
    expect(trace.outputSchema?.properties).toHaveProperty('paths');
    expect(trace.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'run_task')?.inputSchema.required).toEqual(['request']);
  });

  it('traces the exact path through the fixture, the same as office trace --json, then serves it from the warm index', async () => {
    const client = await connect();
    const first = await call<Served>(client, 'trace', { from: 'checkout', to: 'chargeCard', dir: 'src' });
    expect(first.isError, first.text).toBe(false);
    expect(first.data.status).toBe('found');
    expect(first.data.paths[0]?.hops.map((h) => [h.qualified_name, h.call?.text ?? null, h.edge])).toEqual([
      ['checkout', null, null],
      ['OrderService.place', 'const receipt = await orders.place(cart);', 'method'],
      ['StripeGateway.charge', 'const chargeId = await this.gateway.charge(cart.total);', 'method'],
      ['chargeCard', 'return chargeCard(amount, 3);', 'direct'],
    ]);
    expect(first.text).toContain('checkout → chargeCard: 1 call path');
    expect(first.text).toContain('↳ gateways/stripe.ts:5:12  return chargeCard(amount, 3);  [direct]');

    const cli = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', ws.path('src'), '--json'], {
      cwd: ws.root,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(first.data.paths).toEqual((onlyJson(cli.stdout) as unknown as Served).paths);

    expect(first.data.stats.warm).toBe(false);
    const second = await call<Served>(client, 'trace', { from: 'checkout', to: 'chargeCard', dir: 'src' });
    expect(second.data.paths).toEqual(first.data.paths);
    expect(second.data.stats).toMatchObject({ warm: true, cache: 'hit', files: first.data.stats.files });
    expect(second.text).toContain('index: warm');

    // With why, each hop carries the way its function or receiver came to the call.
    const why = await call<Served>(client, 'trace', {
      from: 'checkout',
      to: 'chargeCard',
      dir: 'src',
      why: true,
    });
    expect(why.data.paths[0]?.hops.map((h) => h.why?.at(-1) ?? null)).toEqual([
      null,
      'its method .place',
      'its method .charge',
      'stored as .chargeCard',
    ]);
    expect(why.text).toContain('why: an instance of OrderService');
  });

  it('answers callers, callees, find_symbol, graph_neighbourhood and search_code from the same index', async () => {
    const client = await connect();
    const callers = await call<{ calls: { symbol: { qualified_name: string } }[]; stats: { warm: boolean } }>(
      client,
      'callers',
      { symbol: 'payments/card.ts:chargeCard', dir: 'src' },
    );
    expect(callers.data.calls.map((c) => c.symbol.qualified_name).sort()).toEqual([
      'StripeGateway.charge',
      'chargeCard',
    ]);
    expect(callers.data.stats.warm).toBe(false);

    const callees = await call<{
      calls: { symbol: { qualified_name: string; file: string } }[];
      stats: { warm: boolean };
    }>(client, 'callees', { symbol: 'StripeGateway.charge', dir: 'src' });
    expect(callees.data.calls.map((c) => [c.symbol.qualified_name, c.symbol.file])).toEqual([
      ['chargeCard', 'payments/card.ts'],
    ]);
    expect(callees.data.stats.warm).toBe(true);

    const found = await call<{ matches: { file: string; line: number }[] }>(client, 'find_symbol', {
      symbol: 'chargeCard',
      dir: 'src',
    });
    expect(found.data.matches.map((m) => `${m.file}:${m.line}`).sort()).toEqual([
      'legacy/card.ts:2',
      'payments/card.ts:1',
    ]);
    expect(found.text).toContain('2 symbols named chargeCard');

    const around = await call<{
      center: { ref: string };
      symbols: { qualified_name: string; distance: number }[];
      edges: { from: string; to: string; edge: string }[];
    }>(client, 'graph_neighbourhood', { symbol: 'StripeGateway.charge', dir: 'src', hops: 2 });
    expect(around.isError, around.text).toBe(false);
    expect(around.data.center.ref).toBe('gateways/stripe.ts:StripeGateway.charge');
    const at = Object.fromEntries(around.data.symbols.map((s) => [s.qualified_name, s.distance]));
    expect(at).toMatchObject({
      'StripeGateway.charge': 0,
      chargeCard: 1,
      'OrderService.place': 1,
      checkout: 2,
    });
    expect(around.data.edges).toContainEqual({
      from: 'orders/order-service.ts:OrderService.place',
      to: 'gateways/stripe.ts:StripeGateway.charge',
      call: expect.objectContaining({ line: 18 }),
      edge: 'method',
    });

    const search = await call<{ matches: { file: string }[] }>(client, 'search_code', {
      pattern: 'chargeCard\\(',
      dir: 'src',
    });
    expect(search.data.matches.map((m) => m.file)).toContain('src/gateways/stripe.ts');
  });

  it('returns a step that needs approval as needs_approval with its argv, runs nothing, and names commands that finish it', async () => {
    const client = await connect(['--offline']);
    const run = await call<{
      task_id: string;
      status: string;
      needs_approval: { step_id: string; tool: string; argv: string[] | null }[];
      approve_with: string[];
    }>(client, 'run_task', { request: 'run node --version' });
    expect(run.isError, run.text).toBe(false);
    expect(run.data.status).toBe('needs_approval');
    expect(run.data.needs_approval).toEqual([
      expect.objectContaining({ step_id: 'run', tool: 'run_command', argv: ['node', '--version'] }),
    ]);
    expect(run.text).toContain('needs approval: run (run_command, exec): node --version');
    expect(Object.keys((await readTask(ws, run.data.task_id)).steps)).toEqual([]);

    // The commands it names are real: a person runs them, and the task finishes.
    for (const line of run.data.approve_with) {
      const [program, ...args] = parse(line) as string[];
      expect(program).toBe('office');
      const done = await runOffice(args, { cwd: ws.root });
      expect(done.code, done.stderr).toBe(0);
    }
    const doc = await readTask(ws, run.data.task_id);
    expect(doc.status).toBe('succeeded');
    expect((doc.result as { stdout: string }).stdout.trim()).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it('asks even where the config would allow, unless started with an explicit --approval', async () => {
    await writeConfig(ws, {
      approval: { rules: [{ tool: 'run_command', commands: ['node'], decision: 'allow' }] },
    });
    const guarded = await connect(['--offline']);
    const asked = await call<{ status: string; needs_approval: { reason: string }[] }>(guarded, 'run_task', {
      request: 'run node --version',
    });
    expect(asked.data.status).toBe('needs_approval');
    expect(asked.data.needs_approval[0]?.reason).toContain('office mcp was started without --approval');

    const trusted = await connect(['--offline', '--approval', 'ask', '--sandbox', 'process']);
    const ran = await call<{ status: string; result: { stdout: string } }>(trusted, 'run_task', {
      request: 'run node --version',
    });
    expect(ran.data.status, ran.text).toBe('succeeded');
    expect(ran.data.result.stdout.trim()).toMatch(/^v\d+\./);
  });

  it('interrupts a running task when the client goes away, saving it for office resume, and leaves no process', async () => {
    await writeConfig(ws, {
      approval: { rules: [{ tool: 'run_command', commands: ['sleep'], decision: 'allow' }] },
    });
    const client = await connect(['--offline', '--approval', 'ask', '--sandbox', 'process']);
    const pid = open.at(-1)?.pid ?? null;
    const pending = client
      .callTool({ name: 'run_task', arguments: { request: 'run sleep 37.25' } })
      .catch(() => null);
    const taskId = await waitFor(async () => {
      for (const id of await taskIds(ws)) {
        const doc = await readTask(ws, id).catch(() => undefined);
        if (Object.values(doc?.steps ?? {}).some((step) => step.status === 'started')) return id;
      }
      return undefined;
    }, 'the sleep step to start');
    await waitFor(async () => (await commandLines()).includes('sleep 37.25'), 'the sleep to run');
    await client.close();
    open.splice(-1);
    await pending;
    await waitFor(() => pid !== null && !alive(pid), 'office mcp to exit', 15_000);
    await waitFor(async () => !(await commandLines()).includes('sleep 37.25'), 'the sleep to be killed');
    const doc = await readTask(ws, taskId);
    expect(doc.status).toBe('interrupted');
    expect(doc.error?.message).toBe(`interrupted; continue with \`office resume ${taskId}\``);
  });

  it('reports errors as MCP tool errors with the words the CLI uses', async () => {
    const client = await connect();
    const bad = await call(client, 'trace', { from: 'src/x.ts:', to: 'chargeCard', dir: 'src' });
    const cli = await runOffice(['trace', 'src/x.ts:', 'chargeCard', '--dir', ws.path('src')], {
      cwd: ws.root,
    });
    expect(cli.code).toBe(2);
    expect(bad.isError).toBe(true);
    expect(`office: ${bad.text}\n`).toBe(cli.stderr);

    const outside = await call(client, 'callers', { symbol: 'x', dir: '../..' });
    expect(outside.isError).toBe(true);
    expect(outside.text).toBe(
      `"../.." is outside the workspace ${ws.root}; office only reads and writes inside it.`,
    );
  });
});

/** One HTTP request to the server with the given headers; the status code. */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
  });
}

describe('office mcp --http', () => {
  it('serves Streamable HTTP on loopback, and refuses a request whose Host or Origin is not loopback', async () => {
    const server = startOffice(['mcp', '--dir', ws.root, '--http', '0'], { cwd: ws.root });
    const url = await waitFor(
      () => /at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(server.stderr())?.[1],
      'the URL',
    );
    const client = new Client({ name: 'office-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('trace');
      const found = await call<{ matches: unknown[] }>(client, 'find_symbol', {
        symbol: 'checkout',
        dir: 'src',
      });
      expect(found.data.matches).toEqual([expect.objectContaining({ file: 'checkout.ts', line: 15 })]);

      const port = new URL(url).port;
      expect(await statusOf(url, { host: `evil.example:${port}` })).toBe(403);
      expect(await statusOf(url, { origin: 'http://evil.example' })).toBe(403);
    } finally {
      await client.close();
      server.child.kill('SIGTERM');
    }
    const ended = await server.done;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toContain('office mcp: stopped (terminated)');
  });
});
