// A whole `office run` on a request no template knows, with a scripted model behind the real Ollama client:
// decomposition into two subtasks, one REVISE, then APPROVE, and every model call recorded in the task.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  OLLAMA_ONLY_TIERS,
  ollamaOnlyEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let ollama: FakeProvider;

beforeEach(async () => {
  ws = await makeWorkspace();
  await mkdir(join(ws.root, 'src'), { recursive: true });
  await writeFile(
    join(ws.root, 'src', 'app.js'),
    "import { loadConfig } from './config.js';\nloadConfig();\n",
  );
  await writeFile(
    join(ws.root, 'src', 'config.js'),
    'export function loadConfig() { return readConfig(); }\nfunction readConfig() {}\n',
  );
  await writeConfig(ws, {
    models: {
      tiers: OLLAMA_ONLY_TIERS,
    },
    memory: { enabled: false },
  });
  ollama = await startFakeProvider('ollama', { chat: [] });
});

afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

describe('office run with a model', () => {
  it('decomposes, plans, revises once on review feedback, and succeeds with both results', async () => {
    ollama.chat.push(
      reply({
        subtasks: [
          {
            id: 'find',
            goal: 'Find where the config is loaded',
            dependencies: [],
            tool_hints: ['search_code'],
            priority: 0,
          },
          {
            id: 'list',
            goal: 'List the files in src',
            dependencies: ['find'],
            tool_hints: ['list_files'],
            priority: 0,
          },
        ],
      }),
      // find, round 1: plan, model check, review asks for more
      reply({
        confidence: 0.6,
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
      reply({
        verdict: 'REVISE',
        summary: 'only one of the two loaders was searched',
        feedback: [{ problem: 'readConfig was not searched', suggestion: 'search for readConfig too' }],
      }),
      // find, round 2
      reply({
        confidence: 0.9,
        steps: [
          {
            step_id: 's1',
            action: 'search_code',
            inputs: { pattern: 'loadConfig|readConfig', dir: 'src' },
            dependencies: [],
            parallelizable: false,
            timeout_seconds: 60,
          },
        ],
      }),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'both loaders found', feedback: [] }),
      // list
      reply({
        confidence: 0.95,
        steps: [
          {
            step_id: 's1',
            action: 'list_files',
            inputs: { dir: 'src' },
            dependencies: [],
            parallelizable: false,
            timeout_seconds: 60,
          },
        ],
      }),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'files listed', feedback: [] }),
    );

    const run = await runOffice(
      ['run', '--json', 'where is the configuration loaded, and what files are next to it'],
      {
        cwd: ws.root,
        env: ollamaOnlyEnv(ollama),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const out = onlyJson(run.stdout) as {
      task_id: string;
      status: string;
      result: {
        find: { total_matches: number; matches: { file: string; text: string }[] };
        list: { files: string[] };
      };
      usage: { model_calls: number; tokens_in: number };
    };
    expect(out.status).toBe('succeeded');
    expect(out.result.find.matches.map((m) => m.file)).toEqual([
      'src/app.js',
      'src/app.js',
      'src/config.js',
      'src/config.js',
    ]);
    expect(out.result.list.files).toEqual(['src/app.js', 'src/config.js']);
    expect(out.usage.model_calls).toBe(10);

    // The second plan for "find" was asked for with the reviewer's feedback in the prompt.
    const chats = ollama.chatRequests().map((r) => JSON.stringify(r.body));
    expect(chats).toHaveLength(10);
    expect(chats[4]).toContain('search for readConfig too');
    expect(chats[1]).not.toContain('search for readConfig too');

    const doc = await readTask(ws, out.task_id);
    expect(doc.plans.map((p) => `${p.plan.plan_id}:${p.source}:${p.by}`)).toEqual([
      'find.p1:model:ollama:mid',
      'find.p2:model:ollama:mid',
      'list.p1:model:ollama:mid',
    ]);
    expect(doc.reviews.map((r) => `${r.plan_id}:${r.review.verdict}:${r.review.by}`)).toEqual([
      'find.p1:REVISE:ollama:big',
      'find.p2:APPROVE:ollama:big',
      'list.p1:APPROVE:ollama:big',
    ]);
    expect(doc.validations.every((v) => v.by === 'rules+ollama:tiny')).toBe(true);
    expect(doc.model_calls.map((c) => `${c.role}/${c.tier}/${c.provider}:${c.model}/${c.outcome}`)).toEqual([
      'decompose/medium/ollama:mid/ok',
      'plan/medium/ollama:mid/ok',
      'validate/small/ollama:tiny/ok',
      'review/large/ollama:big/ok',
      'plan/medium/ollama:mid/ok',
      'validate/small/ollama:tiny/ok',
      'review/large/ollama:big/ok',
      'plan/medium/ollama:mid/ok',
      'validate/small/ollama:tiny/ok',
      'review/large/ollama:big/ok',
    ]);
    expect(
      doc.model_calls.every((c) => c.tokens_in === 100 && c.tokens_out === 20 && !c.tokens_estimated),
    ).toBe(true);
  });

  it('falls back to templates when the model server is down, and says so', async () => {
    await ollama.close();
    const run = await runOffice(['run', 'find loadConfig in src'], {
      cwd: ws.root,
      env: ollamaOnlyEnv(ollama),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('src/config.js:1');

    const unknown = await runOffice(['run', 'explain the architecture'], {
      cwd: ws.root,
      env: ollamaOnlyEnv(ollama),
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no model could decompose the request.*ollama:mid error \(connection refused/,
    );
    expect(unknown.stderr).toContain(
      'Requests it understands with no model:\n  - trace <from> to <to> [in <dir>]',
    );
  });
});
