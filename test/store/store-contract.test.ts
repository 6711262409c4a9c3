// The TaskStore and AuditLog contract, one suite run against each backend (files under .office/, PostgreSQL):
// documents round-trip, concurrent writers lose nothing, one process at a time runs a task, dead letters and the
// audit chain behave the same.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditText } from '../../src/audit/audit-verify.js';
import { TaskBusy, TaskExists, TaskNotFound, UsageError } from '../../src/errors.js';
import { newTaskDocument } from '../../src/office/orchestrate.js';
import { openState, type StateBackend } from '../../src/store/open-state.js';
import { stateBackends } from '../helpers/backends.js';
import { makeWorkspace, REPO_ROOT, type TempWorkspace, waitFor } from '../helpers/workspace.js';

const OPEN_STATE = join(REPO_ROOT, 'dist/src/store/open-state.js');

/** A child process that opens the store and runs `body` (module code with `state` in scope), printing "ready". */
function child(root: string, url: string, body: string): { proc: ChildProcess; output: () => string } {
  const script = `
    const { openState } = await import(${JSON.stringify(OPEN_STATE)});
    const state = await openState(process.argv[1], { url: process.argv[2], leaseMs: 60000 });
    ${body}`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script, root, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { proc, output: () => out };
}

const ended = (proc: ChildProcess): Promise<number | null> =>
  proc.exitCode !== null
    ? Promise.resolve(proc.exitCode)
    : new Promise((r) => proc.once('exit', (code) => r(code)));

describe.each(stateBackends())('the $name store', (backend) => {
  let ws: TempWorkspace;
  let url: string;
  let state: StateBackend;

  beforeAll(async () => {
    if (!backend.options.skip) await backend.start();
  });
  afterAll(async () => {
    await backend.stop();
  });
  beforeEach(async () => {
    if (backend.options.skip) return;
    ws = await makeWorkspace();
    url = await backend.freshStore();
    state = await openState(ws.root, { url, leaseMs: 60_000 });
  });
  afterEach(async () => {
    if (backend.options.skip) return;
    await state.close();
    await ws.cleanup();
  });

  const create = (id: string, request = `request ${id}`, at = new Date()) =>
    state.store.create(newTaskDocument(id, request, ws.root, {}, at));

  describe('task documents', backend.options, () => {
    it('reads back the document it wrote, and refuses to create one over it', async () => {
      await create('t-1', 'find TODO in ./src');
      const doc = await state.store.read('t-1');
      expect(doc).toMatchObject({ task_id: 't-1', request: 'find TODO in ./src', status: 'running' });
      await expect(create('t-1', 'second')).rejects.toBeInstanceOf(TaskExists);
      expect((await state.store.read('t-1')).request).toBe('find TODO in ./src');
      await expect(state.store.read('t-2')).rejects.toBeInstanceOf(TaskNotFound);
    });

    it('keeps every one of many concurrent updates', async () => {
      await create('t-1');
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          state.store.update('t-1', (d) => {
            d.events.push({ at: new Date().toISOString(), type: `e${i}` });
          }),
        ),
      );
      const types = (await state.store.read('t-1')).events.map((e) => e.type).sort();
      expect(types).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`).sort());
    });

    it('keeps every update when three processes write one task at once', async () => {
      await create('t-1');
      const writers = ['a', 'b', 'c'].map((w) =>
        child(
          ws.root,
          url,
          `for (let i = 0; i < 10; i++) await state.store.update('t-1', (d) => { d.events.push({ at: new Date().toISOString(), type: '${w}' + i }); });
           await state.close();`,
        ),
      );
      const codes = await Promise.all(writers.map((w) => ended(w.proc)));
      expect(codes, writers.map((w) => w.output()).join('\n')).toEqual([0, 0, 0]);
      expect((await state.store.read('t-1')).events).toHaveLength(30);
    });

    it('lists newest first and resolves a unique prefix of an id', async () => {
      await create('20260101-a1', 'old', new Date('2026-01-01T00:00:00Z'));
      await create('20260102-b1', 'new', new Date('2026-01-02T00:00:00Z'));
      await create('20260102-b2', 'newer', new Date('2026-01-02T00:00:01Z'));
      const { tasks, problems } = await state.store.list();
      expect(problems).toEqual([]);
      expect(tasks.map((t) => t.task_id)).toEqual(['20260102-b2', '20260102-b1', '20260101-a1']);
      expect(await state.store.resolveId('20260101')).toBe('20260101-a1');
      await expect(state.store.resolveId('20260102')).rejects.toBeInstanceOf(UsageError);
      await expect(state.store.resolveId('2027')).rejects.toBeInstanceOf(TaskNotFound);
      // "_" is a letter of an id, not a pattern.
      await expect(state.store.resolveId('2026_')).rejects.toBeInstanceOf(TaskNotFound);
    });
  });

  describe('running a task', backend.options, () => {
    it('lets one process at a time run a task, and the next once it is released', async () => {
      await create('t-1');
      const release = await state.store.acquireRun('t-1');
      expect(await state.store.isRunLive('t-1')).toBe(true);
      await expect(state.store.acquireRun('t-1')).rejects.toBeInstanceOf(TaskBusy);
      await release();
      expect(await state.store.isRunLive('t-1')).toBe(false);
      const again = await state.store.acquireRun('t-1');
      await again();
    });

    it('takes over a task whose runner was killed', async () => {
      await create('t-1');
      const holder = child(
        ws.root,
        url,
        `await state.store.acquireRun('t-1'); console.log('held'); setInterval(() => {}, 1000);`,
      );
      await waitFor(() => holder.output().includes('held'), `the child to hold the task: ${holder.output()}`);
      await expect(state.store.acquireRun('t-1')).rejects.toBeInstanceOf(TaskBusy);
      expect((await state.store.runHolder('t-1')).type).toBe('live');
      holder.proc.kill('SIGKILL');
      await ended(holder.proc);
      expect((await state.store.runHolder('t-1')).type).toBe('none');
      const release = await state.store.acquireRun('t-1');
      await release();
    });
  });

  describe('dead letters', backend.options, () => {
    it('stores, lists, reads and removes them', async () => {
      const entry = { task_id: 't-1', request: 'r', reason: 'no plan', at: '2026-01-01T00:00:00.000Z' };
      await state.store.deadLetter(entry);
      await state.store.deadLetter({ ...entry, task_id: 't-2', at: '2026-01-02T00:00:00.000Z' });
      expect((await state.store.listDeadLetters()).entries.map((e) => e.task_id)).toEqual(['t-2', 't-1']);
      expect(await state.store.readDeadLetter('t-1')).toEqual(entry);
      await state.store.removeDeadLetter('t-1');
      expect(await state.store.readDeadLetter('t-1')).toBeUndefined();
    });
  });

  describe('the audit chain', backend.options, () => {
    it('chains the entries of two processes appending at once, and the chain verifies', async () => {
      const appenders = ['a', 'b'].map((w) =>
        child(
          ws.root,
          url,
          `for (let i = 0; i < 15; i++) await state.audit.append({ task_id: 't-${w}', type: 'tool_run', i });
           await state.close();`,
        ),
      );
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => state.audit.append({ task_id: 't-main', type: 'approval', i })),
      );
      const codes = await Promise.all(appenders.map((w) => ended(w.proc)));
      expect(codes, appenders.map((w) => w.output()).join('\n')).toEqual([0, 0]);
      const entries = await state.audit.read();
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await state.audit.read({ taskId: 't-a' })).toHaveLength(15);
      const { text, head } = await state.audit.export();
      expect(verifyAuditText(text, head)).toMatchObject({ ok: true, entries: 40 });
    });

    it('fails verification when an entry is changed after it was written', async () => {
      for (let i = 0; i < 3; i++) await state.audit.append({ task_id: 't-1', type: 'approval', i });
      const { text, head } = await state.audit.export();
      const edited = text.replace('"i":1', '"i":7');
      expect(verifyAuditText(edited, head).problems).toContainEqual(
        expect.objectContaining({ line: 2, problem: expect.stringContaining('edited') }),
      );
    });
  });
});
