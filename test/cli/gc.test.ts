// `office gc` through the real binary: what is old goes, what is running, waiting or dead-lettered stays,
// --dry-run removes nothing, and it says what it removed and how much space that freed.
import { utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import { newTaskDocument } from '../../src/office/orchestrate.js';
import type { TaskStatus } from '../../src/schemas/task.js';
import { createTaskStore } from '../../src/store/task-store.js';
import { outcome } from '../memory/helpers.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;

const OLD = new Date(Date.now() - 90 * 86_400_000);
const RECENT = new Date(Date.now() - 86_400_000);

beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

async function task(id: string, status: TaskStatus, at: Date): Promise<void> {
  const store = createTaskStore(ws.root);
  await store.create(newTaskDocument(id, `request ${id}`, ws.root, {}, at));
  const path = ws.path(`.office/tasks/${id}.json`);
  const doc = JSON.parse(await ws.read(`.office/tasks/${id}.json`)) as Record<string, unknown>;
  doc.status = status;
  doc.updated_at = at.toISOString();
  if (status !== 'running') doc.finished_at = at.toISOString();
  await ws.write(`.office/tasks/${id}.json`, JSON.stringify(doc));
  await utimes(path, at, at);
}

async function cacheFile(rel: string, at: Date): Promise<void> {
  await ws.write(
    rel,
    JSON.stringify({ version: 1, kind: 'chat', created_ms: at.getTime(), text: 'x'.repeat(100) }),
  );
  await utimes(ws.path(rel), at, at);
}

async function seed(): Promise<void> {
  await task('old-ok', 'succeeded', OLD);
  await task('old-failed', 'failed', OLD);
  await task('old-running', 'running', OLD);
  await task('old-waiting', 'needs_approval', OLD);
  await task('old-dlq', 'dead_lettered', OLD);
  await createTaskStore(ws.root).deadLetter({
    task_id: 'old-dlq',
    request: 'r',
    reason: 'no plan',
    at: OLD.toISOString(),
  });
  await task('new-ok', 'succeeded', RECENT);
  await cacheFile('.office/cache/models/ab/ab01.json', OLD);
  await cacheFile('.office/cache/models/cd/cd01.json', RECENT);
  await cacheFile('.office/cache/code/0123.facts.json', OLD);
  await cacheFile('.office/cache/code/4567.facts.json', RECENT);
  await createPlanMemory({ workspace: ws.root, now: () => OLD }).remember(outcome({ taskId: 'old-ok' }));
  await createPlanMemory({ workspace: ws.root, now: () => RECENT }).remember(
    outcome({ taskId: 'new-ok', request: 'another request' }),
  );
}

interface Report {
  dry_run: boolean;
  tasks: { task_id: string }[];
  model_cache: { files: number; bytes: number };
  code_cache: { files: string[] };
  memory: { entries: string[] };
  bytes_freed: number;
}

describe('office gc', () => {
  it('says what --dry-run would remove and removes nothing', async () => {
    await seed();
    const dry = await runOffice(['gc', '--older-than', '30d', '--dry-run', '--json'], { cwd: ws.root });
    expect(dry.code, dry.stderr).toBe(0);
    const report = onlyJson(dry.stdout) as unknown as Report;
    expect(report.dry_run).toBe(true);
    expect(report.tasks.map((t) => t.task_id).sort()).toEqual(['old-failed', 'old-ok']);
    expect(report.model_cache.files).toBe(1);
    expect(report.code_cache.files).toEqual(['0123.facts.json']);
    expect(report.memory.entries).toHaveLength(1);
    expect(report.bytes_freed).toBeGreaterThan(0);
    expect((await createTaskStore(ws.root).list()).tasks).toHaveLength(6);
    expect(await ws.read('.office/cache/models/ab/ab01.json')).toContain('chat');
    expect(await createPlanMemory({ workspace: ws.root }).list()).toHaveLength(2);
  });

  it('removes old finished tasks, cache files and memory entries, keeping running, waiting and dead-lettered tasks', async () => {
    await seed();
    const gc = await runOffice(['gc', '--older-than', '30d'], { cwd: ws.root });
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stdout).toContain('removed task old-ok (succeeded');
    expect(gc.stdout).toContain('removed code index cache 0123.facts.json');
    expect(gc.stdout).toContain('removed 1 model cache entry');
    expect(gc.stdout).toMatch(/freed [\d.]+ (B|KB|MB): 2 tasks, 1 memory entry, 2 cache files/);

    const left = (await createTaskStore(ws.root).list()).tasks.map((t) => t.task_id).sort();
    expect(left).toEqual(['new-ok', 'old-dlq', 'old-running', 'old-waiting']);
    await expect(ws.read('.office/cache/models/ab/ab01.json')).rejects.toThrow();
    expect(await ws.read('.office/cache/models/cd/cd01.json')).toContain('chat');
    expect(await ws.read('.office/cache/code/4567.facts.json')).toContain('chat');
    expect((await createPlanMemory({ workspace: ws.root }).list()).map((e) => e.task_id)).toEqual(['new-ok']);
  });

  it('takes its default age from retention.olderThanDays, and refuses an age it cannot read', async () => {
    await seed();
    await ws.write('.office.config.json', JSON.stringify({ retention: { olderThanDays: 365 } }));
    const kept = onlyJson((await runOffice(['gc', '--json'], { cwd: ws.root })).stdout) as unknown as Report;
    expect(kept.tasks).toEqual([]);
    const bad = await runOffice(['gc', '--older-than', 'a month'], { cwd: ws.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than takes an age');
  });
});
