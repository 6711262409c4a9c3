// Secrets in a workspace's .env file: reading it needs approval, and once read, its values reach neither the
// model, nor the task file, nor stdout — whatever shape they have.
import { readFile } from 'node:fs/promises';
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

// Assembled at run time, so this file holds nothing a secret scanner would flag.
const STRIPE = `${'sk'}_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
const AWS_SECRET = `${'wJalrXUtnFEMI'}/${'K7MDENGbPxRfiCYEXAMPLEKEY'}`;
const PASSWORD = 'hunter';
const ENV_FILE = [
  `STRIPE_SECRET=${STRIPE}`,
  `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
  `DB_PASSWORD=${PASSWORD}`,
  'APP_NAME=shop',
  '',
].join('\n');

let ws: TempWorkspace;
let ollama: FakeProvider;

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.env', ENV_FILE);
  await writeConfig(ws, { models: { tiers: OLLAMA_ONLY_TIERS }, memory: { enabled: false } });
  ollama = await startFakeProvider('ollama', { chat: [] });
});

afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of [STRIPE, AWS_SECRET, `DB_PASSWORD=${PASSWORD}`]) {
    expect(text, `${where} holds ${secret}`).not.toContain(secret);
  }
}

describe('a .env file in the workspace', () => {
  it('reading it stops for approval in CI; nothing is read', async () => {
    const run = await runOffice(['run', '--offline', '--ci', '--json', 'read .env'], { cwd: ws.root });
    expect(run.code, run.stderr).toBe(3);
    const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { message: string } };
    expect(out.status).toBe('needs_approval');
    expect(out.error.message).toContain('.env is a .env file, which usually holds secrets');
    expect(Object.keys((await readTask(ws, out.task_id)).steps)).toEqual([]);
  });

  it('once approved, its secret values are masked on stdout (JSON and text) and in the task file', async () => {
    const json = await runOffice(['run', '--offline', '--yes', '--json', 'read .env'], { cwd: ws.root });
    expect(json.code, json.stderr).toBe(0);
    const out = onlyJson(json.stdout) as { task_id: string; result: { text: string } };
    // Not vacuous: the file was read, and what is not secret comes through.
    expect(out.result.text).toContain('APP_NAME=shop');
    expect(out.result.text).toContain('DB_PASSWORD=[redacted]');
    expectNoSecret(json.stdout, 'stdout (--json)');
    expectNoSecret(await readFile(ws.path(`.office/tasks/${out.task_id}.json`), 'utf8'), 'the task file');

    const text = await runOffice(['run', '--offline', '--yes', 'read .env'], { cwd: ws.root });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('APP_NAME=shop');
    expectNoSecret(text.stdout + text.stderr, 'stdout (text)');
  });

  it('what a model is sent about it holds no secret value', async () => {
    ollama.chat.push(
      reply({
        subtasks: [
          { id: 'env', goal: 'Read the .env file', dependencies: [], tool_hints: ['read_file'], priority: 0 },
        ],
      }),
      reply({
        confidence: 0.9,
        steps: [
          {
            step_id: 's1',
            action: 'read_file',
            inputs: { path: '.env' },
            dependencies: [],
            parallelizable: false,
            timeout_seconds: 60,
          },
        ],
      }),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'read', feedback: [] }),
    );
    const run = await runOffice(['run', '--json', '--yes', 'tell me what the env file configures'], {
      cwd: ws.root,
      env: ollamaOnlyEnv(ollama),
    });
    expect(run.code, run.stderr).toBe(0);
    const sent = JSON.stringify(ollama.chatRequests().map((r) => r.body));
    // Not vacuous: the review call carried the file's text.
    expect(sent).toContain('APP_NAME=shop');
    expectNoSecret(sent, 'the model requests');
  });
});
