// MCP servers as tools, in process: a real MCP server (written for the test on the SDK office uses) started as a
// child process, its tools in the registry, checked and run like any other tool; broken servers skipped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError, ToolError } from '../../src/errors.js';
import { validatePlan } from '../../src/office/validate.js';
import { configSchema, type OfficeConfig } from '../../src/schemas/config.js';
import type { ToolContext } from '../../src/tools/define-tool.js';
import { type OpenedTools, openTools } from '../../src/tools/open-tools.js';
import { resolveInside } from '../../src/util/workspace.js';
import {
  BROKEN_SERVER,
  noNotesServerLeft,
  notesPids,
  notesServerEntry,
  startNotesOverHttp,
} from '../helpers/mcp-notes.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let opened: OpenedTools | undefined;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await opened?.close();
  opened = undefined;
  await ws.cleanup();
});

function config(fields: Record<string, unknown>): OfficeConfig {
  return configSchema.parse(fields);
}

async function open(
  mcpServers: Record<string, unknown>,
  env: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  opened = await openTools({ workspace: ws.root, config: config({ mcpServers, ...extra }), env });
  return opened;
}

function context(cfg: OfficeConfig = config({})): ToolContext {
  return {
    workspace: ws.root,
    taskId: 't',
    stepId: 's',
    signal: new AbortController().signal,
    config: cfg,
    resolvePath: (p) => resolveInside(ws.root, p),
    log: () => {},
    services: {} as ToolContext['services'],
  };
}

function configError(mcpServers: unknown): string {
  try {
    parseConfig(JSON.stringify({ mcpServers }), '/w/.office.config.json');
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('mcpServers in the config', () => {
  it('names the field that is wrong', () => {
    expect(configError({ notes: {} })).toContain(
      'field "mcpServers.notes": give "command" (a program speaking MCP on stdio) or "url"',
    );
    expect(configError({ notes: { command: 'x', url: 'http://127.0.0.1:1/mcp' } })).toContain(
      'field "mcpServers.notes": give "command" (a program speaking MCP on stdio) or "url" (a Streamable HTTP endpoint), not both',
    );
    expect(configError({ notes: { url: 'ftp://example.com/mcp' } })).toContain(
      'field "mcpServers.notes.url": an http:// or https:// URL',
    );
    expect(configError({ notes: { command: 'x', headers: { A: 'b' } } })).toContain(
      'field "mcpServers.notes.headers": is for servers reached by "url"',
    );
    expect(configError({ notes: { command: 'x', risk: 'ask' } })).toContain(
      'field "mcpServers.notes.risk": one of read, write, exec, network',
    );
    expect(configError({ notes: { command: 'x', tools: { add: { risk: 'low' } } } })).toContain(
      'field "mcpServers.notes.tools.add.risk": one of read, write, exec, network',
    );
    expect(configError({ notes: { command: 'x', commnad: 'y' } })).toContain(
      'unknown field "commnad" in mcpServers.notes',
    );
    expect(configError({ 'My Notes': { command: 'x' } })).toContain('a server name is lower case');
  });
});

describe('tools of an MCP server', () => {
  it('join the registry as server.tool, with the risk the config gives (exec when it gives none)', async () => {
    const { registry, problems, mcpProblems, servers } = await open({
      notes: notesServerEntry(ws, { tools: { list_notes: { risk: 'read' } } }),
    });
    expect(problems).toEqual([]);
    expect(mcpProblems).toEqual([]);
    expect(servers).toEqual([
      expect.objectContaining({
        name: 'notes',
        transport: 'stdio',
        status: 'connected',
        tools: ['notes.add_note', 'notes.list_notes', 'notes.fail'],
      }),
    ]);
    expect(registry.get('notes.list_notes')?.risk).toBe('read');
    expect(registry.get('notes.add_note')?.risk).toBe('exec');
    expect(registry.origin('notes.add_note')).toBe('mcp:notes');
    // Its code runs outside office: policy treats it as a plugin (full-auto asks before it).
    expect(registry.isPlugin('notes.add_note')).toBe(true);
    expect(registry.get('list_files')).toBeDefined();
  });

  it("check a plan's inputs against the server's own input schema", async () => {
    const { registry } = await open({ notes: notesServerEntry(ws) });
    const plan = (inputs: Record<string, unknown>) => ({
      plan_id: 'p1',
      task_id: 't',
      metadata: {},
      steps: [{ step_id: 'add', action: 'notes.add_note', inputs, idempotency_key: 'k' }],
    });
    const ctx = { taskId: 't', tools: registry, maxStepTimeoutSeconds: 600, checkPath: () => null };
    expect(validatePlan(plan({ text: 'milk' }), ctx).ok).toBe(true);
    const missing = validatePlan(plan({}), ctx);
    expect(missing.issues).toEqual([
      expect.objectContaining({ rule: 'invalid_inputs', message: expect.stringContaining('input text') }),
    ]);
    const extra = validatePlan(plan({ text: 'milk', urgent: true }), ctx);
    expect(extra.ok).toBe(false);
  });

  it('run through the server: the result as text and data, and a tool error as a ToolError with its message', async () => {
    const { registry } = await open({ notes: notesServerEntry(ws) });
    const add = registry.get('notes.add_note')!;
    const added = (await add.run({ text: 'buy milk' }, context())) as { text: string };
    expect(added.text).toBe('noted: buy milk');
    expect(await ws.read('notes.txt')).toBe('buy milk\n');

    const list = await registry.get('notes.list_notes')!.run({}, context());
    expect(list).toEqual({
      server: 'notes',
      tool: 'list_notes',
      text: 'buy milk',
      structured: { notes: ['buy milk'] },
      other_blocks: 0,
      truncated: false,
    });
    expect(registry.get('notes.list_notes')!.summarize?.(list)).toBe('buy milk');

    const failed = registry.get('notes.fail')!.run({}, context());
    await expect(failed).rejects.toBeInstanceOf(ToolError);
    await expect(failed).rejects.toThrow('notes.fail reported an error: the notes database is locked');
  });

  it("cap a result's text at the sandbox output limit", async () => {
    await ws.write('notes.txt', `${'x'.repeat(3_000)}\n`);
    const cfg = config({ sandbox: { outputLimitBytes: 1_024 } });
    const { registry } = await open({ notes: notesServerEntry(ws) });
    const list = (await registry.get('notes.list_notes')!.run({}, context(cfg))) as {
      text: string;
      truncated: boolean;
    };
    expect(list.truncated).toBe(true);
    expect(list.text).toBe('x'.repeat(1_024));
  });

  it("take a variable reference in env from office's environment, and name a variable that is not set", async () => {
    const entry = notesServerEntry(ws);
    const env = { ...(entry.env as Record<string, string>), NOTES_FILE: `\${MY_NOTES}` };
    const { registry } = await open({ notes: { ...entry, env } }, { MY_NOTES: ws.path('mine.txt') });
    await registry.get('notes.add_note')!.run({ text: 'from env' }, context());
    expect(await ws.read('mine.txt')).toBe('from env\n');
    await opened?.close();

    const { servers, mcpProblems } = await open({ notes: { ...entry, env } }, {});
    expect(servers[0]).toMatchObject({ status: 'failed' });
    expect(mcpProblems).toEqual([
      `MCP server "notes" could not be used: env.NOTES_FILE uses \${MY_NOTES}, which is not set in office's environment; set it or change the config; skipped`,
    ]);
  });

  it('say which configured tool settings name no tool of the server', async () => {
    const { mcpProblems } = await open({
      notes: notesServerEntry(ws, { tools: { add_nte: { risk: 'write' } } }),
    });
    expect(mcpProblems).toEqual([
      'MCP server "notes": mcpServers.notes.tools.add_nte: the server offers no tool by that name (it offers add_note, list_notes, fail)',
    ]);
  });

  it('work over Streamable HTTP when the config gives a url', async () => {
    const server = await startNotesOverHttp(ws);
    try {
      const { registry, servers } = await open({ web: { url: server.url } });
      expect(servers[0]).toMatchObject({ transport: 'http', target: server.url, status: 'connected' });
      await registry.get('web.add_note')!.run({ text: 'over http' }, context());
      expect(await ws.read('notes.txt')).toBe('over http\n');
    } finally {
      await server.stop();
    }
  });
});

describe('an MCP server that cannot be used', () => {
  it('is reported with the reason and skipped; the other servers and the built-in tools still load', async () => {
    const { registry, servers, mcpProblems } = await open({
      broken: { command: process.execPath, args: [BROKEN_SERVER] },
      missing: { command: ws.path('no-such-program') },
      silent: {
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000)'],
        startupTimeoutMs: 300,
      },
      notes: notesServerEntry(ws),
    });
    expect(servers.map((s) => [s.name, s.status])).toEqual([
      ['broken', 'failed'],
      ['missing', 'failed'],
      ['silent', 'failed'],
      ['notes', 'connected'],
    ]);
    expect(mcpProblems).toEqual([
      expect.stringMatching(
        /^MCP server "broken" could not be used: .*\(its stderr: notes: cannot open the database \/nonexistent\/notes\.db\); skipped$/,
      ),
      `MCP server "missing" could not be used: cannot start "${ws.path('no-such-program')}": no such program (check mcpServers.missing.command); skipped`,
      'MCP server "silent" could not be used: starting and listing its tools took longer than 300 ms; skipped',
    ]);
    expect(registry.get('notes.add_note')).toBeDefined();
    expect(registry.list().some((t) => t.name.startsWith('broken.'))).toBe(false);
    expect(registry.get('list_files')).toBeDefined();
  });

  it('leaves no process behind once the tools are closed', async () => {
    const first = await open({ notes: notesServerEntry(ws) });
    expect(await notesPids(ws)).toHaveLength(1);
    await first.close();
    opened = undefined;
    expect(await noNotesServerLeft(ws)).toHaveLength(1);
  });
});
