// The live view, rendered by ink from a scripted sequence of loop events.
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../src/office/events.js';
import { OfficeApp } from '../../src/ui/office-app.js';
import { createUiStore } from '../../src/ui/ui-store.js';
import { untilFrame } from '../helpers/ink-frames.js';

const T = '20261123-ab12';

afterEach(() => cleanup());

/** A store on a fixed clock, and the app rendered from it. */
function mount(clock: { now: number }) {
  const store = createUiStore({ now: () => clock.now });
  const app = render(<OfficeApp store={store} onCtrlC={() => {}} clock={() => clock.now} />);
  return { store, app };
}

const script: LoopEvent[] = [
  { type: 'task_started', task_id: T, request: 'trace checkout to chargeCard in ./src', resumed: false },
  {
    type: 'decomposed',
    task_id: T,
    by: 'template:trace',
    subtasks: [
      { id: 'index', goal: 'Index ./src', dependencies: [] },
      { id: 'trace', goal: 'Trace checkout to chargeCard', dependencies: ['index'] },
    ],
  },
  {
    type: 'subtask_planned',
    task_id: T,
    subtask_id: 'index',
    plan_id: 'index.p1',
    iteration: 1,
    source: 'template',
    by: 'template:trace',
    steps: [
      { step_id: 'scan', action: 'list_files' },
      { step_id: 'idx', action: 'index_code' },
    ],
  },
  { type: 'plan_validated', task_id: T, subtask_id: 'index', plan_id: 'index.p1', ok: true, issues: [] },
  { type: 'step_started', task_id: T, step_id: 'scan', action: 'list_files', attempt: 1 },
  {
    type: 'step_finished',
    task_id: T,
    step_id: 'scan',
    action: 'list_files',
    status: 'succeeded',
    duration_ms: 340,
    summary: '42 files',
  },
  {
    type: 'model_call',
    task_id: T,
    call: {
      at: '2026-11-23T10:00:00.000Z',
      role: 'plan',
      tier: 'medium',
      provider: 'ollama',
      model: 'qwen3:8b',
      tokens_in: 1530,
      tokens_out: 212,
      tokens_estimated: false,
      cost_usd: 0.0042,
      latency_ms: 900,
      cache_hit: false,
      outcome: 'ok',
    },
  },
  { type: 'fallback', task_id: T, role: 'review', reason: 'gemini: 429 rate limited; trying openai' },
  { type: 'step_started', task_id: T, step_id: 'idx', action: 'index_code', attempt: 2 },
  { type: 'progress', task_id: T, step_id: 'idx', message: 'parsed 30 of 42 files' },
];

describe('live view', () => {
  it('shows the task, each subtask with status and iteration, the running step with its elapsed time, finished steps, model spend and fallbacks', async () => {
    const clock = { now: 10_000 };
    const { store, app } = mount(clock);
    for (const event of script) store.reporter.emit(event);
    clock.now = 17_000;

    const text = await untilFrame(app, (f) => f.includes('7s — parsed 30 of 42 files'), 'the last event');
    expect(text).toContain(`task ${T}`);
    expect(text).toContain('"trace checkout to chargeCard in ./src"');
    expect(text).toMatch(/index running · iteration 1 · Index \.\/src/);
    expect(text).toMatch(/trace pending · Trace checkout to chargeCard/);
    expect(text).toMatch(/idx index_code · attempt 2 · 7s — parsed 30 of 42 files/);
    expect(text).toMatch(/✔ scan list_files 340 ms — 42 files/);
    expect(text).toContain('models 1 call · 1.5k in / 212 out · $0.0042 · ollama:qwen3:8b');
    expect(text).toContain('fallback review: gemini: 429 rate limited; trying openai');
  });

  it('shows review verdicts, failed steps with their error, and how the task ended', async () => {
    const { store, app } = mount({ now: 0 });
    const events: LoopEvent[] = [
      ...script.slice(0, 4),
      {
        type: 'step_finished',
        task_id: T,
        step_id: 'idx',
        action: 'index_code',
        status: 'failed',
        duration_ms: 2500,
        error: 'src/broken.ts: unexpected token',
      },
      {
        type: 'review',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        verdict: 'ESCALATE',
        summary: 'the index failed twice',
        by: 'rules',
      },
      {
        type: 'task_finished',
        task_id: T,
        status: 'escalated',
        duration_ms: 4200,
        message: 'a person needs to look at subtask "index"',
      },
    ];
    for (const event of events) store.reporter.emit(event);

    const text = await untilFrame(app, (f) => f.includes('office: escalated'), 'the end of the task');
    expect(text).toMatch(/✘ idx index_code 2\.5 s — src\/broken\.ts: unexpected token/);
    expect(text).toMatch(/review index #1 ESCALATE \(rules\) the index failed twice/);
    expect(text).toMatch(/! index escalated/);
    expect(text).toContain('office: escalated in 4.2 s — a person needs to look at subtask "index"');
  });

  it('fits an 80×24 terminal even with many subtasks and steps', async () => {
    const { store, app } = mount({ now: 0 });
    store.reporter.emit({ type: 'task_started', task_id: T, request: 'x', resumed: false });
    store.reporter.emit({
      type: 'decomposed',
      task_id: T,
      by: 'model',
      subtasks: Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, goal: `goal ${i}`, dependencies: [] })),
    });
    for (let i = 0; i < 10; i++) {
      store.reporter.emit({
        type: 'step_started',
        task_id: T,
        step_id: `p${i}`,
        action: 'stamp',
        attempt: 1,
      });
      store.reporter.emit({
        type: 'step_finished',
        task_id: T,
        step_id: `d${i}`,
        action: 'stamp',
        status: 'succeeded',
        duration_ms: 5,
      });
      store.reporter.emit({ type: 'fallback', task_id: T, role: 'plan', reason: `reason ${i}` });
    }
    const lines = (await untilFrame(app, (f) => f.includes('reason 9'), 'the last fallback')).split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.join('\n')).toContain('… 6 more subtasks');
  });
});
