// The gatekeeper end to end: the real binary asks a scripted small model (a loopback Ollama) to rate plugin steps
// that no policy rule covers (template plans, so the gatekeeper is the first model call), and a high rating makes the decision stricter — allow becomes ask, ask becomes a
// refusal that --yes cannot override — while a low rating changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  OLLAMA_ONLY_TIERS,
  ollamaOnlyEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let ollama: FakeProvider;

beforeEach(async () => {
  ws = await makeWorkspace('office-gatekeeper-');
  await installFixtures(ws, {
    models: { tiers: OLLAMA_ONLY_TIERS, cache: { enabled: false } },
    memory: { enabled: false },
    maxIterations: 1,
  });
  // One read-only plugin step (policy allows it in ask mode without asking).
  await ws.write(
    'office-templates/stamp-once.json',
    JSON.stringify({
      id: 'stamp-once',
      description: 'One stamp_step (a read plugin tool): test fixture for the gatekeeper.',
      rank: 5,
      phrasings: ['stamp once'],
      patterns: ['^stamp once$'],
      subtasks: [
        {
          id: 'stamp',
          goal: 'Stamp once',
          steps: [{ step_id: 'only', action: 'stamp_step', inputs: { label: 'gate', sleep_ms: 0 } }],
        },
      ],
    }),
  );
  ollama = await startFakeProvider('ollama', { chat: [] });
});

afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

const high = reply({ level: 'high', reason: 'stamps a file the release script trusts' });
const low = reply({ level: 'low', reason: 'appends to a log in the workspace' });

function run(args: string[]) {
  return runOffice(['run', '--json', '--ci', ...args], { cwd: ws.root, env: ollamaOnlyEnv(ollama) });
}

/** The prompt of the chat request that asked for a risk assessment. */
function gatekeeperPrompts(): string[] {
  return ollama
    .chatRequests()
    .map((r) => JSON.stringify(r.body))
    .filter((body) => body.includes('You are IT Security'));
}

describe('the gatekeeper in office run', () => {
  it('a high rating turns a step policy allows into a question: headless, the task waits and the step never runs', async () => {
    ollama.chat.push(high);
    const result = await run(['stamp once']);
    expect(result.code, result.stderr).toBe(3);
    const out = onlyJson(result.stdout) as { task_id: string; status: string };
    expect(out.status).toBe('needs_approval');
    expect(await linesOf(ws, 'stamps.log')).toEqual([]);

    const doc = await readTask(ws, out.task_id);
    const approval = doc.approvals.find((a) => a.step_id === 'only');
    expect(approval).toMatchObject({ decision: 'ask', by: 'gatekeeper(mode:ask/read)' });
    expect(approval?.reason).toContain('stamps a file the release script trusts');
    expect(approval?.reason).toContain('policy alone would allow');
    expect(doc.model_calls.filter((c) => c.role === 'gatekeeper').map((c) => c.outcome)).toEqual(['ok']);
    // The model was shown the step it rated.
    const [prompt] = gatekeeperPrompts();
    expect(prompt).toContain('stamp_step');
    expect(prompt).toContain('gate');
  });

  it('a high rating turns a step policy asks about into a refusal that --yes does not override', async () => {
    ollama.chat.push(high);
    const result = await run(['--yes', 'count once']);
    expect(result.code, result.stderr).toBe(1);
    const out = onlyJson(result.stdout) as {
      task_id: string;
      status: string;
      error: { code: string } | null;
    };
    // A refusal ends the task: it is not a lesson to plan around, nor something a retry would change.
    expect(out.status).toBe('failed');
    expect(out.error?.code).toBe('denied');
    expect(await linesOf(ws, 'count.log')).toEqual([]);

    const doc = await readTask(ws, out.task_id);
    expect(Object.keys(doc.steps)).toEqual([]);
    const approval = doc.approvals.find((a) => a.step_id === 'only');
    expect(approval).toMatchObject({ decision: 'deny', by: 'gatekeeper(mode:ask/write)' });
    expect(approval?.reason).toContain('stamps a file the release script trusts');
    expect(gatekeeperPrompts()).toHaveLength(1);

    const audit = await runOffice(['audit', '--json', '--task', out.task_id], { cwd: ws.root });
    const entries = audit.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((e) => e.type === 'refusal').map((e) => e.by)).toEqual([
      'gatekeeper(mode:ask/write)',
    ]);
    expect(entries.filter((e) => e.type === 'tool_run')).toEqual([]);
  });

  it('a low rating leaves the decision to policy: the allowed step runs', async () => {
    ollama.chat.push(low, reply({ verdict: 'APPROVE', summary: 'stamped', feedback: [] }));
    const result = await run(['stamp once']);
    expect(result.code, result.stderr).toBe(0);
    const out = onlyJson(result.stdout) as { task_id: string };
    expect((await linesOf(ws, 'stamps.log')).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'start gate',
      'end gate',
    ]);
    const doc = await readTask(ws, out.task_id);
    expect(doc.approvals.find((a) => a.step_id === 'only')).toMatchObject({
      decision: 'allow',
      by: 'mode:ask/read',
    });
    expect(doc.model_calls.filter((c) => c.role === 'gatekeeper').map((c) => c.outcome)).toEqual(['ok']);
    expect(gatekeeperPrompts()).toHaveLength(1);
  });
});
