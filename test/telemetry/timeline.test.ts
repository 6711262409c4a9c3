// The span tree of one run, read off loop events and the times they were seen (pure).
import { describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../src/office/events.js';
import { phaseDurations, type SpanNode, spanTreeOf, type TimedEvent } from '../../src/telemetry/timeline.js';

const T = 't1';
const call = (latency: number) => ({
  at: '2026-12-03T00:00:00.000Z',
  role: 'plan' as const,
  tier: 'medium' as const,
  provider: 'ollama',
  model: 'mid',
  tokens_in: 10,
  tokens_out: 5,
  tokens_estimated: false,
  cost_usd: 0,
  latency_ms: latency,
  cache_hit: false,
  outcome: 'ok' as const,
});

function run(): TimedEvent[] {
  const e = (at: number, event: LoopEvent): TimedEvent => ({ at, event });
  return [
    e(0, { type: 'task_started', task_id: T, request: 'do it', resumed: false }),
    e(10, {
      type: 'decomposed',
      task_id: T,
      by: 'model',
      subtasks: [{ id: 'a', goal: 'g', dependencies: [] }],
    }),
    e(25, { type: 'model_call', task_id: T, call: call(10) }),
    e(30, {
      type: 'subtask_planned',
      task_id: T,
      subtask_id: 'a',
      plan_id: 'a.p1',
      iteration: 1,
      source: 'model',
      by: 'm',
      steps: [],
    }),
    e(31, { type: 'plan_validated', task_id: T, subtask_id: 'a', plan_id: 'a.p1', ok: true, issues: [] }),
    e(33, {
      type: 'step_approval',
      task_id: T,
      plan_id: 'a.p1',
      step_id: 's',
      tool: 'x',
      risk: 'read',
      decision: 'allow',
      by: 'r',
      reason: 'r',
    }),
    e(35, { type: 'step_started', task_id: T, step_id: 's', action: 'x', attempt: 1 }),
    e(60, {
      type: 'step_finished',
      task_id: T,
      step_id: 's',
      action: 'x',
      status: 'failed',
      duration_ms: 25,
    }),
    e(70, {
      type: 'review',
      task_id: T,
      subtask_id: 'a',
      plan_id: 'a.p1',
      iteration: 1,
      verdict: 'REVISE',
      summary: '',
      by: 'r',
    }),
    e(90, {
      type: 'subtask_planned',
      task_id: T,
      subtask_id: 'a',
      plan_id: 'a.p2',
      iteration: 2,
      source: 'model',
      by: 'm',
      steps: [],
    }),
    e(91, { type: 'plan_validated', task_id: T, subtask_id: 'a', plan_id: 'a.p2', ok: true, issues: [] }),
    e(95, { type: 'step_started', task_id: T, step_id: 's', action: 'x', attempt: 1 }),
    e(120, {
      type: 'step_finished',
      task_id: T,
      step_id: 's',
      action: 'x',
      status: 'succeeded',
      duration_ms: 25,
    }),
    e(130, {
      type: 'review',
      task_id: T,
      subtask_id: 'a',
      plan_id: 'a.p2',
      iteration: 2,
      verdict: 'APPROVE',
      summary: '',
      by: 'r',
    }),
    e(131, { type: 'subtask_finished', task_id: T, subtask_id: 'a', status: 'succeeded' }),
    e(140, { type: 'task_finished', task_id: T, status: 'succeeded', duration_ms: 140 }),
  ];
}

const outline = (n: SpanNode): unknown => ({
  [`${n.name} ${n.start}-${n.end}`]: n.children.map(outline),
});

describe('span tree of a run', () => {
  it("nests task → decomposition and subtask → each round's phases → model calls and tool runs, timed by the events", () => {
    const tree = spanTreeOf(run());
    expect(tree && outline(tree)).toEqual({
      'office.task 0-140': [
        { 'office.decompose 0-10': [] },
        {
          'office.subtask a 10-131': [
            { 'office.plan 10-30': [{ 'office.model ollama:mid 15-25': [] }] },
            { 'office.validate 30-31': [] },
            { 'office.approve 31-35': [] },
            { 'office.execute 35-60': [{ 'office.tool x 35-60': [] }] },
            { 'office.review 60-70': [] },
            { 'office.plan 70-90': [] },
            { 'office.validate 90-91': [] },
            { 'office.approve 91-95': [] },
            { 'office.execute 95-120': [{ 'office.tool x 95-120': [] }] },
            { 'office.review 120-130': [] },
          ],
        },
      ],
    });
    expect(tree?.children[1]?.children[3]?.children[0]?.error).toBe(true);
    expect(
      phaseDurations(tree!)
        .filter((p) => p.phase === 'plan')
        .map((p) => p.seconds),
    ).toEqual([0.02, 0.02]);
  });

  it('a run stopped while waiting for approval ends its approve phase and subtask at task_finished', () => {
    const events = run().slice(0, 6);
    events.push({
      at: 50,
      event: { type: 'subtask_finished', task_id: T, subtask_id: 'a', status: 'needs_approval' },
    });
    events.push({
      at: 51,
      event: { type: 'task_finished', task_id: T, status: 'needs_approval', duration_ms: 51 },
    });
    const tree = spanTreeOf(events)!;
    const subtask = tree.children[1]!;
    expect(subtask.children.map((p) => `${p.name} ${p.start}-${p.end}`)).toEqual([
      'office.plan 10-30',
      'office.validate 30-31',
      'office.approve 31-50',
    ]);
    expect(subtask.error).toBe(true);
    expect(tree.error).toBe(false);
  });

  it('is undefined without a task_started event', () => {
    expect(spanTreeOf(run().slice(1))).toBeUndefined();
  });
});
