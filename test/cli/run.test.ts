// `office run` on a fresh workspace with no model and no keys: a result, a stored contract-valid plan, a listing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskDocumentSchema } from '../../src/schemas/task.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  taskIds,
} from '../helpers/workspace.js';
import { contractValidator } from '../schemas/plan-contract.js';

/** No provider can be reached: no keys, and Ollama pointed at a closed loopback port. */
const OFFLINE_ENV = { GEMINI_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_HOST: 'http://127.0.0.1:9' };

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/cart.ts', 'export function checkout() {\n  // TODO: apply discounts\n}\n');
  await ws.write('src/pay.ts', 'export function chargeCard() {}\n// TODO: retries\n');
  await ws.write('README.md', 'no todo here\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root, env: OFFLINE_ENV });

describe('office run, offline', () => {
  it('finds TODO in ./src and stores a contract-valid plan in the task document', async () => {
    const run = await office(['run', 'find TODO in ./src']);
    expect(run.stderr).toContain('succeeded');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('src/cart.ts:2:6: // TODO: apply discounts');
    expect(run.stdout).toContain('src/pay.ts:2:4: // TODO: retries');

    const [id] = await taskIds(ws);
    if (!id) throw new Error('no task file was written');
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.plans.length).toBeGreaterThan(0);
    const validate = contractValidator();
    for (const stored of doc.plans) {
      expect(validate(stored.plan), JSON.stringify(validate.errors)).toBe(true);
      expect(stored.plan.task_id).toBe(id);
    }
    expect(doc.plans[0]?.plan.steps.map((s) => s.action)).toEqual(['search_code']);
    expect(doc.result).toMatchObject({ total_matches: 2, files_matched: 2 });
  });

  it('finds the workspace from the current directory when no --dir is given', async () => {
    await ws.write('.office.config.json', '{}\n');
    // "in ." is the current folder (src), as in a shell.
    const run = await runOffice(['run', '--json', 'search for chargeCard in .'], {
      cwd: ws.path('src'),
      env: OFFLINE_ENV,
    });
    expect(run.code).toBe(0);
    expect(onlyJson(run.stdout).result).toMatchObject({ total_matches: 1 });
    expect(await taskIds(ws)).toHaveLength(1);
  });

  it('lists its tasks with office list --json', async () => {
    const first = await office(['run', '--json', 'find TODO in ./src']);
    const second = await office(['run', '--json', 'list files in ./src']);
    const list = await office(['list', '--json']);
    expect(list.code).toBe(0);
    const body = onlyJson(list.stdout) as { tasks: { task_id: string; status: string; request: string }[] };
    expect(body.tasks.map((t) => t.task_id).sort()).toEqual(
      [onlyJson(first.stdout).task_id, onlyJson(second.stdout).task_id].sort(),
    );
    expect(body.tasks.every((t) => t.status === 'succeeded')).toBe(true);
    expect(body.tasks.map((t) => t.request)).toContain('list files in ./src');
  });

  it('prints exactly one JSON object with --json', async () => {
    const run = await office(['run', '--json', 'find TODO in ./src']);
    expect(run.code).toBe(0);
    const out = onlyJson(run.stdout);
    expect(Object.keys(out).sort()).toEqual(
      ['duration_ms', 'error', 'request', 'result', 'status', 'subtasks', 'task_id', 'usage'].sort(),
    );
    expect(out).toMatchObject({ status: 'succeeded', request: 'find TODO in ./src', error: null });
    expect(out.subtasks).toEqual([
      { id: 'search', goal: 'Find TODO in ./src', status: 'succeeded', iterations: 1 },
    ]);
    expect(out.usage).toMatchObject({ model_calls: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 });
    expect(typeof out.duration_ms).toBe('number');
  });

  it('prints one JSON line per event with --output stream-json, from task_started to task_finished', async () => {
    const run = await office(['run', '--output', 'stream-json', 'find TODO in ./src']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l) as { type: string; status?: string; task_id: string });
    expect(events[0]?.type).toBe('task_started');
    expect(events.at(-1)).toMatchObject({ type: 'task_finished', status: 'succeeded' });
    const types = events.map((e) => e.type);
    for (const t of [
      'decomposed',
      'subtask_planned',
      'plan_validated',
      'step_started',
      'step_finished',
      'review',
    ])
      expect(types).toContain(t);
    expect(new Set(events.map((e) => e.task_id)).size).toBe(1);
  });

  it('fails with exit 1 on a request it does not understand, with a short list of what it knows and how to add a model', async () => {
    const run = await office(['run', '--json', 'make me a sandwich']);
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as { status: string; error: { code: string; message: string } };
    expect(out.status).toBe('failed');
    expect(out.error.code).toBe('not_understood');
    const lines = out.error.message.split('\n');
    expect(lines).toContain('  - find <pattern> in <dir>');
    expect(lines).toContain('  - trace <from> to <to> [in <dir>]');
    // One phrasing per intent: a list a person reads at a glance, each line short.
    expect(lines.filter((l) => l.startsWith('  - '))).toHaveLength(7);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(out.error.message).toContain('ollama pull');
    expect(out.error.message).toContain('OPENAI_API_KEY');
    expect(out.error.message).toContain('office doctor');
  });

  it('shows a stored task and its status', async () => {
    const run = await office(['run', '--json', 'find TODO in ./src']);
    const id = String(onlyJson(run.stdout).task_id);
    const show = await office(['show', id.slice(0, 17)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('plan search.p1');
    const full = await office(['show', id, '--json']);
    expect(taskDocumentSchema.parse(JSON.parse(full.stdout)).task_id).toBe(id);
    const status = await office(['status', id, '--json']);
    expect(status.code).toBe(0);
    expect(onlyJson(status.stdout)).toMatchObject({ task_id: id, status: 'succeeded' });
  });
});
