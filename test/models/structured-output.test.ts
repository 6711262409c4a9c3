import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelRouter } from '../../src/models/router.js';
import { type FakeProvider, fakeEnv, reply, startFakeProvider } from '../helpers/fake-providers.js';
import { goodVerdict, modelsConfig, review, tempWorkspace } from './setup.js';

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

/** The user message of an Ollama /api/chat request. */
const userMessage = (fake: FakeProvider, i: number) => {
  const body = fake.chatRequests()[i]?.body as { messages: { role: string; content: string }[] };
  return body.messages.find((m) => m.role === 'user')?.content ?? '';
};

describe('structured output', () => {
  it('repairs invalid JSON in one round: the model sees its reply and the parse error', async () => {
    const ollama = await start('ollama', { chat: [reply('{"verdict": "APPROVE", '), reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review('Review plan P1.'));

    expect(result.ok && result.value).toEqual(goodVerdict);
    expect(result.calls.map((c) => c.outcome)).toEqual(['invalid_output', 'ok']);
    const repair = userMessage(ollama, 1);
    expect(repair).toContain('Review plan P1.');
    expect(repair).toContain('{"verdict": "APPROVE", ');
    expect(repair).toContain('not valid JSON');
    expect(repair).toContain('JSON only');
  });

  it('repairs a reply that fails the schema, quoting the exact validation errors', async () => {
    const ollama = await start('ollama', {
      chat: [reply({ verdict: 'MAYBE', summary: 'hmm' }), reply(goodVerdict)],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.ok).toBe(true);
    expect(result.calls[0]?.error).toMatch(/verdict/);
    const repair = userMessage(ollama, 1);
    expect(repair).toContain('Invalid option: expected one of "APPROVE"|"REVISE"');
    expect(repair).toContain('→ at verdict');
  });

  it('falls through to the next candidate after a second bad reply', async () => {
    const ollama = await start('ollama', { chat: [reply({ verdict: 1 }), reply('still not it')] });
    const openai = await start('openai', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen', 'openai:gpt-4o'] } }),
      env: fakeEnv({ ollama, openai }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.ok && result.provider).toBe('openai');
    expect(result.calls.map((c) => `${c.provider}:${c.outcome}`)).toEqual([
      'ollama:invalid_output',
      'ollama:invalid_output',
      'openai:ok',
    ]);
    expect(ollama.chatRequests()).toHaveLength(2);
  });

  it('gives the deterministic fallback a reason when every candidate returns bad output', async () => {
    const ollama = await start('ollama', { chat: [reply('x'), reply('y')] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/ollama:qwen: invalid output after one repair round/);
  });

  it('accepts a reply wrapped in a Markdown fence', async () => {
    const ollama = await start('ollama', {
      chat: [reply(`\`\`\`json\n${JSON.stringify(goodVerdict)}\n\`\`\``)],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    expect(result.ok && result.value).toEqual(goodVerdict);
    expect(result.calls).toHaveLength(1);
  });
});

describe('usage records', () => {
  it('takes token counts from the provider when it reports them', async () => {
    const openai = await start('openai', { chat: [reply(goodVerdict, { usage: { in: 1000, out: 200 } })] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o-mini'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
    });

    const result = await router.generate({ ...review(), taskId: 'task-1' });

    expect(result.calls[0]).toMatchObject({
      role: 'review',
      tier: 'large',
      provider: 'openai',
      model: 'gpt-4o-mini',
      tokens_in: 1000,
      tokens_out: 200,
      tokens_estimated: false,
      cache_hit: false,
      outcome: 'ok',
      task_id: 'task-1',
    });
    // gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens.
    expect(result.calls[0]?.cost_usd).toBeCloseTo((1000 * 0.15 + 200 * 0.6) / 1e6, 12);
  });

  it('estimates tokens (about four characters each) and says so when the provider reports none', async () => {
    const text = JSON.stringify(goodVerdict);
    const ollama = await start('ollama', { chat: [reply(goodVerdict, { usage: null })] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const request = review('Review plan P2.');
    const result = await router.generate(request);

    expect(result.calls[0]).toMatchObject({
      tokens_in: Math.ceil((request.system + request.prompt).length / 4),
      tokens_out: Math.ceil(text.length / 4),
      tokens_estimated: true,
      cost_usd: 0,
    });
  });
});
