import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createModelRouter } from '../../src/models/router.js';
import type { ModelCallRecord } from '../../src/models/types.js';
import {
  closedPortUrl,
  type FakeProvider,
  fail,
  fakeEnv,
  hang,
  reply,
  startFakeProvider,
  wordVector,
} from '../helpers/fake-providers.js';
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

const outcomes = (calls: readonly ModelCallRecord[]) => calls.map((c) => `${c.provider}:${c.outcome}`);

describe('model router', () => {
  it('falls through the tier in order, ollama then gemini then openai, until one answers', async () => {
    const ollama = await start('ollama', { chat: [fail(500), fail(500), fail(500)] });
    const gemini = await start('gemini', { chat: [fail(400)] });
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen', 'gemini:gemini-2.5-pro', 'openai:gpt-4o'] } }),
      env: fakeEnv({ ollama, gemini, openai }),
      workspace: workspace.dir,
      ...time,
    });

    const result = await router.generate(review());

    expect(result.ok && result.value).toEqual(goodVerdict);
    expect(result.ok && `${result.provider}:${result.model}`).toBe('openai:gpt-4o');
    expect(outcomes(result.calls)).toEqual([
      'ollama:error',
      'ollama:error',
      'ollama:error',
      'gemini:error',
      'openai:ok',
    ]);
    expect(ollama.chatRequests()).toHaveLength(3);
    expect(gemini.chatRequests()).toHaveLength(1);
    expect(time.slept).toHaveLength(2);
  });

  it('tries a dead Ollama once per run, then skips it with its circuit open', async () => {
    const dead = await closedPortUrl();
    const openai = await start('openai', {
      chat: [reply(goodVerdict), reply(goodVerdict), reply(goodVerdict)],
    });
    const seen: ModelCallRecord[] = [];
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen', 'openai:gpt-4o'], small: ['ollama:tiny'] } }),
      env: fakeEnv({ ollama: dead, openai }),
      workspace: workspace.dir,
      onCall: (r) => seen.push(r),
      ...fakeTime(),
    });

    for (let i = 0; i < 3; i++) expect((await router.generate(review())).ok).toBe(true);
    const small = await router.generate({ ...review(), role: 'validate' });

    const ollamaRecords = seen.filter((r) => r.provider === 'ollama');
    expect(ollamaRecords.map((r) => r.outcome)).toEqual([
      'error',
      'circuit_open',
      'circuit_open',
      'circuit_open',
    ]);
    expect(ollamaRecords[0]?.error).toMatch(/connection refused/);
    expect(small.ok).toBe(false);
    expect(small.calls.map((c) => c.outcome)).toEqual(['circuit_open']);
  });

  it('waits as long as Retry-After says (seconds) before retrying the same candidate', async () => {
    const openai = await start('openai', { chat: [fail(429, { retryAfter: '2' }), reply(goodVerdict)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
      ...time,
    });

    const result = await router.generate(review());

    expect(result.ok).toBe(true);
    expect(time.slept).toEqual([2000]);
    expect(outcomes(result.calls)).toEqual(['openai:rate_limited', 'openai:ok']);
  });

  it('reads a Retry-After HTTP date relative to the clock', async () => {
    const time = fakeTime();
    const at = new Date(time.now() + 5000).toUTCString();
    const ollama = await start('ollama', { chat: [fail(503, { retryAfter: at }), reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
      ...time,
    });

    expect((await router.generate(review())).ok).toBe(true);
    expect(time.slept).toEqual([5000]);
  });

  it('moves to the next candidate instead of waiting when Retry-After asks for more than 30 s', async () => {
    const openai = await start('openai', { chat: [fail(429, { retryAfter: '120' })] });
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o', 'ollama:qwen'] } }),
      env: fakeEnv({ openai, ollama }),
      workspace: workspace.dir,
      ...time,
    });

    const result = await router.generate(review());

    expect(result.ok && result.provider).toBe('ollama');
    expect(time.slept).toEqual([]);
    expect(result.calls[0]?.error).toMatch(/Retry-After/);
  });

  it('backs off exponentially with full jitter when the server gives no Retry-After', async () => {
    const ollama = await start('ollama', { chat: [fail(500), fail(502), reply(goodVerdict)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
      random: () => 0.5,
      ...time,
    });

    expect((await router.generate(review())).ok).toBe(true);
    expect(time.slept).toEqual([250, 500]);
  });

  it('does not retry a 4xx other than 429 and opens that candidate at once on 401', async () => {
    const openai = await start('openai', { chat: [fail(401), reply(goodVerdict)] });
    const ollama = await start('ollama', { chat: [reply(goodVerdict), reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o', 'ollama:qwen'] } }),
      env: fakeEnv({ openai, ollama }),
      workspace: workspace.dir,
      ...fakeTime(),
    });

    const first = await router.generate(review('one'));
    const second = await router.generate(review('two'));

    expect(outcomes(first.calls)).toEqual(['openai:error', 'ollama:ok']);
    expect(outcomes(second.calls)).toEqual(['openai:circuit_open', 'ollama:ok']);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it('records a timeout when no answer comes in time, and falls through', async () => {
    const ollama = await start('ollama', { chat: [hang()] });
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen', 'openai:gpt-4o'] }, timeoutMs: 1500 }),
      env: fakeEnv({ ollama, openai }),
      workspace: workspace.dir,
      retry: { maxAttempts: 1 },
    });

    const result = await router.generate(review());

    expect(outcomes(result.calls)).toEqual(['ollama:timeout', 'openai:ok']);
    expect(result.calls[0]?.error).toMatch(/timed out after 1500 ms/);
  });

  it.each(['ollama', 'openai', 'gemini'] as const)(
    'gives up on a %s call that never answers when the timeout passes, and retries it',
    async (kind) => {
      const fake = await start(kind, { chat: [hang(), reply(goodVerdict)] });
      const time = fakeTime();
      const router = createModelRouter({
        config: modelsConfig({ tiers: { large: [`${kind}:m`] }, timeoutMs: 1500 }),
        env: fakeEnv({ [kind]: fake }),
        workspace: workspace.dir,
        sleep: time.sleep,
      });

      const result = await router.generate(review());

      expect(result.calls.map((c) => c.outcome)).toEqual(['timeout', 'ok']);
      expect(fake.chatRequests()).toHaveLength(2);
    },
  );

  it('skips a cloud candidate without its key and never calls it', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({
        tiers: { large: ['openai:gpt-4o', 'ollama:qwen'] },
        providers: { openai: { baseUrl: openai.baseUrl } },
      }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.calls[0]).toMatchObject({
      provider: 'openai',
      outcome: 'skipped',
      error: 'no OPENAI_API_KEY',
    });
    expect(result.ok && result.provider).toBe('ollama');
    expect(openai.requests).toHaveLength(0);
  });

  it('half-opens a circuit after the cool-down: one trial call, which closes it on success', async () => {
    const openai = await start('openai', { chat: [fail(500), fail(500), reply(goodVerdict)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({
        tiers: { large: ['openai:gpt-4o'] },
        breaker: { failureThreshold: 2, cooldownMs: 60_000 },
      }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
      retry: { maxAttempts: 1 },
      ...time,
    });

    await router.generate(review('a'));
    await router.generate(review('b'));
    const whileOpen = await router.generate(review('c'));
    time.advance(59_000);
    const stillOpen = await router.generate(review('d'));
    time.advance(1_000);
    const trial = await router.generate(review('e'));

    expect(whileOpen.calls.map((c) => c.outcome)).toEqual(['circuit_open']);
    expect(stillOpen.calls.map((c) => c.outcome)).toEqual(['circuit_open']);
    expect(trial.ok).toBe(true);
    expect(openai.chatRequests()).toHaveLength(3);
  });

  it('re-opens the circuit when the half-open trial fails', async () => {
    const openai = await start('openai', { chat: [fail(500), fail(500)] });
    const time = fakeTime();
    const router = createModelRouter({
      config: modelsConfig({
        tiers: { large: ['openai:gpt-4o'] },
        breaker: { failureThreshold: 1, cooldownMs: 1_000 },
      }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
      retry: { maxAttempts: 1 },
      ...time,
    });

    await router.generate(review('a'));
    time.advance(1_000);
    const trial = await router.generate(review('b'));
    const after = await router.generate(review('c'));

    expect(trial.calls.map((c) => c.outcome)).toEqual(['error']);
    expect(after.calls.map((c) => c.outcome)).toEqual(['circuit_open']);
    expect(openai.chatRequests()).toHaveLength(2);
  });

  it('takes --model overrides for a tier and rejects a malformed one with a UsageError', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
      modelOverrides: ['large=openai:gpt-4o-mini'],
    });

    const result = await router.generate(review());

    expect(result.ok && `${result.provider}:${result.model}`).toBe('openai:gpt-4o-mini');
    const bad = () =>
      createModelRouter({
        config: modelsConfig(),
        workspace: workspace.dir,
        modelOverrides: ['huge=openai:x'],
      });
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/TIER=PROVIDER:MODEL/);
  });

  it('is disabled offline and answers every request with a fallback and no call', async () => {
    const router = createModelRouter({ config: modelsConfig(), workspace: workspace.dir, offline: true });

    const result = await router.generate(review());

    expect(router.enabled).toBe(false);
    expect(result).toEqual({ ok: false, reason: 'models are off (--offline)', calls: [] });
  });

  it('embeds through the embed tier and falls through on a wrong number of vectors', async () => {
    const ollama = await start('ollama', { embed: [{ type: 'vectors', vectors: [[1, 2]], usage: null }] });
    const openai = await start('openai');
    const router = createModelRouter({
      config: modelsConfig({
        tiers: { embed: ['ollama:nomic-embed-text', 'openai:text-embedding-3-small'] },
      }),
      env: fakeEnv({ ollama, openai }),
      workspace: workspace.dir,
    });

    const result = await router.embed(['alpha', 'beta'], { taskId: 't1' });

    expect(result.ok && result.vectors).toEqual([wordVector('alpha'), wordVector('beta')]);
    expect(outcomes(result.calls)).toEqual(['ollama:invalid_output', 'openai:ok']);
    expect(result.calls[1]).toMatchObject({ role: 'embed', tier: 'embed', task_id: 't1', tokens_in: 10 });
  });
});
