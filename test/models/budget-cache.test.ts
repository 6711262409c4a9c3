import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDailySpend, checkBudget, readDailySpend, spendLedgerPath } from '../../src/models/budget.js';
import { modelCacheDir } from '../../src/models/cache.js';
import { createModelRouter } from '../../src/models/router.js';
import { type FakeProvider, fakeEnv, reply, startFakeProvider } from '../helpers/fake-providers.js';
import { fakeTime, goodVerdict, modelsConfig, review, tempWorkspace } from './setup.js';

let workspace: { dir: string; cleanup: () => Promise<void> };
const fakes: FakeProvider[] = [];
const start = async (...args: Parameters<typeof startFakeProvider>) => {
  const fake = await startFakeProvider(...args);
  fakes.push(fake);
  return fake;
};
beforeEach(async () => {
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await workspace.cleanup();
});

describe('budgets', () => {
  it('refuses a paid call that would pass the per-task budget, without any HTTP request, naming the budget', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o'] }, budget: { perTaskUsd: 0.001 } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
    });

    const result = await router.generate({ ...review(), taskId: 't1' });

    expect(result.ok).toBe(false);
    expect(openai.requests).toHaveLength(0);
    expect(result.calls).toHaveLength(1);
    expect(result.calls[0]?.outcome).toBe('refused_budget');
    expect(result.calls[0]?.error).toMatch(/per-task budget/);
    expect(result.calls[0]?.error).toMatch(/raise perTaskUsd in \.office\.config\.json/);
  });

  it('lets a free local model run after a paid one is refused', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o', 'ollama:qwen'] }, budget: { perTaskUsd: 0 } }),
      env: fakeEnv({ openai, ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.ok && result.provider).toBe('ollama');
    expect(result.calls.map((c) => c.outcome)).toEqual(['refused_budget', 'ok']);
  });

  it('counts tokens already spent by a resumed task against perTaskTokens', async () => {
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] }, budget: { perTaskTokens: 10_000 } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
      spentByTask: { t9: { tokens: 9_000, usd: 0 } },
    });

    const resumed = await router.generate({ ...review(), taskId: 't9' });
    const fresh = await router.generate({ ...review(), taskId: 'other' });

    expect(resumed.calls[0]?.error).toMatch(/per-task token budget.*raise perTaskTokens/);
    expect(fresh.ok).toBe(true);
    expect(ollama.chatRequests()).toHaveLength(1);
  });

  it('keeps the daily spend in a ledger that stops paid calls once perDayUsd would be passed', async () => {
    const time = fakeTime();
    const openai = await start('openai', {
      chat: [reply(goodVerdict, { usage: { in: 1_000_000, out: 0 } }), reply(goodVerdict)],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o-mini'] }, budget: { perDayUsd: 0.151 } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
      ...time,
    });

    const first = await router.generate(review('one'));
    const second = await router.generate(review('two'));

    expect(first.ok).toBe(true);
    expect(await readDailySpend(spendLedgerPath(workspace.dir), '2026-11-23')).toBeCloseTo(0.15, 10);
    expect(second.calls[0]?.outcome).toBe('refused_budget');
    expect(second.calls[0]?.error).toMatch(/daily budget.*raise perDayUsd/);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it('loses no spend when several writers add to the ledger at once', async () => {
    const path = spendLedgerPath(workspace.dir);
    await Promise.all(Array.from({ length: 12 }, () => addDailySpend(path, '2026-11-23', 0.01, 0)));

    expect(await readDailySpend(path, '2026-11-23')).toBeCloseTo(0.12, 10);
  });

  it('refuses paid calls under perDayUsd when the ledger is unreadable, naming its path', async () => {
    const path = spendLedgerPath(workspace.dir);
    await mkdir(join(workspace.dir, '.office', 'usage'), { recursive: true });
    await writeFile(path, '{ not json');
    const day = await readDailySpend(path, '2026-11-23');

    const decision = checkBudget(
      { perDayUsd: 5 },
      { taskUsd: 0, taskTokens: 0, dayUsd: day },
      { tokens: 10, usd: 0.01 },
    );

    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.message).toContain(path);
    await addDailySpend(path, '2026-11-23', 0.5, 42);
    expect(await readDailySpend(path, '2026-11-23')).toBe(0.5);
    expect(await readdir(join(workspace.dir, '.office', 'usage'))).toContain('spend.json.corrupt-42');
  });
});

describe('response cache', () => {
  it('answers a repeated request from .office/cache/models with no HTTP request, cost 0', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const config = modelsConfig({ tiers: { large: ['openai:gpt-4o'] } });
    const env = fakeEnv({ openai });
    await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());

    const again = await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());

    expect(again.ok && again.value).toEqual(goodVerdict);
    expect(openai.chatRequests()).toHaveLength(1);
    expect(again.calls).toHaveLength(1);
    expect(again.calls[0]).toMatchObject({ cache_hit: true, cost_usd: 0, tokens_in: 0, outcome: 'ok' });
  });

  it('serves a cached answer before trying to reach the provider, so a stopped provider costs nothing', async () => {
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const config = modelsConfig({ tiers: { large: ['ollama:qwen'] } });
    const env = fakeEnv({ ollama });
    await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());
    await ollama.close();

    const again = await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());

    expect(again.ok && again.value).toEqual(goodVerdict);
    expect(again.calls.map((c) => c.outcome)).toEqual(['ok']);
  });

  it('treats a corrupt cache entry as a miss', async () => {
    const ollama = await start('ollama', { chat: [reply(goodVerdict), reply(goodVerdict)] });
    const config = modelsConfig({ tiers: { large: ['ollama:qwen'] } });
    const env = fakeEnv({ ollama });
    await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());
    const dir = modelCacheDir(workspace.dir);
    const [sub] = await readdir(dir);
    const [file] = await readdir(join(dir, sub ?? ''));
    await writeFile(join(dir, sub ?? '', file ?? ''), '{"version":1,"kind":"chat"');

    const again = await createModelRouter({ config, env, workspace: workspace.dir }).generate(review());

    expect(again.ok).toBe(true);
    expect(again.calls[0]?.cache_hit).toBe(false);
    expect(ollama.chatRequests()).toHaveLength(2);
    expect(JSON.parse(await readFile(join(dir, sub ?? '', file ?? ''), 'utf8'))).toMatchObject({
      kind: 'chat',
    });
  });

  it('expires entries after the configured TTL', async () => {
    const time = fakeTime();
    const ollama = await start('ollama', { chat: [reply(goodVerdict), reply(goodVerdict)] });
    const config = modelsConfig({ tiers: { large: ['ollama:qwen'] }, cache: { ttlSeconds: 60 } });
    const env = fakeEnv({ ollama });
    await createModelRouter({ config, env, workspace: workspace.dir, now: time.now }).generate(review());
    time.advance(61_000);

    const again = await createModelRouter({ config, env, workspace: workspace.dir, now: time.now }).generate(
      review(),
    );

    expect(again.calls[0]?.cache_hit).toBe(false);
    expect(ollama.chatRequests()).toHaveLength(2);
  });
});
