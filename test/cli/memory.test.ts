// Plan memory through the real binary: a reviewer's rejection becomes a lesson in the next similar run's planning
// prompt, the same request on an unchanged workspace is planned from memory with no planning call, and bad
// feedback stops that reuse. The model is a scripted Ollama on 127.0.0.1.
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
  await writeFile(join(ws.root, 'src', 'config.js'), 'export function loadConfig() { return 1; }\n');
  await writeConfig(ws, {
    models: {
      tiers: OLLAMA_ONLY_TIERS,
      // Every answer must come from the scripted server, in order: no cached replies across runs.
      cache: { enabled: false },
    },
  });
  ollama = await startFakeProvider('ollama', { chat: [] });
});

afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

const decomposition = (goal: string) =>
  reply({ subtasks: [{ id: 'find', goal, dependencies: [], tool_hints: ['search_code'], priority: 0 }] });

const searchPlan = (pattern: string) =>
  reply({
    confidence: 0.8,
    steps: [
      {
        step_id: 's1',
        action: 'search_code',
        inputs: { pattern, dir: 'src' },
        dependencies: [],
        parallelizable: false,
        timeout_seconds: 60,
      },
    ],
  });

/** Chat requests that asked for a plan (the planning prompt has a "Similar past plans" section). */
function planningPrompts(): string[] {
  return ollama
    .chatRequests()
    .map((r) => JSON.stringify(r.body))
    .filter((body) => body.includes('Similar past plans:'));
}

function run(args: string[]) {
  return runOffice(args, { cwd: ws.root, env: ollamaOnlyEnv(ollama) });
}

describe('plan memory in office run', () => {
  it('puts a plan the reviewer rejected into the next similar run\u2019s planning prompt as a lesson', async () => {
    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      searchPlan('config'),
      reply({ verdict: 'ok' }),
      reply({
        verdict: 'REVISE',
        summary: 'searching for "config" matches every file',
        feedback: [{ problem: 'too broad', suggestion: 'search for the loadConfig function by name' }],
      }),
    );
    const first = await run(['run', '--json', '--max-iterations', '1', 'where is the configuration loaded']);
    expect(first.code, first.stderr).toBe(1);
    expect(planningPrompts()).toHaveLength(1);
    expect(planningPrompts()[0]).not.toContain('Lesson from');

    ollama.chat.push(
      decomposition('Find where the configuration is loaded in src'),
      searchPlan('loadConfig'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found it', feedback: [] }),
    );
    const second = await run(['run', '--json', 'where is the configuration loaded in src']);
    expect(second.code, second.stderr).toBe(0);
    const prompts = planningPrompts();
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('Lesson from a rejected plan for a similar request');
    expect(prompts[1]).toContain('search for the loadConfig function by name');
    expect(prompts[1]).toContain('searching for \\"config\\" matches every file');
  });

  it('plans the same request on an unchanged workspace from memory, with no planning call, until it is marked bad', async () => {
    const request = 'where is the configuration loaded';
    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      searchPlan('loadConfig'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found it', feedback: [] }),
    );
    const first = await run(['run', '--json', request]);
    expect(first.code, first.stderr).toBe(0);
    expect(planningPrompts()).toHaveLength(1);

    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found it again', feedback: [] }),
    );
    const second = await run(['run', '--json', request]);
    expect(second.code, second.stderr).toBe(0);
    expect(planningPrompts()).toHaveLength(1);
    const out = onlyJson(second.stdout) as { task_id: string; result: { total_matches: number } };
    expect(out.result.total_matches).toBeGreaterThan(0);
    const doc = await readTask(ws, out.task_id);
    expect(doc.plans.map((p) => p.source)).toEqual(['memory']);
    expect(doc.plans[0]?.plan.steps[0]?.inputs).toEqual({ pattern: 'loadConfig', dir: 'src' });
    expect(doc.plans[0]?.plan.metadata.estimated_cost_tokens).toBe(0);
    expect(doc.model_calls.filter((c) => c.role === 'plan')).toEqual([]);

    const feedback = await run(['feedback', out.task_id, '--bad', '--comment', 'it missed the YAML loader']);
    expect(feedback.code, feedback.stderr).toBe(0);
    expect(feedback.stdout).toContain('now a lesson and will not be reused');

    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      searchPlan('loadConfig|loadYaml'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found both', feedback: [] }),
    );
    const third = await run(['run', '--json', request]);
    expect(third.code, third.stderr).toBe(0);
    const prompts = planningPrompts();
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('Lesson from a plan a user marked bad for a similar request');
    expect(prompts[1]).toContain('it missed the YAML loader');
  });

  it('does not reuse the plan once the workspace changed', async () => {
    const request = 'where is the configuration loaded';
    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      searchPlan('loadConfig'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found it', feedback: [] }),
    );
    expect((await run(['run', '--json', request])).code).toBe(0);
    await writeFile(join(ws.root, 'src', 'yaml.js'), 'export function loadYaml() {}\n');
    ollama.chat.push(
      decomposition('Find where the configuration is loaded'),
      searchPlan('loadConfig'),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'found it', feedback: [] }),
    );
    const second = await run(['run', '--json', request]);
    expect(second.code, second.stderr).toBe(0);
    expect(planningPrompts()).toHaveLength(2);
    expect(planningPrompts()[1]).toContain('A plan that worked for a similar request');
  });
});
