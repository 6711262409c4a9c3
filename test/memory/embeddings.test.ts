// Plan memory with the router's embed tier over a loopback Ollama: one index per embedding model, lazy
// embedding of entries stored without a model, and the hashed fallback when no model answers.
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import { createModelRouter } from '../../src/models/router.js';
import { modelsConfigSchema } from '../../src/schemas/config.js';
import {
  closedPortUrl,
  type FakeProvider,
  fakeEnv,
  startFakeProvider,
  vectors,
  WORD_VECTOR_DIMENSIONS,
} from '../helpers/fake-providers.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';
import { outcome } from './helpers.js';

let ws: TempWorkspace;
let ollama: FakeProvider | undefined;

beforeEach(async () => {
  ws = await makeWorkspace('office-memory-embed-');
});
afterEach(async () => {
  await ollama?.close();
  ollama = undefined;
  await ws.cleanup();
});

function routerFor(embed: string[], env: Record<string, string>, onCall?: () => void) {
  return createModelRouter({
    config: { models: modelsConfigSchema.parse({ tiers: { embed }, cache: { enabled: false } }) },
    env,
    workspace: ws.root,
    ...(onCall ? { onCall } : {}),
  });
}

const query = {
  taskId: 't-9',
  request: 'trace checkout to chargeCard in ./app',
  subtaskId: 's1',
  goal: 'find the call path from checkout to chargeCard',
};

async function indexOf(rel: string): Promise<{ items: { id: string; vector: number[] }[] }> {
  return JSON.parse(await readFile(ws.path(rel), 'utf8'));
}

function embedRequests(fake: FakeProvider) {
  return fake.requests
    .filter((r) => r.path === '/api/embed')
    .map((r) => r.body as { model: string; input: string[] });
}

describe('embeddings', () => {
  it('embeds entries stored without a model on first use, in an index of that model\u2019s own', async () => {
    await createPlanMemory({ workspace: ws.root }).remember(
      outcome({ kind: 'failure', taskId: 't-1', reasons: ['read the payment module first'] }),
    );
    await createPlanMemory({ workspace: ws.root }).remember(outcome({ taskId: 't-2' }));
    ollama = await startFakeProvider('ollama');
    const memory = createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:nomic-embed-text'], fakeEnv({ ollama })),
    });

    const { text } = await memory.recall(query);

    expect(text).toContain('Lesson from a rejected plan for a similar request');
    const calls = embedRequests(ollama);
    expect(calls.map((c) => c.model)).toEqual(['nomic-embed-text', 'nomic-embed-text']);
    expect(calls[0]?.input).toEqual([`${query.request}\n${query.goal}`]);
    expect(calls[1]?.input).toHaveLength(2);
    expect(await readdir(ws.path('.office/memory/vectors'))).toEqual(['ollama%3Anomic-embed-text']);
    const modelIndex = await indexOf('.office/memory/vectors/ollama%3Anomic-embed-text/index.json');
    expect(modelIndex.items.map((i) => i.vector.length)).toEqual([
      WORD_VECTOR_DIMENSIONS,
      WORD_VECTOR_DIMENSIONS,
    ]);
    const entries = await indexOf('.office/memory/entries/index.json');
    expect(entries.items.every((i) => i.vector.length === 256)).toBe(true);

    await memory.recall({ ...query, taskId: 't-10' });
    expect(embedRequests(ollama)).toHaveLength(3);
  });

  it('keeps the vectors of two embedding models apart, and rebuilds a model\u2019s index when its vectors change length', async () => {
    await createPlanMemory({ workspace: ws.root }).remember(outcome());
    ollama = await startFakeProvider('ollama');
    await createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:nomic-embed-text'], fakeEnv({ ollama })),
    }).search('checkout', 3);
    ollama.embed.push(vectors([[1, 0, 0, 0]]), vectors([[0, 1, 0, 0]]));
    const other = await createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:mxbai-embed-large'], fakeEnv({ ollama })),
    }).search('checkout', 3);

    expect(other.model).toBe('ollama:mxbai-embed-large');
    expect(other.hits).toHaveLength(1);
    expect((await readdir(ws.path('.office/memory/vectors'))).sort()).toEqual([
      'ollama%3Amxbai-embed-large',
      'ollama%3Anomic-embed-text',
    ]);
    expect(
      (await indexOf('.office/memory/vectors/ollama%3Anomic-embed-text/index.json')).items[0]?.vector,
    ).toHaveLength(WORD_VECTOR_DIMENSIONS);
    expect(
      (await indexOf('.office/memory/vectors/ollama%3Amxbai-embed-large/index.json')).items[0]?.vector,
    ).toEqual([0, 1, 0, 0]);

    // Same model name, vectors of another length (the model was replaced): its index is rebuilt, never mixed.
    ollama.embed.push(vectors([[1, 1, 0, 0, 0]]), vectors([[0, 0, 1, 0, 0]]));
    const rebuilt = await createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:nomic-embed-text'], fakeEnv({ ollama })),
    }).search('checkout', 3);
    expect(rebuilt.hits).toHaveLength(1);
    const items = (await indexOf('.office/memory/vectors/ollama%3Anomic-embed-text/index.json')).items;
    expect(items.map((i) => i.vector)).toEqual([[0, 0, 1, 0, 0]]);
  });

  it('recalls a lesson for a similar request but not for a dissimilar one, by the model\u2019s vectors', async () => {
    await createPlanMemory({ workspace: ws.root }).remember(
      outcome({ kind: 'failure', taskId: 't-1', reasons: ['read the payment module first'] }),
    );
    ollama = await startFakeProvider('ollama');
    const memory = createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:nomic-embed-text'], fakeEnv({ ollama })),
    });

    const similar = await memory.recall(query);
    expect(similar.text).toContain('read the payment module first');

    const dissimilar = {
      taskId: 't-11',
      request: 'rename the logging module to telemetry',
      subtaskId: 's1',
      goal: 'rename every file under lib/logging',
    };
    const { text } = await memory.recall(dissimilar);
    expect(text).toBe('');
    // Not vacuous: the model was asked about the dissimilar request, and its vectors decided.
    expect(embedRequests(ollama).at(-1)?.input).toEqual([`${dissimilar.request}\n${dissimilar.goal}`]);
    expect(await readdir(ws.path('.office/memory/vectors'))).toEqual(['ollama%3Anomic-embed-text']);
  });

  it('falls back to hashed vectors when no embedding model answers, and stops asking for the rest of the run', async () => {
    await createPlanMemory({ workspace: ws.root }).remember(
      outcome({ kind: 'failure', taskId: 't-1', reasons: ['read the payment module first'] }),
    );
    let attempts = 0;
    const memory = createPlanMemory({
      workspace: ws.root,
      router: routerFor(['ollama:nomic-embed-text'], fakeEnv({ ollama: await closedPortUrl() }), () => {
        attempts++;
      }),
    });
    const first = await memory.recall(query);
    expect(first.text).toContain('read the payment module first');
    expect(attempts).toBeGreaterThan(0);
    const tried = attempts;
    const { model, hits } = await memory.search('payment module', 3);
    expect(model).toBe('hash-ngram-v1');
    expect(hits).toHaveLength(1);
    expect(attempts).toBe(tried);
    await expect(readdir(ws.path('.office/memory/vectors'))).rejects.toThrow();
  });
});
