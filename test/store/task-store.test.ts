// Task store: documents round-trip, concurrent writers lose nothing, corrupt files are named and set aside.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptFileError, TaskBusy, TaskNotFound, UsageError } from '../../src/errors.js';
import { newTaskDocument } from '../../src/office/orchestrate.js';
import { createTaskStore, newTaskId, type TaskStore } from '../../src/store/task-store.js';
import { makeWorkspace, REPO_ROOT, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let store: TaskStore;

beforeEach(async () => {
  ws = await makeWorkspace();
  store = createTaskStore(ws.root);
});
afterEach(async () => {
  await ws.cleanup();
});

async function createTask(id: string, request = `request ${id}`, at = new Date()) {
  await store.create(newTaskDocument(id, request, ws.root, {}, at));
}

describe('task store', () => {
  it('writes a task document that reads back the same', async () => {
    await createTask('t-1', 'find TODO in ./src');
    const doc = await store.read('t-1');
    expect(doc).toMatchObject({
      task_id: 't-1',
      request: 'find TODO in ./src',
      status: 'running',
      version: 1,
    });
    const onDisk = JSON.parse(await ws.read('.office/tasks/t-1.json'));
    expect(onDisk).toEqual(doc);
  });

  it('refuses to create a task over an existing one', async () => {
    await createTask('t-1', 'first');
    await store.update('t-1', (d) => {
      d.status = 'succeeded';
    });
    await expect(createTask('t-1', 'second')).rejects.toThrow();
    expect((await store.read('t-1')).request).toBe('first');
  });

  it('keeps every one of many concurrent updates in one process', async () => {
    await createTask('t-1');
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update('t-1', (d) => {
          d.events.push({ at: new Date().toISOString(), type: `e${i}` });
        }),
      ),
    );
    const doc = await store.read('t-1');
    expect(doc.events.map((e) => e.type).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `e${i}`).sort(),
    );
  });

  it('keeps every update when four processes write one task at once', async () => {
    await createTask('t-1');
    const storeModule = join(REPO_ROOT, 'dist/src/store/task-store.js');
    const script = `
      const { createTaskStore } = await import(${JSON.stringify(storeModule)});
      const store = createTaskStore(process.argv[1]);
      for (let i = 0; i < 15; i++) {
        await store.update('t-1', (d) => { d.events.push({ at: new Date().toISOString(), type: process.argv[2] + '-' + i }); });
      }`;
    const run = promisify(execFile);
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((w) =>
        run(process.execPath, ['--input-type=module', '-e', script, ws.root, w], { timeout: 60_000 }),
      ),
    );
    const types = (await store.read('t-1')).events.map((e) => e.type);
    expect(types).toHaveLength(60);
    expect(new Set(types).size).toBe(60);
    const leftovers = (await readdir(ws.path('.office/tasks'))).filter((n) => n !== 't-1.json');
    expect(leftovers).toEqual([]);
  });

  it('names a truncated task file, sets it aside under .office/corrupt/, and lists the others', async () => {
    await createTask('t-good');
    await createTask('t-bad');
    const path = ws.path('.office/tasks/t-bad.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));

    const err = await store.read('t-bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptFileError);
    const corrupt = err as CorruptFileError;
    expect(corrupt.message).toContain(path);
    expect(corrupt.setAsideTo).toMatch(/[\\/]\.office[\\/]corrupt[\\/]t-bad\.json\.\d+$/);
    expect(await readFile(corrupt.setAsideTo ?? '', 'utf8')).toBe(text.slice(0, Math.floor(text.length / 2)));

    const listed = await store.list();
    expect(listed.tasks.map((t) => t.task_id)).toEqual(['t-good']);
  });

  it('reports a file that is JSON but not a task document, naming the field', async () => {
    await createTask('t-good');
    await ws.write('.office/tasks/t-odd.json', JSON.stringify({ version: 1, task_id: 't-odd' }));
    const { tasks, problems } = await store.list();
    expect(tasks.map((t) => t.task_id)).toEqual(['t-good']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('t-odd.json');
    expect(problems[0]?.message).toContain('request');
    expect(problems[0]?.setAsideTo).toContain(`${join('.office', 'corrupt')}`);
    expect(await readdir(ws.path('.office/tasks'))).not.toContain('t-odd.json');
  });

  it('refuses to update a corrupt task and sets it aside', async () => {
    await ws.write('.office/tasks/t-bad.json', '{"version": 1,');
    await expect(store.update('t-bad', () => {})).rejects.toBeInstanceOf(CorruptFileError);
    expect(await readdir(ws.path('.office/corrupt'))).toHaveLength(1);
  });

  it('lists tasks newest first', async () => {
    await createTask('t-old', 'old', new Date('2026-01-01T00:00:00Z'));
    await createTask('t-new', 'new', new Date('2026-06-01T00:00:00Z'));
    expect((await store.list()).tasks.map((t) => t.task_id)).toEqual(['t-new', 't-old']);
  });

  it('resolves an exact id or a unique prefix, and refuses ambiguous, unknown and unsafe ids', async () => {
    await createTask('20261123-100000-aaaa');
    await createTask('20261123-100000-aabb');
    await createTask('20261123-110000-cccc');
    expect(await store.resolveId('20261123-110')).toBe('20261123-110000-cccc');
    expect(await store.resolveId('20261123-100000-aaaa')).toBe('20261123-100000-aaaa');
    await expect(store.resolveId('20261123-100000-aa')).rejects.toBeInstanceOf(UsageError);
    await expect(store.resolveId('2025')).rejects.toBeInstanceOf(TaskNotFound);
    await expect(store.resolveId('../etc/passwd')).rejects.toBeInstanceOf(UsageError);
    await expect(store.read('.hidden')).rejects.toBeInstanceOf(UsageError);
  });

  it('makes task ids that sort by creation time', () => {
    const a = newTaskId(new Date('2026-11-23T10:00:00Z'));
    const b = newTaskId(new Date('2026-11-23T10:00:01Z'));
    expect(a < b).toBe(true);
    expect(a).toMatch(/^20261123-100000-[0-9a-f]{6}$/);
  });

  it('lets one process run a task at a time, and takes over the marker of a dead one', async () => {
    await createTask('t-1');
    const release = await store.acquireRun('t-1');
    await expect(store.acquireRun('t-1')).rejects.toBeInstanceOf(TaskBusy);
    await release();
    const again = await store.acquireRun('t-1');
    await again();

    const deadPid = 2 ** 30;
    await ws.write(
      '.office/tasks/t-1.run',
      JSON.stringify({ pid: deadPid, host: hostname(), at: new Date().toISOString() }),
    );
    const takeover = await store.acquireRun('t-1');
    expect(JSON.parse(await ws.read('.office/tasks/t-1.run')).pid).toBe(process.pid);
    await takeover();
  });

  it('does not take over a task marked as run on another host', async () => {
    await createTask('t-1');
    await ws.write(
      '.office/tasks/t-1.run',
      JSON.stringify({ pid: 1, host: 'elsewhere.example', at: new Date().toISOString() }),
    );
    const err = await store.acquireRun('t-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskBusy);
    expect((err as TaskBusy).message).toContain('elsewhere.example');
  });

  it('keeps dead letters, lists them newest first, and removes them', async () => {
    await store.deadLetter({ task_id: 't-1', request: 'r1', reason: 'no plan', at: '2026-01-01T00:00:00Z' });
    await store.deadLetter({
      task_id: 't-2',
      request: 'r2',
      reason: 'still no plan',
      at: '2026-02-01T00:00:00Z',
    });
    await ws.write('.office/dlq/t-3.json', '{oops');
    const { entries, problems } = await store.listDeadLetters();
    expect(entries.map((e) => e.task_id)).toEqual(['t-2', 't-1']);
    expect(problems[0]?.message).toContain('t-3.json');
    expect(await store.readDeadLetter('t-1')).toMatchObject({ reason: 'no plan' });
    await store.removeDeadLetter('t-1');
    expect(await store.readDeadLetter('t-1')).toBeUndefined();
  });
});
