// MCP servers as tools through the real binary: a configured server's tool used by `office run` through the whole
// loop (validation, policy, approval, audit, redaction), and a broken server reported and skipped.
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKEN_SERVER, noNotesServerLeft, notesServerEntry } from '../helpers/mcp-notes.js';
import {
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  // Intent templates of the user's own that name the notes server's tools.
  await ws.write(
    'office-templates/note.json',
    JSON.stringify({
      id: 'note',
      description: 'Add a note through the notes MCP server.',
      rank: 5,
      phrasings: ['note <text>'],
      patterns: ['^note (?<text>.+)$'],
      subtasks: [
        {
          id: 'note',
          goal: 'Note {{text}}',
          steps: [{ step_id: 'add', action: 'notes.add_note', inputs: { text: '{{text}}' } }],
        },
      ],
    }),
  );
  await ws.write(
    'office-templates/show-notes.json',
    JSON.stringify({
      id: 'show-notes',
      description: 'List the notes.',
      rank: 5,
      phrasings: ['show notes'],
      patterns: ['^show notes$'],
      subtasks: [
        {
          id: 'show',
          goal: 'Show the notes',
          steps: [{ step_id: 'list', action: 'notes.list_notes', inputs: {} }],
        },
      ],
    }),
  );
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) =>
  runOffice([...args, '--dir', ws.root], { cwd: ws.root, timeoutMs: 90_000 });

async function configure(mcpServers: Record<string, unknown>): Promise<void> {
  await writeConfig(ws, { templates: ['./office-templates'], mcpServers });
}

async function taskFile(id: string): Promise<string> {
  return readFile(ws.path(`.office/tasks/${id}.json`), 'utf8');
}

describe('an MCP server configured in .office.config.json', () => {
  it('lends office run a tool that goes through approval and into the audit trail, and is stopped when the run ends', async () => {
    await configure({ notes: notesServerEntry(ws) });

    const first = await office(['run', 'note buy milk', '--json']);
    expect(first.code, first.stderr).toBe(3);
    const waiting = onlyJson(first.stdout) as { task_id: string; status: string; error: { message: string } };
    expect(waiting.status).toBe('needs_approval');
    expect(waiting.error.message).toContain('add (notes.add_note, exec): ask mode asks before commands');
    // Nothing ran before the approval.
    await expect(ws.read('notes.txt')).rejects.toThrow();

    const approve = await office(['approve', waiting.task_id, '--all']);
    expect(approve.code, approve.stderr).toBe(0);
    const resumed = await office(['resume', waiting.task_id, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = onlyJson(resumed.stdout) as { status: string; result: { text: string; server: string } };
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ server: 'notes', tool: 'add_note', text: 'noted: buy milk' });
    expect(await ws.read('notes.txt')).toBe('buy milk\n');

    const audit = (await linesOf(ws, '.office/audit.jsonl')).map(
      (l) => JSON.parse(l) as { type: string; tool?: string; action?: string; by?: string; status?: string },
    );
    expect(audit.map((e) => [e.type, e.tool ?? e.action, e.by ?? e.status])).toEqual([
      ['approval_needed', 'notes.add_note', 'mode:ask/exec'],
      ['approval', 'notes.add_note', 'office approve'],
      ['tool_run', 'notes.add_note', 'succeeded'],
    ]);
    const verify = await office(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // office run and office resume each started the server once, and stopped it when they ended.
    expect(await noNotesServerLeft(ws)).toHaveLength(2);
  });

  it('runs a tool the config classes as read without asking, and masks a secret in its output', async () => {
    const key = `sk-proj-${'A1b2C3d4'.repeat(4)}`;
    await ws.write('notes.txt', `call the bank\nkey ${key}\n`);
    await configure({ notes: notesServerEntry(ws, { tools: { list_notes: { risk: 'read' } } }) });
    const run = await office(['run', 'show notes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = onlyJson(run.stdout) as { task_id: string; result: { structured: { notes: string[] } } };
    expect(out.result.structured.notes[0]).toBe('call the bank');
    const stored = await taskFile(out.task_id);
    expect(stored).toContain('call the bank');
    expect(stored).not.toContain(key);
    expect(stored).toContain('[redacted]');
    const audit = await readFile(ws.path('.office/audit.jsonl'), 'utf8');
    expect(audit).toContain('"notes.list_notes"');
    expect(audit).not.toContain(key);
  });

  it('is refused by a policy rule naming server.tool', async () => {
    await writeConfig(ws, {
      templates: ['./office-templates'],
      mcpServers: { notes: notesServerEntry(ws) },
      approval: { rules: [{ tool: 'notes.add_note', decision: 'deny', reason: 'notes are read-only here' }] },
      maxIterations: 1,
    });
    const run = await office(['run', 'note buy milk', '--json']);
    expect(run.code).not.toBe(0);
    const tasks = await readdir(ws.path('.office/tasks'));
    const stored = await taskFile(tasks[0]!.replace(/\.json$/, ''));
    expect(stored).toContain('notes are read-only here');
    await expect(ws.read('notes.txt')).rejects.toThrow();
  });
});

describe('an MCP server that fails to start', () => {
  beforeEach(async () => {
    await configure({
      broken: { command: process.execPath, args: [BROKEN_SERVER] },
      notes: notesServerEntry(ws, { tools: { list_notes: { risk: 'read' } } }),
    });
  });

  it('is named by office doctor with the reason, next to the servers that work', async () => {
    const text = await office(['doctor']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^mcp +2 servers in mcpServers\n +broken \(stdio .*broken-server\.js\) +FAILED, skipped: .*\(its stderr: notes: cannot open the database \/nonexistent\/notes\.db\)\n +notes \(stdio .*notes-server\.js\) +3 tools: notes\.add_note, notes\.list_notes, notes\.fail$/m,
    );
    const json = await office(['doctor', '--json']);
    const report = onlyJson(json.stdout) as {
      mcp_servers: { name: string; status: string; tools: string[]; error?: string }[];
    };
    expect(report.mcp_servers).toEqual([
      expect.objectContaining({
        name: 'broken',
        status: 'failed',
        tools: [],
        error: expect.stringContaining('cannot open the database'),
      }),
      expect.objectContaining({
        name: 'notes',
        status: 'connected',
        tools: ['notes.add_note', 'notes.list_notes', 'notes.fail'],
      }),
    ]);
  });

  it('is skipped by office run with a warning: the run goes on with the other tools', async () => {
    await ws.write('notes.txt', 'call the bank\n');
    const run = await office(['run', 'show notes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /office: MCP server "broken" could not be used: .*cannot open the database.*; skipped/,
    );
    expect((onlyJson(run.stdout) as { status: string }).status).toBe('succeeded');
  });
});
