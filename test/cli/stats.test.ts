// `office stats` through the real binary: tasks from real offline runs and hand-written task documents.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelCallRecord } from '../../src/schemas/model-call.js';
import {
  installFixtures,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  taskDocument,
  writeTask,
} from '../helpers/workspace.js';

/** No provider can be reached: no keys, and Ollama pointed at a closed loopback port. */
const OFFLINE_ENV = {
  GEMINI_API_KEY: '',
  GOOGLE_API_KEY: '',
  OPENAI_API_KEY: '',
  OLLAMA_HOST: 'http://127.0.0.1:9',
};
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root, env: OFFLINE_ENV });

interface StatsJson {
  tasks: number;
  by_status: Record<string, number>;
  finished: number;
  succeeded: number;
  success_rate: number | null;
  duration_ms: { count: number; p50: number | null; p95: number | null };
  models: {
    calls: number;
    cached: number;
    tokens_in: number;
    tokens_out: number;
    cost_usd: number;
    cache_hit_rate: number;
    fallbacks: number;
    fallback_roles: string[];
    by_tier: Record<string, { calls: number; tokens_in: number; tokens_out: number; cost_usd: number }>;
    by_provider: Record<string, { calls: number; cost_usd: number }>;
    by_model: Record<string, { calls: number; cached: number }>;
  };
  corrupt_files: { path: string; moved_to: string | null }[];
}

async function stats(args: string[] = []): Promise<StatsJson> {
  const run = await office(['stats', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return onlyJson(run.stdout) as unknown as StatsJson;
}

function call(fields: Partial<ModelCallRecord>): ModelCallRecord {
  return {
    at: ago(HOUR),
    role: 'plan',
    tier: 'medium',
    provider: 'ollama',
    model: 'qwen2.5-coder:7b',
    tokens_in: 0,
    tokens_out: 0,
    tokens_estimated: false,
    cost_usd: 0,
    latency_ms: 10,
    cache_hit: false,
    outcome: 'ok',
    ...fields,
  };
}

describe('office stats over real runs', () => {
  it('counts tasks by status and the success rate, and skips a corrupt task file, naming it', async () => {
    await installFixtures(ws);
    await ws.write('src/a.ts', '// TODO one\n');
    expect((await office(['run', '--offline', 'find TODO in ./src'])).code).toBe(0);
    expect((await office(['run', '--offline', 'find TODO in ./src'])).code).toBe(0);
    expect((await office(['run', '--offline', 'count once'])).code).toBe(3);
    expect((await office(['run', '--offline', 'frobnicate the widgets'])).code).toBe(1);
    await ws.write('.office/tasks/20200101-000000-badbad.json', '{ "version": 1, "task_id": ');

    const s = await stats();
    expect(s.tasks).toBe(4);
    expect(s.by_status).toMatchObject({ succeeded: 2, failed: 1, needs_approval: 1, running: 0 });
    expect(s.finished).toBe(3);
    expect(s.success_rate).toBeCloseTo(2 / 3, 3);
    expect(s.duration_ms.count).toBe(3);
    expect(s.duration_ms.p50).not.toBeNull();
    expect(s.models.calls).toBe(0);
    expect(s.corrupt_files.map((c) => c.path)).toEqual([
      ws.path('.office/tasks/20200101-000000-badbad.json'),
    ]);

    await ws.write('.office/tasks/20200101-000000-badbad2.json', 'not json');
    const text = await office(['stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^tasks +4$/m);
    expect(text.stdout).toContain('2 succeeded, 1 failed, 1 needs_approval');
    expect(text.stdout).toContain('67% (2 of 3 finished)');
    expect(text.stdout).toMatch(/^duration +p50 .+, p95 .+ \(3 finished tasks\)$/m);
    expect(text.stdout).toContain(
      `corrupt task file ${ws.path('.office/tasks/20200101-000000-badbad2.json')}`,
    );
  });
});

describe('office stats over hand-written task documents', () => {
  it('gives nearest-rank p50 and p95 of finished tasks', async () => {
    const durations = [400, 100, 500, 200, 300, 1_000, 700, 600, 900, 800];
    for (const [i, d] of durations.entries()) {
      await writeTask(
        ws,
        taskDocument({ task_id: `t${i}`, status: i === 0 ? 'failed' : 'succeeded', duration_ms: d }),
      );
    }
    // Not finished: its duration is left out.
    await writeTask(ws, taskDocument({ task_id: 'waiting', status: 'needs_approval', duration_ms: 99_999 }));
    const s = await stats();
    expect(s.duration_ms).toEqual({ count: 10, p50: 500, p95: 1_000 });
    expect(s.success_rate).toBe(0.9);
    const text = await office(['stats']);
    expect(text.stdout).toContain('p50 500 ms, p95 1.0 s (10 finished tasks)');
    expect(text.stdout).toContain('90% (9 of 10 finished)');
  });

  it('sums answered model calls apart from failed attempts, tokens and cost by tier, provider and model, with cache hits and fallbacks', async () => {
    await writeTask(
      ws,
      taskDocument({
        task_id: 'a',
        model_calls: [
          call({
            request_id: 'm1',
            role: 'decompose',
            tier: 'small',
            model: 'qwen2.5-coder:1.5b',
            tokens_in: 300,
            tokens_out: 40,
          }),
          call({ request_id: 'm2', tokens_in: 1_000, tokens_out: 250 }),
          call({ request_id: 'm3', cache_hit: true }),
        ],
      }),
    );
    await writeTask(
      ws,
      taskDocument({
        task_id: 'b',
        status: 'failed',
        model_calls: [
          // The review request: Ollama timed out, OpenAI answered.
          call({ request_id: 'm1', role: 'review', outcome: 'timeout', error: 'timed out' }),
          call({
            request_id: 'm1',
            role: 'review',
            provider: 'openai',
            model: 'gpt-4o-mini',
            tokens_in: 2_000,
            tokens_out: 500,
            cost_usd: 0.0006,
          }),
          // The plan request: no model answered, so the planner fell back to its templates.
          call({ request_id: 'm2', role: 'plan', outcome: 'error', error: 'connection refused' }),
          call({
            request_id: 'm2',
            role: 'plan',
            outcome: 'skipped',
            provider: 'gemini',
            model: 'gemini-2.5-flash',
          }),
        ],
      }),
    );
    const s = await stats();
    expect(s.models).toMatchObject({
      calls: 4,
      failed_attempts: 2,
      cached: 1,
      tokens_in: 3_300,
      tokens_out: 790,
      cost_usd: 0.0006,
      fallbacks: 1,
      fallback_roles: ['plan'],
    });
    expect(s.models.cache_hit_rate).toBeCloseTo(1 / 4, 3);
    expect(s.models.by_tier.small).toMatchObject({ calls: 1, tokens_in: 300, tokens_out: 40 });
    expect(s.models.by_tier.medium).toMatchObject({
      calls: 3,
      failed_attempts: 2,
      tokens_in: 3_000,
      tokens_out: 750,
      cost_usd: 0.0006,
    });
    expect(s.models.by_provider.ollama).toMatchObject({ calls: 3, failed_attempts: 2 });
    expect(s.models.by_provider.openai).toMatchObject({ calls: 1, cost_usd: 0.0006 });
    expect(s.models.by_provider.gemini).toBeUndefined();
    expect(s.models.by_model['ollama:qwen2.5-coder:7b']).toMatchObject({
      calls: 2,
      cached: 1,
      failed_attempts: 2,
    });

    const text = await office(['stats']);
    expect(text.stdout).toContain('4 calls, 1 cached (25% cache hits), 3,300 tokens in / 790 out, $0.0006');
    expect(text.stdout).toMatch(/^failed +2 attempts no model answered/m);
    expect(text.stdout).toContain('1 of 5 requests (plan)');
    expect(text.stdout).toMatch(/^ {2}openai +1 +0 +2,000 +500 +\$0\.0006$/m);
    expect(text.stdout).toMatch(/^ {2}ollama:qwen2\.5-coder:7b +2 +1 +1,000 +250 +\$0\.0000$/m);
  });

  it('--since counts only tasks created within the age given', async () => {
    await writeTask(ws, taskDocument({ task_id: 'hour', created_at: ago(HOUR) }));
    await writeTask(ws, taskDocument({ task_id: 'days', created_at: ago(50 * HOUR), status: 'failed' }));
    await writeTask(ws, taskDocument({ task_id: 'weeks', created_at: ago(500 * HOUR), status: 'failed' }));
    expect((await stats()).tasks).toBe(3);
    expect((await stats(['--since', '7d'])).by_status).toMatchObject({ succeeded: 1, failed: 1 });
    expect((await stats(['--since', '12h'])).tasks).toBe(1);
    expect((await stats(['--since', '30m'])).tasks).toBe(0);
    const text = await office(['stats', '--since', '12h']);
    expect(text.stdout).toMatch(/^tasks +1 created since \d{4}-\d\d-\d\d \d\d:\d\d \(12h\)$/m);
  });

  it('a bad --since exits 2 naming the accepted forms', async () => {
    const run = await office(['stats', '--since', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"yesterday"');
    expect(run.stderr).toContain('7d, 12h or 30m');
    expect(run.stdout).toBe('');
  });
});
