import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { fitContext } from '../../src/models/context-window.js';
import { jsonSchemaFor } from '../../src/models/json-schema.js';
import { createModelRouter } from '../../src/models/router.js';
import { type FakeProvider, fail, fakeEnv, reply, startFakeProvider } from '../helpers/fake-providers.js';
import { goodVerdict, modelsConfig, review, tempWorkspace, verdictSchema } from './setup.js';

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
  vi.restoreAllMocks();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await workspace.cleanup();
});

type OllamaBody = {
  model: string;
  format: unknown;
  options: { num_ctx: number };
  messages: { role: string; content: string }[];
};
type OpenAiBody = {
  model: string;
  messages: { role: string; content: string }[];
  response_format: {
    type: string;
    json_schema?: { name: string; strict: boolean; schema: Record<string, unknown> };
  };
};

describe('ollama provider', () => {
  it('sends the JSON Schema as format, the system prompt, and num_ctx sized from the prompt', async () => {
    const ollama = await start('ollama', { chat: [reply(goodVerdict), reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen2.5-coder:14b'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    await router.generate(review('short'));
    await router.generate(review('x'.repeat(20_000)));

    const [short, long] = ollama.chatRequests().map((r) => r.body as OllamaBody);
    expect(short?.model).toBe('qwen2.5-coder:14b');
    expect(short?.format).toEqual(jsonSchemaFor(verdictSchema));
    expect(short?.messages[0]).toEqual({ role: 'system', content: 'You review plans.' });
    expect(short?.options.num_ctx).toBe(2048);
    // 20,000 chars ≈ 5,715 tokens + system + 1,024 reserved for the reply → the next power of two.
    expect(long?.options.num_ctx).toBe(8192);
  });

  it('trims an over-long prompt itself (start and end kept, middle marked) and records that it did', async () => {
    const ollama = await start('ollama', { chat: [reply(goodVerdict)] });
    const router = createModelRouter({
      config: modelsConfig({
        tiers: { large: ['ollama:qwen'] },
        providers: { ollama: { contextWindow: { qwen: 4096 } } },
      }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });
    const prompt = `BEGIN-${'a'.repeat(30_000)}${'z'.repeat(30_000)}-END`;

    const result = await router.generate(review(prompt));

    const sent = ollama.chatRequests()[0]?.body as OllamaBody;
    const user = sent.messages[1]?.content ?? '';
    expect(sent.options.num_ctx).toBe(4096);
    expect(user.length).toBeLessThan((4096 - 1024) * 3.5);
    expect(user.startsWith('BEGIN-aaa')).toBe(true);
    expect(user.endsWith('zzz-END')).toBe(true);
    expect(user).toMatch(/\[… \d+ characters cut here by office to fit the model's context window …\]/);
    expect(result.calls[0]?.prompt_trimmed).toBe(true);
  });

  it('prints nothing on stdout when Ollama answers an error with a non-JSON body', async () => {
    const ollama = await start('ollama', {
      chat: [fail(500, { contentType: 'text/plain', body: 'upstream exploded' })],
    });
    const log = vi.spyOn(console, 'log');
    const write = vi.spyOn(process.stdout, 'write');
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['ollama:qwen'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
      retry: { maxAttempts: 1 },
    });

    const result = await router.generate(review());

    expect(result.calls[0]?.error).toMatch(/^HTTP 500: upstream exploded/);
    expect(log).not.toHaveBeenCalled();
    expect(write.mock.calls.map((c) => String(c[0])).join('')).not.toContain('Getting text from response');
  });

  it('embeds through /api/embed with the usage it reports', async () => {
    const ollama = await start('ollama', {
      embed: [{ type: 'vectors', vectors: [[0.1, 0.2]], usage: { in: 3, out: 0 } }],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { embed: ['ollama:nomic-embed-text'] } }),
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
    });

    const result = await router.embed(['hello']);

    expect(result.ok && result.vectors).toEqual([[0.1, 0.2]]);
    expect(ollama.requests[0]).toMatchObject({
      path: '/api/embed',
      body: { model: 'nomic-embed-text', input: ['hello'] },
    });
    expect(result.calls[0]).toMatchObject({ tokens_in: 3, tokens_estimated: false });
  });
});

describe('fitContext', () => {
  it('keeps a prompt that fits untouched and picks the smallest power of two from 2048', () => {
    expect(fitContext({ system: 's', prompt: 'p', maxNumCtx: 32_768 })).toEqual({
      numCtx: 2048,
      prompt: 'p',
      trimmed: false,
      trimmedChars: 0,
    });
  });
});

describe('openai provider', () => {
  it('asks for strict json_schema output: objects closed, every property required, optionals nullable', async () => {
    const openai = await start('openai', { chat: [reply({ ...goodVerdict, note: null })] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['openai:gpt-4o'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    const body = openai.chatRequests()[0]?.body as OpenAiBody;
    expect(openai.chatRequests()[0]?.headers.authorization).toBe('Bearer test-openai-key');
    expect(body.messages).toEqual([
      { role: 'system', content: 'You review plans.' },
      { role: 'user', content: 'Review this plan.' },
    ]);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'verdict',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            verdict: { type: 'string', enum: ['APPROVE', 'REVISE'] },
            summary: { type: 'string' },
            note: { type: ['string', 'null'] },
          },
          required: ['verdict', 'summary', 'note'],
          additionalProperties: false,
        },
      },
    });
    // The strict-mode null for an optional field is dropped before zod sees it.
    expect(result.ok && result.value).toEqual(goodVerdict);
  });

  it('falls back to json_object, with the schema in the system prompt, when the schema has a free-form map', async () => {
    const withRecord = z.strictObject({ inputs: z.record(z.string(), z.unknown()) });
    const openai = await start('openai', { chat: [reply({ inputs: { path: 'src' } })] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { medium: ['openai:gpt-4o-mini'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
    });

    const result = await router.generate({
      role: 'plan',
      schema: withRecord,
      schemaName: 'plan',
      system: 'Plan.',
      prompt: 'Go.',
    });

    const body = openai.chatRequests()[0]?.body as OpenAiBody;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]?.content).toContain('Reply with one JSON object only');
    expect(body.messages[0]?.content).toContain(JSON.stringify(jsonSchemaFor(withRecord)));
    expect(result.ok && result.value).toEqual({ inputs: { path: 'src' } });
  });

  it('embeds through /v1/embeddings as floats', async () => {
    const openai = await start('openai', {
      embed: [{ type: 'vectors', vectors: [[1], [2]], usage: { in: 4, out: 0 } }],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { embed: ['openai:text-embedding-3-small'] } }),
      env: fakeEnv({ openai }),
      workspace: workspace.dir,
    });

    const result = await router.embed(['a', 'b']);

    expect(result.ok && result.vectors).toEqual([[1], [2]]);
    expect(openai.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      body: { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' },
    });
    // text-embedding-3-small: $0.02 per 1M input tokens.
    expect(result.calls[0]?.cost_usd).toBeCloseTo((4 * 0.02) / 1e6, 15);
  });
});

describe('gemini provider', () => {
  it('calls generateContent with the system instruction, JSON mime type and JSON Schema, reading usageMetadata', async () => {
    const gemini = await start('gemini', { chat: [reply(goodVerdict, { usage: { in: 50, out: 9 } })] });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { large: ['gemini:gemini-2.5-pro'] } }),
      env: fakeEnv({ gemini }),
      workspace: workspace.dir,
    });

    const result = await router.generate(review());

    const request = gemini.chatRequests()[0];
    expect(request?.path).toMatch(/^\/v1(beta)?\/models\/gemini-2\.5-pro:generateContent$/);
    expect(request?.headers['x-goog-api-key']).toBe('test-gemini-key');
    expect(request?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Review this plan.' }] }],
      systemInstruction: { parts: [{ text: 'You review plans.' }] },
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: jsonSchemaFor(verdictSchema),
      },
    });
    expect(result.ok && result.value).toEqual(goodVerdict);
    expect(result.calls[0]).toMatchObject({
      provider: 'gemini',
      tokens_in: 50,
      tokens_out: 9,
      tokens_estimated: false,
    });
  });

  it('embeds a batch through batchEmbedContents and estimates the tokens it does not report', async () => {
    const gemini = await start('gemini', {
      embed: [
        {
          type: 'vectors',
          vectors: [
            [1, 0],
            [0, 1],
          ],
          usage: null,
        },
      ],
    });
    const router = createModelRouter({
      config: modelsConfig({ tiers: { embed: ['gemini:gemini-embedding-001'] } }),
      env: fakeEnv({ gemini }),
      workspace: workspace.dir,
    });

    const result = await router.embed(['left', 'right']);

    expect(result.ok && result.vectors).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(gemini.requests[0]?.path).toMatch(/models\/gemini-embedding-001:batchEmbedContents$/);
    expect(result.calls[0]).toMatchObject({
      tokens_estimated: true,
      tokens_in: Math.ceil('left\nright'.length / 4),
    });
  });
});
