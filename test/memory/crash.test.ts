// Plan memory survives a crash mid-write: a child process inserting in a loop is SIGKILLed at a random moment,
// and the index it leaves is readable, with every entry whole and none that was acknowledged lost.
import { type ChildProcess, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry, type MemoryEntry } from '../../src/memory/entry.js';
import { entryEmbedding } from '../../src/memory/hash-embedding.js';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import { makeWorkspace, REPO_ROOT, type TempWorkspace } from '../helpers/workspace.js';

const ROUNDS = 6;
/** Entries already in the index, so that each write takes long enough for a kill to land inside it. */
const PREFILLED = 1_500;
const workspaces: TempWorkspace[] = [];
const children = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await Promise.all(workspaces.splice(0).map((w) => w.cleanup()));
});

/** Remembers failures with distinct requests (none is merged into another) until killed; prints each count. */
const WRITER = `
  const { createPlanMemory } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/src/memory/plan-memory.js'))});
  const memory = createPlanMemory({ workspace: process.argv[1], fingerprint: async () => 'fixed' });
  for (let i = 0; ; i++) {
    await memory.remember({
      kind: 'failure', taskId: 'w-' + i, request: 'trace request number ' + i + ' through the checkout code',
      subtaskId: 's1', goal: 'find the call path ' + i, planSource: 'model',
      plan: { plan_id: 's1.p1', steps: [{ step_id: 'a', action: 'search_code', inputs: { pattern: 'x'.repeat(400) } }] },
      reasons: ['the reviewer wanted more context '.repeat(8)], durationMs: 10, tokens: 100,
    });
    process.stdout.write(i + 1 + '\\n');
  }`;

function startWriter(root: string): { child: ChildProcess; acknowledged: () => number } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let last = 0;
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    buffered += s;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) last = Math.max(last, Number(line));
  });
  return { child, acknowledged: () => last };
}

/** An index.json with PREFILLED whole entries, as vectra writes it. */
function prefilledIndex(): string {
  const items = Array.from({ length: PREFILLED }, (_, i) => {
    const entry: MemoryEntry = {
      id: `m-pre-${i}`,
      kind: 'failure',
      at: '2026-11-01T00:00:00.000Z',
      used_at: '2026-11-01T00:00:00.000Z',
      uses: 1,
      task_id: `p-${i}`,
      subtask_id: 's1',
      request: `earlier request ${i}`,
      request_key: `k${i}`,
      goal: 'earlier goal',
      goal_key: 'g',
      plan_id: 's1.p1',
      plan_source: 'model',
      steps: [{ step_id: 'a', action: 'search_code', inputs: { pattern: 'y'.repeat(400) } }],
      steps_hash: 'h',
      lesson: 'the plan was turned down: it wanted more context',
      reasons: ['it wanted more context'],
      duration_ms: 1,
      tokens: 1,
      fingerprint: 'fixed',
      rating: '',
      comment: '',
      reusable: true,
      text: `earlier request ${i}`,
      vector_model: 'hash-ngram-v1',
    };
    const vector = entryEmbedding(entry.request, entry.lesson);
    return { id: entry.id, metadata: encodeEntry(entry), vector, norm: 1 };
  });
  return JSON.stringify({ version: 1, metadata_config: {}, items });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('crash safety', () => {
  it('leaves a readable index with only whole entries after SIGKILL at a random moment of a write loop', async () => {
    const prefilled = prefilledIndex();
    for (let round = 0; round < ROUNDS; round++) {
      const ws = await makeWorkspace('office-memory-crash-');
      workspaces.push(ws);
      await ws.write('.office/memory/entries/index.json', prefilled);
      const writer = startWriter(ws.root);
      const target = 1 + Math.floor(Math.random() * 4);
      await until(() => writer.acknowledged() >= target, `${target} inserts`);
      const exited = new Promise((r) => writer.child.once('exit', r));
      if (round % 2 === 0) {
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        writer.child.kill('SIGKILL');
      } else {
        // Adversarial moment: as soon as the next write to the entries index starts.
        const watcher = watch(ws.path('.office/memory/entries'), () => writer.child.kill('SIGKILL'));
        await exited;
        watcher.close();
      }
      await exited;
      children.delete(writer.child);
      const acknowledged = writer.acknowledged();

      const raw = JSON.parse(await readFile(ws.path('.office/memory/entries/index.json'), 'utf8')) as {
        items: unknown[];
      };
      const warnings: string[] = [];
      const entries = await createPlanMemory({
        workspace: ws.root,
        onWarning: (m) => warnings.push(m),
      }).list();
      expect(warnings).toEqual([]);
      expect(entries).toHaveLength(raw.items.length);
      expect(entries.length).toBeGreaterThanOrEqual(PREFILLED + acknowledged);
      expect(entries.length).toBeLessThanOrEqual(PREFILLED + acknowledged + 1);
      expect(entries.every((e) => e.kind === 'failure' && e.lesson.includes('more context'))).toBe(true);
    }
    // The next writer takes over the dead writer's lock, and clears the temp file it may have left.
    const last = workspaces.at(-1) as TempWorkspace;
    const memory = createPlanMemory({ workspace: last.root, fingerprint: async () => 'fixed' });
    const before = (await memory.list()).length;
    await memory.remember({
      kind: 'success',
      taskId: 'after',
      request: 'after the crash',
      subtaskId: 's1',
      goal: 'go on',
      planSource: 'model',
      plan: { plan_id: 's1.p1', steps: [{ step_id: 'a', action: 'list_files', inputs: {} }] },
      reasons: [],
      durationMs: 1,
      tokens: 1,
    });
    expect(await memory.list()).toHaveLength(before + 1);
    expect((await readdir(last.path('.office/memory/entries'))).filter((n) => n.endsWith('.tmp'))).toEqual(
      [],
    );
  });
});
