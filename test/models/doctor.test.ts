import { afterEach, describe, expect, it } from 'vitest';
import { probeProviders } from '../../src/models/doctor.js';
import { closedPortUrl, type FakeProvider, fakeEnv, startFakeProvider } from '../helpers/fake-providers.js';
import { modelsConfig } from './setup.js';

const fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const config = modelsConfig({
  tiers: {
    small: ['ollama:qwen2.5-coder:1.5b', 'gemini:gemini-2.5-flash-lite'],
    medium: ['ollama:qwen2.5-coder:7b', 'openai:gpt-4o-mini'],
    large: ['openai:gpt-4o'],
    embed: ['ollama:nomic-embed-text'],
  },
});

describe('doctor probe', () => {
  it('lists reachable providers and their models, and which tier candidates are usable, never the key', async () => {
    const ollama = await startFakeProvider('ollama', {
      models: ['qwen2.5-coder:7b', 'nomic-embed-text:latest'],
    });
    const openai = await startFakeProvider('openai', { models: ['gpt-4o-mini'] });
    fakes.push(ollama, openai);

    const report = await probeProviders(config, fakeEnv({ ollama, openai }));

    const byName = Object.fromEntries(report.providers.map((p) => [p.provider, p]));
    expect(byName.ollama).toMatchObject({
      reachable: true,
      models: ['qwen2.5-coder:7b', 'nomic-embed-text:latest'],
    });
    expect(byName.ollama).not.toHaveProperty('keyFound');
    expect(byName.openai).toMatchObject({ keyFound: true, reachable: true, models: ['gpt-4o-mini'] });
    expect(byName.gemini).toEqual({
      provider: 'gemini',
      host: 'https://generativelanguage.googleapis.com',
      keyFound: false,
    });
    expect(report.tiers.small).toEqual([
      {
        candidate: 'ollama:qwen2.5-coder:1.5b',
        usable: false,
        reason: 'model not offered by ollama (run `ollama pull qwen2.5-coder:1.5b`)',
      },
      { candidate: 'gemini:gemini-2.5-flash-lite', usable: false, reason: 'no GEMINI_API_KEY' },
    ]);
    expect(report.tiers.medium.map((c) => c.usable)).toEqual([true, true]);
    expect(report.tiers.large).toEqual([
      { candidate: 'openai:gpt-4o', usable: false, reason: 'model not offered by openai' },
    ]);
    expect(report.tiers.embed).toEqual([{ candidate: 'ollama:nomic-embed-text', usable: true }]);
    expect(JSON.stringify(report)).not.toContain('test-openai-key');
  });

  it('reports an Ollama that is not running as unreachable, with the reason', async () => {
    const report = await probeProviders(config, fakeEnv({ ollama: await closedPortUrl() }));

    const ollama = report.providers.find((p) => p.provider === 'ollama');
    expect(ollama).toMatchObject({ reachable: false, error: expect.stringMatching(/connection refused/) });
    expect(report.tiers.embed[0]).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/ollama unreachable/),
    });
  });
});
