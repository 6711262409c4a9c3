// Secrets never reach a model: a workspace file holding credentials, a secret-named variable in office's
// environment, and a request and a memory search that quote them, run through the real binary against each
// provider's real client and a loopback server that keeps every request body it receives — chat and embeddings.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import {
  type FakeKind,
  type FakeProvider,
  fakeEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';
import { outcome } from '../memory/helpers.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Fresh values each run, so nothing can pass by matching a value written into office or into the test. */
function makeSecrets() {
  return {
    openaiKey: `sk-proj-${hex(20)}`,
    githubToken: `ghp_${hex(18)}`,
    awsKeyId: `AKIA${hex(8).toUpperCase()}`,
    dbPassword: `pw-${hex(8)}`,
    privateKeyBody: randomBytes(48).toString('base64'),
    email: `ops.${hex(3)}@shop.example`,
    // Shaped like nothing: only its being the value of a secret-named variable gives it away.
    deployToken: hex(12),
  };
}
type Secrets = ReturnType<typeof makeSecrets>;

function deployNotes(s: Secrets): string {
  return [
    'APP_NAME=shop-demo',
    `OPENAI_API_KEY=${s.openaiKey}`,
    `DATABASE_PASSWORD="${s.dbPassword}"`,
    `GITHUB_TOKEN=${s.githubToken}`,
    `AWS_ACCESS_KEY_ID=${s.awsKeyId}`,
    `on call: ${s.email}`,
    `the staging hook is called with ${s.deployToken} in its query string`,
    '-----BEGIN PRIVATE KEY-----',
    s.privateKeyBody,
    '-----END PRIVATE KEY-----',
    '',
  ].join('\n');
}

const readPlan = reply({
  confidence: 0.9,
  steps: [
    {
      step_id: 's1',
      action: 'read_file',
      inputs: { path: 'config/deploy.txt' },
      dependencies: [],
      parallelizable: false,
      timeout_seconds: 60,
    },
  ],
});

let ws: TempWorkspace;
let fake: FakeProvider | undefined;

beforeEach(async () => {
  ws = await makeWorkspace('office-secrets-');
});
afterEach(async () => {
  await killStrayOffices();
  await fake?.close();
  fake = undefined;
  await ws.cleanup();
});

describe.each<FakeKind>(['ollama', 'openai', 'gemini'])('what %s receives', (kind) => {
  it('holds no secret from the workspace, the environment or the request, in chat or embeddings', async () => {
    const secrets = makeSecrets();
    await ws.write('config/deploy.txt', deployNotes(secrets));
    await writeConfig(ws, {
      models: {
        tiers: {
          small: [`${kind}:tiny`],
          medium: [`${kind}:mid`],
          large: [`${kind}:big`],
          embed: [`${kind}:embed`],
        },
        cache: { enabled: false },
      },
    });
    // A remembered plan, so that planning recalls memory and the request is embedded by the provider.
    await createPlanMemory({ workspace: ws.root }).remember(outcome({ taskId: 'earlier' }));
    fake = await startFakeProvider(kind, {
      chat: [
        reply({
          subtasks: [
            {
              id: 'notes',
              goal: 'Summarise the deployment notes',
              dependencies: [],
              tool_hints: ['read_file'],
              priority: 0,
            },
          ],
        }),
        readPlan,
        reply({ verdict: 'ok' }),
        reply({ verdict: 'APPROVE', summary: 'notes read', feedback: [] }),
      ],
    });

    const request =
      `summarise the deployment notes in config/deploy.txt; the hook token ${secrets.deployToken} ` +
      `and the key ${secrets.openaiKey} belong to ${secrets.email}`;
    const run = await runOffice(['run', '--json', request], {
      cwd: ws.root,
      env: { ...fakeEnv({ [kind]: fake }), SHOP_DEPLOY_TOKEN: secrets.deployToken },
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(onlyJson(run.stdout).status).toBe('succeeded');

    // A memory search embeds the words typed, which no task document has masked first.
    const search = await runOffice(
      ['memory', 'search', `hook token ${secrets.deployToken} for ${secrets.email}`],
      { cwd: ws.root, env: { ...fakeEnv({ [kind]: fake }), SHOP_DEPLOY_TOKEN: secrets.deployToken } },
    );
    expect(search.code, search.stderr).toBe(0);

    const chats = fake.chatRequests().map((r) => JSON.stringify(r.body));
    const embeds = fake.embedRequests().map((r) => JSON.stringify(r.body));
    // Not vacuous: decomposition, plan, plan check and review all went to the provider, the review with the
    // file's content, and the request was embedded.
    expect(chats).toHaveLength(4);
    expect(chats[3]).toContain('APP_NAME=shop-demo');
    expect(chats[3]).toContain('the staging hook is called with [redacted] in its query string');
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.some((b) => b.includes('config/deploy.txt; the hook token [redacted] and the key'))).toBe(
      true,
    );
    expect(embeds.some((b) => b.includes('hook token [redacted] for [redacted email]'))).toBe(true);

    const everything = fake.requests.map((r) => JSON.stringify(r.body)).join('\n');
    for (const [name, value] of Object.entries(secrets)) {
      expect(everything.includes(value), `${name} reached ${kind}`).toBe(false);
    }
  });
});
