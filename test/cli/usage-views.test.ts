// One count of model calls everywhere: `office status` (text and JSON), `office show` and `office stats` count the
// calls that were answered and list failed attempts apart, as the run footer does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelCallRecord } from '../../src/models/types.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  taskDocument,
  writeTask,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const call = (fields: Partial<ModelCallRecord>): ModelCallRecord => ({
  at: new Date().toISOString(),
  role: 'plan',
  tier: 'medium',
  provider: 'ollama',
  model: 'qwen2.5-coder:7b',
  tokens_in: 100,
  tokens_out: 20,
  tokens_estimated: false,
  cost_usd: 0,
  latency_ms: 10,
  cache_hit: false,
  outcome: 'ok',
  ...fields,
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

describe('model call counts', () => {
  it('agree between status, show and stats: answered calls, failed attempts apart', async () => {
    const id = '20261124-120000-calls1';
    await writeTask(
      ws,
      taskDocument({
        task_id: id,
        model_calls: [
          call({ request_id: 'r1', outcome: 'timeout', tokens_in: 0, tokens_out: 0 }),
          call({ request_id: 'r1', provider: 'openai', model: 'gpt-4o-mini' }),
          call({ request_id: 'r2', cache_hit: true }),
          call({ request_id: 'r3', outcome: 'invalid_output' }),
          call({ request_id: 'r3', outcome: 'skipped', provider: 'gemini', model: 'gemini-2.5-flash' }),
        ],
      }),
    );
    const line =
      'models: 2 calls (1 cached), 2 failed attempts, 300 tokens in / 60 out, $0; fallback: 1 (plan)';
    expect((await office(['status', id])).stdout).toContain(line);
    expect((await office(['show', id])).stdout).toContain(line);
    const json = onlyJson((await office(['status', id, '--json'])).stdout) as {
      usage: Record<string, number>;
    };
    expect(json.usage).toMatchObject({ model_calls: 2, failed_attempts: 2, cache_hits: 1, tokens_in: 300 });
    const stats = onlyJson((await office(['stats', '--json'])).stdout) as { models: Record<string, number> };
    expect(stats.models).toMatchObject({ calls: 2, failed_attempts: 2, cached: 1, tokens_in: 300 });
  });
});
