import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { candidatesFor, parseTierOverrides, resolveProviderSettings } from '../../src/models/settings.js';
import { modelsConfig } from './setup.js';

describe('provider settings', () => {
  it('takes hosts from the config and lets the environment override them and supply keys', () => {
    const { models } = modelsConfig({
      providers: { ollama: { host: 'http://gpu-box:11434' }, openai: { baseUrl: 'http://proxy/v1' } },
    });

    expect(resolveProviderSettings(models, {})).toEqual({
      ollama: { host: 'http://gpu-box:11434', contextWindow: {} },
      openai: { baseUrl: 'http://proxy/v1' },
      gemini: { baseUrl: 'https://generativelanguage.googleapis.com' },
    });
    const env = {
      OLLAMA_HOST: '127.0.0.1:9999',
      OPENAI_API_KEY: 'k1',
      GOOGLE_API_KEY: 'k2',
      GEMINI_BASE_URL: 'http://g',
    };
    expect(resolveProviderSettings(models, env)).toEqual({
      ollama: { host: 'http://127.0.0.1:9999', contextWindow: {} },
      openai: { baseUrl: 'http://proxy/v1', apiKey: 'k1' },
      gemini: { baseUrl: 'http://g', apiKey: 'k2' },
    });
    expect(
      resolveProviderSettings(models, { GEMINI_API_KEY: 'a', GOOGLE_API_KEY: 'b', OPENAI_API_KEY: ' ' })
        .gemini.apiKey,
    ).toBe('a');
    expect(resolveProviderSettings(models, { OPENAI_API_KEY: ' ' }).openai).not.toHaveProperty('apiKey');
  });

  it('parses --model overrides, several candidates per tier, models with a tag', () => {
    const overrides = parseTierOverrides([
      'medium=openai:gpt-4o-mini',
      'small=ollama:qwen2.5-coder:1.5b,gemini:gemini-2.5-flash-lite',
    ]);

    expect(overrides).toEqual({
      medium: ['openai:gpt-4o-mini'],
      small: ['ollama:qwen2.5-coder:1.5b', 'gemini:gemini-2.5-flash-lite'],
    });
    expect(candidatesFor(modelsConfig().models, overrides, 'small')).toEqual([
      { provider: 'ollama', model: 'qwen2.5-coder:1.5b', id: 'ollama:qwen2.5-coder:1.5b' },
      { provider: 'gemini', model: 'gemini-2.5-flash-lite', id: 'gemini:gemini-2.5-flash-lite' },
    ]);
  });

  it.each([
    ['openai:gpt-4o', /unknown or missing tier/],
    ['huge=openai:gpt-4o', /unknown or missing tier/],
    ['medium=anthropic:claude', /"anthropic:claude" is not PROVIDER:MODEL/],
    ['medium=openai:', /"openai:" is not PROVIDER:MODEL/],
  ])('rejects --model %s with a UsageError that shows the accepted form', (value, message) => {
    expect(() => parseTierOverrides([value])).toThrow(UsageError);
    expect(() => parseTierOverrides([value])).toThrow(message);
    expect(() => parseTierOverrides([value])).toThrow(/TIER=PROVIDER:MODEL/);
  });
});
