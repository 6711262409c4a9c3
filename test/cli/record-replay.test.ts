// --record-responses and --replay-responses through the real binary: a run against a scripted Ollama is recorded,
// then replayed in a fresh workspace with no model server and no key, to the same plan and the same result.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import {
  type FakeProvider,
  OLLAMA_ONLY_TIERS,
  ollamaOnlyEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import {
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';
import { outcome } from '../memory/helpers.js';

const REQUEST = 'where is the configuration loaded';

let recordWs: TempWorkspace;
let replayWs: TempWorkspace;
let ollama: FakeProvider;

/** A small project with a lesson in plan memory, so planning embeds the request (chat and embed exchanges). */
async function project(ws: TempWorkspace): Promise<void> {
  await ws.write('src/app.js', "import { loadConfig } from './config.js';\nloadConfig();\n");
  await ws.write('src/config.js', 'export function loadConfig() { return 1; }\n');
  await writeConfig(ws, { models: { tiers: OLLAMA_ONLY_TIERS } });
  await createPlanMemory({ workspace: ws.root }).remember(
    outcome({
      kind: 'failure',
      taskId: 'earlier',
      request: 'where is the configuration read',
      goal: 'Find where the configuration is read',
      reasons: ['search for the loader by name, not for the word config'],
    }),
  );
}

beforeEach(async () => {
  recordWs = await makeWorkspace('office-record-');
  replayWs = await makeWorkspace('office-replay-');
  await project(recordWs);
  await project(replayWs);
  ollama = await startFakeProvider('ollama', {
    chat: [
      reply({
        subtasks: [
          {
            id: 'find',
            goal: 'Find where the configuration is loaded',
            dependencies: [],
            tool_hints: ['search_code'],
            priority: 0,
          },
        ],
      }),
      reply({
        confidence: 0.8,
        steps: [
          {
            step_id: 's1',
            action: 'search_code',
            inputs: { pattern: 'loadConfig', dir: 'src' },
            dependencies: [],
            parallelizable: false,
            timeout_seconds: 60,
          },
        ],
      }),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found the loader', feedback: [] }),
    ],
  });
});

afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await recordWs.cleanup();
  await replayWs.cleanup();
});

interface RunOut {
  task_id: string;
  status: string;
  result: unknown;
  subtasks: unknown;
  usage: { model_calls: number };
}

describe('record and replay through office run', () => {
  it('replays a recorded run offline, with no server, to the same plan and result', async () => {
    const file = recordWs.path('responses.jsonl');
    const recorded = await runOffice(['run', '--json', '--record-responses', file, REQUEST], {
      cwd: recordWs.root,
      env: ollamaOnlyEnv(ollama),
    });
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(ollama.chatRequests()).toHaveLength(4);
    const exchanges = (await linesOf(recordWs, 'responses.jsonl')).map(
      (l) => JSON.parse(l) as { kind: string; role: string },
    );
    expect(exchanges.map((e) => `${e.kind}:${e.role}`)).toEqual([
      'chat:decompose',
      'embed:embed',
      'embed:embed',
      'chat:plan',
      'chat:validate',
      'chat:review',
    ]);
    // The recalled lesson reached the planning prompt through the recorded embeddings.
    expect(JSON.stringify(ollama.chatRequests()[1]?.body)).toContain('search for the loader by name');
    await ollama.close();

    // No server and no key: officeEnv points Ollama at a port where nothing listens.
    const replayed = await runOffice(['run', '--json', '--replay-responses', file, REQUEST], {
      cwd: replayWs.root,
    });
    expect(replayed.code, replayed.stderr).toBe(0);

    const before = onlyJson(recorded.stdout) as unknown as RunOut;
    const after = onlyJson(replayed.stdout) as unknown as RunOut;
    expect(after.status).toBe('succeeded');
    expect(after.result).toEqual(before.result);
    expect(after.subtasks).toEqual(before.subtasks);
    expect(after.usage.model_calls).toBe(before.usage.model_calls);

    const [original, replay] = [
      await readTask(recordWs, before.task_id),
      await readTask(replayWs, after.task_id),
    ];
    // The same plan: the same steps and confidence (ids and times belong to each task).
    const planOf = (doc: typeof original) =>
      doc.plans.map((p) => ({
        confidence: p.plan.confidence,
        steps: p.plan.steps.map(({ idempotency_key: _key, ...step }) => step),
      }));
    expect(planOf(replay)).toEqual(planOf(original));
    expect(planOf(replay)[0]?.steps.map((s) => s.inputs)).toEqual([{ pattern: 'loadConfig', dir: 'src' }]);
    expect(replay.plans.map((p) => p.by)).toEqual(['ollama:mid']);
    expect(replay.reviews.map((r) => r.review)).toEqual(original.reviews.map((r) => r.review));
    expect(replay.model_calls.map((c) => `${c.role}:${c.outcome}`)).toEqual(
      original.model_calls.map((c) => `${c.role}:${c.outcome}`),
    );
  });

  it('fails clearly when the replay file has no answer left, instead of calling the provider that is there', async () => {
    const file = replayWs.path('empty.jsonl');
    await replayWs.write('empty.jsonl', '');
    const replayed = await runOffice(['run', '--replay-responses', file, REQUEST], {
      cwd: replayWs.root,
      env: ollamaOnlyEnv(ollama),
    });
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain('has no recorded chat answer left for role "decompose"');
    expect(ollama.requests).toEqual([]);
  });
});
