// `office feedback` through the real binary, with no model: the verdict is stored in plan memory and in the task,
// found again by its words, and a command line without exactly one of --good and --bad is refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/a.ts', '// TODO a\n');
  await installFixtures(ws);
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

function run(args: string[]) {
  return runOffice(args, { cwd: ws.root });
}

describe('office feedback', () => {
  it('stores feedback on a template task, links it in the task, and finds it by its comment', async () => {
    const todo = await run(['run', '--offline', '--json', 'find TODO in src']);
    expect(todo.code, todo.stderr).toBe(0);
    const taskId = (onlyJson(todo.stdout) as { task_id: string }).task_id;

    const feedback = await run([
      'feedback',
      taskId.slice(0, 20),
      '--bad',
      '--comment',
      'it should find FIXME markers too',
    ]);
    expect(feedback.code, feedback.stderr).toBe(0);
    expect(feedback.stdout).toContain('template plans are not remembered');

    const found = onlyJson(
      (await run(['memory', 'search', '--offline', '--json', 'FIXME markers'])).stdout,
    ) as { model: string; hits: { kind: string; comment: string; rating: string; plan_id: string }[] };
    expect(found.model).toBe('hash-ngram-v1');
    expect(found.hits[0]).toMatchObject({
      kind: 'feedback',
      rating: 'bad',
      comment: 'it should find FIXME markers too',
    });

    const doc = JSON.parse(await ws.read(`.office/tasks/${taskId}.json`)) as {
      events: { type: string; rating?: string }[];
    };
    expect(doc.events.at(-1)).toMatchObject({ type: 'feedback', rating: 'bad' });
  });

  it('refuses feedback without exactly one of --good and --bad, or on a task that does not exist', async () => {
    const todo = await run(['run', '--offline', '--json', 'find TODO in src']);
    const taskId = (onlyJson(todo.stdout) as { task_id: string }).task_id;
    const neither = await run(['feedback', taskId]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('exactly one of --good or --bad');
    expect((await run(['feedback', taskId, '--good', '--bad'])).code).toBe(2);
    expect((await run(['feedback', 'no-such-task', '--good'])).code).toBe(2);
  });
});
