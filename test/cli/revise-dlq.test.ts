// REVISE loop and dead-letter queue: a result that keeps failing review is re-planned, then dead-lettered, then retried.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
beforeEach(async () => {
  ws = await makeWorkspace();
  await installFixtures(ws, { maxIterations: 2 });
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

async function runPicky(extra: string[] = []): Promise<string> {
  const run = await office(['run', '--json', ...extra, 'ask the picky tool']);
  expect(run.code).toBe(1);
  const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { code: string } };
  expect(out.status).toBe('dead_lettered');
  expect(out.error.code).toBe('dead_lettered');
  return out.task_id;
}

describe('REVISE and the dead-letter queue', () => {
  it('re-plans up to maxIterations from the config, keeps the feedback, then dead-letters the task', async () => {
    const id = await runPicky();
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('dead_lettered');
    expect(doc.plans.map((p) => p.plan.plan_id)).toEqual(['picky.p1', 'picky.p2']);
    expect(doc.reviews.map((r) => r.review.verdict)).toEqual(['REVISE', 'REVISE']);
    const scratchpad = doc.subtasks.picky?.scratchpad ?? [];
    expect(scratchpad).toHaveLength(2);
    expect(scratchpad.every((n) => n.includes('the picky answer lacks approved.flag'))).toBe(true);
    expect(doc.subtasks.picky?.status).toBe('dead_lettered');
  });

  it('takes --max-iterations over the config', async () => {
    const id = await runPicky(['--max-iterations', '3']);
    expect((await readTask(ws, id)).plans).toHaveLength(3);
  });

  it('lists the task in office dlq with the reason, refuses a plain resume, and retries it', async () => {
    const id = await runPicky();
    const list = await office(['dlq', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('ask the picky tool');
    expect(list.stdout).toContain('found no acceptable plan in 2 iterations');
    expect(list.stdout).toContain('the picky answer lacks approved.flag');

    const show = await office(['dlq', 'show', id]);
    expect(show.stdout).toContain('picky: review of plan picky.p1 asked for a revision');

    const resume = await office(['resume', id]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain(`office dlq retry ${id}`);

    await ws.write('approved.flag', 'yes\n');
    const retry = await office(['dlq', 'retry', id, '--json']);
    expect(retry.code).toBe(0);
    expect(onlyJson(retry.stdout).status).toBe('succeeded');
    const doc = await readTask(ws, id);
    expect(doc.status).toBe('succeeded');
    expect(doc.subtasks.picky?.scratchpad).toContain('retried from the dead-letter queue');

    const after = await office(['dlq', 'list', '--json']);
    expect(onlyJson(after.stdout).entries).toEqual([]);
  });

  it('runs the step again in each REVISE round instead of reusing the output review rejected', async () => {
    const id = await runPicky();
    expect((await readTask(ws, id)).plans).toHaveLength(2);
    expect(await linesOf(ws, 'picky.log')).toHaveLength(2);
  });

  it('runs the step again on office dlq retry', async () => {
    const id = await runPicky();
    const before = (await linesOf(ws, 'picky.log')).length;
    await ws.write('approved.flag', 'yes\n');
    expect((await office(['dlq', 'retry', id])).code).toBe(0);
    expect((await linesOf(ws, 'picky.log')).length).toBe(before + 1);
  });
});
