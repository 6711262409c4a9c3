// Plan memory over a real vectra index in a temp workspace: reuse, lessons, feedback, forgetting, retention.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlanMemory } from '../../src/memory/plan-memory.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';
import { outcome } from './helpers.js';

let ws: TempWorkspace;
let warnings: string[];

beforeEach(async () => {
  ws = await makeWorkspace('office-memory-');
  await ws.write('src/pay.ts', 'export function chargeCard() {}\n');
  warnings = [];
});
afterEach(async () => {
  await ws.cleanup();
});

function memory(now = () => new Date()) {
  return createPlanMemory({ workspace: ws.root, onWarning: (m) => warnings.push(m), now });
}

const query = {
  taskId: 't-2',
  request: 'trace checkout to chargeCard in ./src',
  subtaskId: 's1',
  goal: 'find the call path from checkout to chargeCard',
};

describe('reuse', () => {
  it('offers a success again for the same request and goal on an unchanged workspace', async () => {
    const m = memory();
    await m.recall({ ...query, taskId: 't-1' });
    await m.remember(outcome());
    const got = await memory().recall(query);
    expect(got.reusable?.steps.map((s) => s.action)).toEqual(['search_code', 'read_file']);
    expect(got.reusable?.steps[1]).toEqual({
      step_id: 'read',
      action: 'read_file',
      inputs: { path: 'src/pay.ts' },
      dependencies: ['find'],
      parallelizable: false,
      timeout_seconds: 60,
    });
    expect(got.reusable?.confidence).toBe(0.8);
  });

  it('treats case, spacing, a trailing full stop and ./ before a path as the same request', async () => {
    await memory().remember(outcome());
    const got = await memory().recall({ ...query, request: '  Trace checkout to  chargeCard in src.' });
    expect(got.reusable).toBeDefined();
  });

  it('does not reuse a plan once a file in the workspace changed', async () => {
    await memory().remember(outcome());
    await writeFile(ws.path('src/pay.ts'), 'export function chargeCard(amount: number) {}\n');
    expect((await memory().recall(query)).reusable).toBeUndefined();
  });

  it('does not reuse a plan for another request or another subtask goal', async () => {
    await memory().remember(outcome());
    expect(
      (await memory().recall({ ...query, request: 'trace checkout to refund in ./src' })).reusable,
    ).toBeUndefined();
    expect((await memory().recall({ ...query, goal: 'list the files' })).reusable).toBeUndefined();
  });

  it('does not offer the same plan twice to one subtask, and then recalls similar plans instead', async () => {
    await memory().remember(outcome());
    const m = memory();
    expect((await m.recall(query)).reusable).toBeDefined();
    const second = await m.recall(query);
    expect(second.reusable).toBeUndefined();
  });

  it('stops reusing a plan that failed after it succeeded', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    await memory(now).remember(outcome());
    await memory(now).remember(
      outcome({ kind: 'failure', taskId: 't-3', reasons: ['the path it found stops at an interface'] }),
    );
    expect((await memory(now).recall(query)).reusable).toBeUndefined();
  });

  it('refreshes the entry of a plan that succeeds again instead of adding another', async () => {
    await memory().remember(outcome());
    await memory().remember(outcome({ taskId: 't-2', planSource: 'memory' }));
    const entries = await memory().list();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.uses).toBe(2);
  });

  it('never reuses a plan whose inputs held a secret (they were masked when remembered)', async () => {
    const plan = outcome().plan;
    const leaky = outcome({
      plan: {
        ...plan,
        steps: [
          {
            step_id: 'a',
            action: 'run_command',
            inputs: { command: 'curl -H "Authorization: Bearer sk-abcdefghijklmnopqrstuvwxyz0123"' },
          },
        ],
      },
    });
    await memory().remember(leaky);
    const [entry] = await memory().list();
    expect(JSON.stringify(entry?.steps)).not.toContain('sk-abcdefghijklmnopqrstuvwxyz0123');
    expect(entry?.reusable).toBe(false);
    expect((await memory().recall(query)).reusable).toBeUndefined();
  });
});

describe('lessons and similar plans', () => {
  it('puts a reviewer rejection into the next similar request as a lesson, before similar successes', async () => {
    await memory().remember(
      outcome({
        taskId: 't-0',
        request: 'trace checkout to chargeCard in ./lib',
        plan: {
          ...outcome().plan,
          plan_id: 's1.p9',
          steps: [{ step_id: 'x', action: 'list_files', inputs: {} }],
        },
      }),
    );
    await memory().remember(
      outcome({
        kind: 'failure',
        taskId: 't-1',
        reasons: ['the plan never read the file that defines chargeCard', 'read src/pay.ts before tracing'],
      }),
    );
    const { text, reusable } = await memory().recall({
      ...query,
      request: 'trace checkout to chargeCard in ./app',
    });
    expect(reusable).toBeUndefined();
    const lesson = text.indexOf('Lesson from a rejected plan for a similar request');
    const success = text.indexOf('A plan that worked for a similar request');
    expect(lesson).toBe(0);
    expect(success).toBeGreaterThan(lesson);
    expect(text).toContain(
      'the plan never read the file that defines chargeCard; read src/pay.ts before tracing',
    );
    expect(text).toContain('list_files');
  });

  it('leaves out entries of the task being planned and entries of unrelated requests', async () => {
    await memory().remember(outcome({ kind: 'failure', taskId: 't-2', reasons: ['own feedback'] }));
    await memory().remember(
      outcome({
        kind: 'failure',
        taskId: 't-9',
        request: 'rename the logger module',
        goal: 'rename files',
        reasons: ['unrelated'],
      }),
    );
    const { text } = await memory().recall(query);
    expect(text).toBe('');
  });

  it('keeps the recalled text within its token budget', async () => {
    for (let i = 0; i < 12; i++) {
      await memory().remember(
        outcome({ kind: 'failure', taskId: `t-${i + 10}`, reasons: [`reason number ${i} `.repeat(30)] }),
      );
    }
    const m = createPlanMemory({ workspace: ws.root, topK: 20, budgetTokens: 300 });
    const { text } = await m.recall(query);
    expect(text.length).toBeLessThanOrEqual(300 * 4);
    expect(text.startsWith('Lesson from a rejected plan')).toBe(true);
  });
});

describe('feedback', () => {
  it('turns the task\u2019s success into a lesson on --bad, and stops its reuse', async () => {
    await memory().remember(outcome());
    const { changed, entry } = await memory().feedback({
      taskId: 't-1',
      request: outcome().request,
      goals: [outcome().goal],
      planIds: ['s1.p1'],
      reusedFrom: [],
      planSummary: 's1: search_code → read_file',
      rating: 'bad',
      comment: 'it missed the refund path',
    });
    expect(changed).toHaveLength(1);
    expect(entry.kind).toBe('feedback');
    const recalled = await memory().recall(query);
    expect(recalled.reusable).toBeUndefined();
    expect(recalled.text).toContain('Lesson from a plan a user marked bad for a similar request');
    expect(recalled.text).toContain('it missed the refund path');
    expect(recalled.text).not.toContain('A plan that worked');

    // The same steps succeeding again later (another task) do not make them reusable: the user said no.
    await memory().remember(outcome({ taskId: 't-4' }));
    expect((await memory().recall({ ...query, taskId: 't-5' })).reusable).toBeUndefined();
  });

  it('marks the plan a task reused as bad too, through the memory id it came from', async () => {
    await memory().remember(outcome());
    const [original] = await memory().list();
    await memory().feedback({
      taskId: 't-7',
      request: outcome().request,
      goals: [],
      planIds: ['s1.p1'],
      reusedFrom: [original?.id ?? ''],
      planSummary: 's1: search_code → read_file',
      rating: 'bad',
      comment: '',
    });
    expect((await memory().recall(query)).reusable).toBeUndefined();
  });

  it('keeps bad feedback on a task with nothing in memory as a lesson of its own', async () => {
    await memory().feedback({
      taskId: 't-5',
      request: 'find TODO in src',
      goals: ['find TODO comments'],
      planIds: ['s1.p1'],
      reusedFrom: [],
      planSummary: 's1: search_code',
      rating: 'bad',
      comment: 'include FIXME too',
    });
    const { text } = await memory().recall({
      ...query,
      request: 'find TODO in lib',
      goal: 'find TODO comments',
    });
    expect(text).toContain('Lesson from user feedback on a similar request');
    expect(text).toContain('include FIXME too');
  });

  it('marks the task\u2019s plans as confirmed on --good, and they stay reusable', async () => {
    await memory().remember(outcome());
    await memory().feedback({
      taskId: 't-1',
      request: outcome().request,
      goals: [],
      planIds: ['s1.p1'],
      reusedFrom: [],
      planSummary: '',
      rating: 'good',
      comment: 'exactly right',
    });
    const [success] = (await memory().list()).filter((e) => e.kind === 'success');
    expect(success?.rating).toBe('good');
    expect((await memory().recall(query)).reusable).toBeDefined();
  });
});

describe('storage', () => {
  it('finds stored failures and feedback by search with no model at all', async () => {
    await memory().remember(
      outcome({ kind: 'failure', reasons: ['chargeCard is called through a callback'] }),
    );
    await memory().remember(
      outcome({ kind: 'success', request: 'list the files in docs', goal: 'list files' }),
    );
    const { hits, model } = await memory().search('chargeCard callback', 5);
    expect(model).toBe('hash-ngram-v1');
    expect(hits[0]?.entry.kind).toBe('failure');
    expect(hits[0]?.entry.lesson).toContain('chargeCard is called through a callback');
  });

  it('forgets an entry by a unique prefix of its id, and says nothing matched afterwards', async () => {
    await memory().remember(outcome());
    const [entry] = await memory().list();
    const id = entry?.id ?? '';
    expect((await memory().forget(id.slice(0, -2)))?.id).toBe(id);
    expect(await memory().list()).toEqual([]);
    expect(await memory().forget(id)).toBeUndefined();
  });

  it('prunes entries not used since the cutoff and keeps the rest', async () => {
    await memory(() => new Date('2026-01-01T00:00:00Z')).remember(outcome({ taskId: 'old' }));
    await memory(() => new Date('2026-06-01T00:00:00Z')).remember(
      outcome({ taskId: 'new', request: 'another request' }),
    );
    const dry = await memory().prune(new Date('2026-03-01T00:00:00Z'), true);
    expect(dry.removed.map((e) => e.task_id)).toEqual(['old']);
    expect(await memory().list()).toHaveLength(2);
    const real = await memory().prune(new Date('2026-03-01T00:00:00Z'), false);
    expect(real.removed.map((e) => e.task_id)).toEqual(['old']);
    expect(real.bytes).toBeGreaterThan(0);
    expect((await memory().list()).map((e) => e.task_id)).toEqual(['new']);
  });

  it('recalls nothing, with a warning, instead of failing the run when memory cannot be read at all', async () => {
    await mkdir(ws.path('.office/memory/entries/index.json'), { recursive: true });
    const got = await memory().recall(query);
    expect(got).toEqual({ text: '' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('plan memory could not be read; planning without it');
  });

  it('sets an unreadable index aside, names it in a warning, and starts a fresh one', async () => {
    await memory().remember(outcome());
    await writeFile(ws.path('.office/memory/entries/index.json'), '{"version":1,"items":[{"id":');
    const m = memory();
    expect(await m.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\.office\/memory\/entries\/index\.json could not be read/);
    const aside = await readdir(ws.path('.office/corrupt'));
    expect(aside).toHaveLength(1);
    expect(warnings[0]).toContain(aside[0]);
    await m.remember(outcome());
    expect(await memory().list()).toHaveLength(1);
    expect(await readFile(ws.path(`.office/corrupt/${aside[0]}`), 'utf8')).toContain('"items":[{"id":');
  });
});
