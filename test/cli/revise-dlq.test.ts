// REVISE loop and dead-letter queue: a model's plan that keeps failing review is re-planned up to maxIterations,
// then dead-lettered, then retried; what cannot change between rounds (a template's plan, a plan identical to one
// already reviewed) is not run again.
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
  ws = await makeWorkspace();
  await installFixtures(ws, {
    maxIterations: 2,
    models: { tiers: OLLAMA_ONLY_TIERS },
    memory: { enabled: false },
  });
  ollama = await startFakeProvider('ollama', { chat: [] });
});
afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

const office = (args: string[]) =>
  runOffice([...args, '--dir', ws.root], { cwd: ws.root, env: ollamaOnlyEnv(ollama) });

const decomposition = reply({
  subtasks: [
    { id: 'picky', goal: 'Ask the picky tool', dependencies: [], tool_hints: ['picky_step'], priority: 0 },
  ],
});

/** A model's plan asking the picky tool about `topic`, the small model's nod to it, and its risk assessment
 * (a plugin tool gets one from the gatekeeper). */
function round(topic: string) {
  return [
    reply({
      confidence: 0.8,
      steps: [
        {
          step_id: 'ask',
          action: 'picky_step',
          inputs: { topic },
          dependencies: [],
          parallelizable: false,
          timeout_seconds: 60,
        },
      ],
    }),
    reply({ verdict: 'ok' }),
    reply({ level: 'low', reason: 'it only reads' }),
  ];
}

async function deadLettered(extra: string[] = []): Promise<string> {
  const run = await office(['run', '--json', ...extra, 'ask picky things please']);
  expect(run.code, run.stderr).toBe(1);
  const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { code: string } };
  expect(out.status, JSON.stringify(out.error)).toBe('dead_lettered');
  expect(out.error.code).toBe('dead_lettered');
  return out.task_id;
}

describe('REVISE rounds of a model plan, and the dead-letter queue', () => {
  it('re-plans up to maxIterations from the config, keeps the feedback, runs each new plan, then dead-letters', async () => {
    ollama.chat.push(decomposition, ...round('first'), ...round('second'));
    const id = await deadLettered();
    const doc = await readTask(ws, id);
    expect(doc.plans.map((p) => p.plan.plan_id)).toEqual(['picky.p1', 'picky.p2']);
    expect(doc.reviews.map((r) => r.review.verdict)).toEqual(['REVISE', 'REVISE']);
    const scratchpad = doc.subtasks.picky?.scratchpad ?? [];
    expect(scratchpad).toHaveLength(2);
    expect(scratchpad.every((n) => n.includes('the picky answer lacks approved.flag'))).toBe(true);
    expect(doc.subtasks.picky?.status).toBe('dead_lettered');
    expect(await linesOf(ws, 'picky.log')).toEqual(['first', 'second']);
    // The second plan was asked for with the review's feedback in the prompt.
    const prompts = ollama.chatRequests().map((r) => JSON.stringify(r.body));
    expect(prompts[4]).toContain('lacks approved.flag');
    expect(prompts[1]).not.toContain('lacks approved.flag');
  });

  it('takes --max-iterations over the config', async () => {
    ollama.chat.push(decomposition, ...round('one'), ...round('two'), ...round('three'));
    const id = await deadLettered(['--max-iterations', '3']);
    expect((await readTask(ws, id)).plans).toHaveLength(3);
  });

  it('a plan identical to one already reviewed ends the subtask at once, without running it', async () => {
    ollama.chat.push(decomposition, ...round('same'), ...round('same'));
    const id = await deadLettered(['--max-iterations', '3']);
    const doc = await readTask(ws, id);
    expect(doc.plans.map((p) => p.plan.plan_id)).toEqual(['picky.p1', 'picky.p2']);
    expect(doc.reviews).toHaveLength(1);
    expect(await linesOf(ws, 'picky.log')).toEqual(['same']);
    expect(doc.error?.message).toContain('plan picky.p2 does exactly what plan picky.p1 did');
    expect(doc.error?.message).toContain('lacks approved.flag');
  });

  it('lists the task in office dlq with the reason, refuses a plain resume, and retries it', async () => {
    ollama.chat.push(decomposition, ...round('first'), ...round('second'));
    const id = await deadLettered();
    const list = await office(['dlq', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('ask picky things please');
    expect(list.stdout).toContain('found no acceptable plan in 2 iterations');
    expect(list.stdout).toContain('the picky answer lacks approved.flag');

    const show = await office(['dlq', 'show', id]);
    expect(show.stdout).toContain('picky: review of plan picky.p1 asked for a revision');

    const resume = await office(['resume', id]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain(`office dlq retry ${id}`);

    await ws.write('approved.flag', 'yes\n');
    ollama.chat.push(...round('third'), reply({ verdict: 'APPROVE', summary: 'approved now', feedback: [] }));
    const retry = await office(['dlq', 'retry', id, '--json']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(onlyJson(retry.stdout).status).toBe('succeeded');
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.subtasks.picky?.scratchpad).toContain('retried from the dead-letter queue');
    expect(await linesOf(ws, 'picky.log')).toEqual(['first', 'second', 'third']);

    const after = await office(['dlq', 'list', '--json']);
    expect(onlyJson(after.stdout).entries).toEqual([]);
  });
});

describe('what cannot change between rounds is not run again', () => {
  it('a template plan that fails review is dead-lettered after one round, and dlq retry runs it again', async () => {
    const run = await office(['run', '--offline', '--json', 'ask the picky tool']);
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { message: string } };
    expect(out.status).toBe('dead_lettered');
    expect(out.error.message).toContain('the picky answer lacks approved.flag');
    expect(out.error.message).toContain('comes from a template, which plans the same way every round');
    const doc = await readTask(ws, out.task_id);
    expect(doc.plans).toHaveLength(1);
    expect(await linesOf(ws, 'picky.log')).toHaveLength(1);

    await ws.write('approved.flag', 'yes\n');
    expect((await office(['dlq', 'retry', out.task_id, '--offline'])).code).toBe(0);
    expect(await linesOf(ws, 'picky.log')).toHaveLength(2);
  });

  it('a failing command runs once under --yes; the audit records its exit code, and it is not "succeeded"', async () => {
    await ws.write('fail.sh', 'echo ran >> fail.log\necho "no such target" >&2\nexit 3\n');
    const run = await office([
      'run',
      '--offline',
      '--yes',
      '--json',
      '--sandbox',
      'process',
      'run sh fail.sh',
    ]);
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as { task_id: string; error: { message: string } };
    expect(out.error.message).toContain('sh exited with code 3');
    expect(out.error.message).toContain('no such target');
    expect(await linesOf(ws, 'fail.log')).toEqual(['ran']);

    const doc = await readTask(ws, out.task_id);
    const [step] = Object.values(doc.steps);
    expect(step?.status).toBe('failed');
    expect(step?.output).toMatchObject({ exit_code: 3 });

    const audit = await office(['audit', '--json', '--task', out.task_id]);
    const runs = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.type === 'tool_run');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', exit_code: 3, inputs: { argv: ['sh', 'fail.sh'] } });
  });

  it('a missing file is read once, not once per round', async () => {
    const run = await office(['run', '--offline', '--json', 'read missing.txt']);
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as { task_id: string; error: { message: string } };
    expect(out.error.message).toContain('missing.txt');
    const doc = await readTask(ws, out.task_id);
    expect(doc.plans).toHaveLength(1);
    expect(Object.values(doc.steps).map((s) => s.attempts)).toEqual([1]);
  });

  it('a denied step ends the subtask at once, and the denial is not stored as a lesson', async () => {
    await installFixtures(ws, { maxIterations: 3 });
    await ws.write('fail.sh', 'echo ran >> fail.log\n');
    const run = await office(['run', '--offline', '--json', '--approval', 'read-only', 'run sh fail.sh']);
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as {
      task_id: string;
      status: string;
      error: { code: string; message: string };
    };
    expect(out.status).toBe('failed');
    expect(out.error.code).toBe('denied');
    expect(out.error.message).toContain('read-only mode allows no commands');
    const doc = await readTask(ws, out.task_id);
    expect(doc.plans).toHaveLength(1);
    expect(await linesOf(ws, 'fail.log')).toEqual([]);
    const memory = await office(['memory', 'list', '--json']);
    expect(onlyJson(memory.stdout).entries).toEqual([]);
  });
});
