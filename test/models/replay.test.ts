import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelRouter } from '../../src/models/router.js';
import { type FakeProvider, fail, fakeEnv, reply, startFakeProvider } from '../helpers/fake-providers.js';
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

const config = modelsConfig({
  tiers: { large: ['ollama:qwen', 'openai:gpt-4o'], embed: ['ollama:nomic-embed-text'] },
});

describe('record and replay', () => {
  it('replays a recorded run to the same results with no provider, key or cache', async () => {
    const file = join(workspace.dir, 'responses.jsonl');
    const ollama = await start('ollama', { chat: [fail(500), fail(500), fail(500)] });
    const openai = await start('openai', {
      chat: [
        reply({ verdict: 'MAYBE', summary: '?' }),
        reply(goodVerdict),
        reply({ verdict: 'REVISE', summary: 'b' }),
      ],
    });
    const recorder = createModelRouter({
      config,
      env: fakeEnv({ ollama, openai }),
      workspace: workspace.dir,
      recordResponsesTo: file,
      sleep: async () => {},
    });
    const recorded = [
      await recorder.generate(review('first')),
      await recorder.generate(review('second')),
      await recorder.embed(['to embed']),
    ];
    await Promise.all(fakes.splice(0).map((f) => f.close()));

    const replayer = createModelRouter({
      config,
      env: {},
      workspace: workspace.dir,
      replayResponsesFrom: file,
    });
    const replayed = [
      await replayer.generate(review('first')),
      await replayer.generate(review('second')),
      await replayer.embed(['to embed']),
    ];

    const values = (rs: typeof recorded) =>
      rs.map((r) => (r.ok ? ('value' in r ? r.value : r.vectors) : r.reason));
    expect(values(replayed)).toEqual(values(recorded));
    expect(replayed[0]?.ok && 'provider' in replayed[0] && replayed[0].provider).toBe('openai');
    expect(replayed[0]?.calls.map((c) => `${c.provider}:${c.outcome}`)).toEqual([
      'openai:invalid_output',
      'openai:ok',
    ]);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(4);
  });

  it('matches by role in order when the prompt changed since the recording', async () => {
    const file = join(workspace.dir, 'responses.jsonl');
    const ollama = await start('ollama', {
      chat: [reply({ verdict: 'REVISE', summary: 'one' }), reply(goodVerdict)],
    });
    const recorder = createModelRouter({
      config,
      env: fakeEnv({ ollama }),
      workspace: workspace.dir,
      recordResponsesTo: file,
    });
    await recorder.generate(review('old prompt 1'));
    await recorder.generate(review('old prompt 2'));

    const replayer = createModelRouter({
      config,
      env: {},
      workspace: workspace.dir,
      replayResponsesFrom: file,
    });
    const a = await replayer.generate(review('new prompt 1'));
    const b = await replayer.generate(review('new prompt 2'));

    expect(a.ok && a.value).toEqual({ verdict: 'REVISE', summary: 'one' });
    expect(b.ok && b.value).toEqual(goodVerdict);
  });

  it('fails clearly, without calling anything, when the file has no answer left', async () => {
    const file = join(workspace.dir, 'responses.jsonl');
    await writeFile(file, '');
    const replayer = createModelRouter({
      config,
      env: {},
      workspace: workspace.dir,
      replayResponsesFrom: file,
    });

    const result = await replayer.generate(review());

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/has no recorded chat answer left for role "review"/);
    expect(result.calls).toHaveLength(1);
  });

  it('reports a malformed replay file with its line number', async () => {
    const file = join(workspace.dir, 'responses.jsonl');
    await writeFile(file, '{"v":1,"kind":"chat"}\n');
    const replayer = createModelRouter({
      config,
      env: {},
      workspace: workspace.dir,
      replayResponsesFrom: file,
    });

    const result = await replayer.generate(review());

    expect(!result.ok && result.reason).toMatch(/responses\.jsonl:1 is not a recorded exchange/);
  });
});
