// The terminal UI's state: loop events folded into what the live view shows.
import { describe, expect, it } from 'vitest';
import type { ModelCallRecord } from '../../src/models/types.js';
import type { LoopEvent } from '../../src/office/events.js';
import { initialRunState, type RunState, reduceRunState } from '../../src/ui/run-state.js';

const T = 'task-1';

function fold(events: readonly LoopEvent[], start = 1_000): RunState {
  return events.reduce((s, e, i) => reduceRunState(s, e, start + i * 1000), initialRunState);
}

function statuses(state: RunState): Record<string, string> {
  return Object.fromEntries(state.subtasks.map((s) => [s.id, s.status]));
}

function call(over: Partial<ModelCallRecord>): ModelCallRecord {
  return {
    at: '2026-11-23T10:00:00.000Z',
    role: 'plan',
    tier: 'medium',
    provider: 'ollama',
    model: 'qwen3:8b',
    tokens_in: 100,
    tokens_out: 20,
    tokens_estimated: false,
    cost_usd: 0,
    latency_ms: 900,
    cache_hit: false,
    outcome: 'ok',
    ...over,
  };
}

const start: LoopEvent[] = [
  { type: 'task_started', task_id: T, request: 'index then trace', resumed: false },
  {
    type: 'decomposed',
    task_id: T,
    by: 'template:trace',
    subtasks: [
      { id: 'index', goal: 'Index ./src', dependencies: [] },
      { id: 'trace', goal: 'Trace checkout to chargeCard', dependencies: ['index'] },
    ],
  },
];

describe('run state', () => {
  it('subtasks move from pending through planning and running to succeeded, with their iteration', () => {
    const planned = fold([
      ...start,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        source: 'template',
        by: 'template:trace',
        steps: [{ step_id: 'idx', action: 'index_code' }],
      },
    ]);
    expect(statuses(planned)).toEqual({ index: 'planning', trace: 'pending' });
    expect(planned.subtasks[0]?.iteration).toBe(1);

    const running = reduceRunState(
      planned,
      { type: 'step_started', task_id: T, step_id: 'idx', action: 'index_code', attempt: 1 },
      5_000,
    );
    expect(statuses(running).index).toBe('running');
    expect(running.running).toEqual([{ stepId: 'idx', action: 'index_code', attempt: 1, startedAt: 5_000 }]);

    const done = [
      {
        type: 'step_finished',
        task_id: T,
        step_id: 'idx',
        action: 'index_code',
        status: 'succeeded',
        duration_ms: 1200,
        summary: '12 files, 80 symbols',
      },
      {
        type: 'review',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        verdict: 'APPROVE',
        summary: 'all steps succeeded',
        by: 'rules',
      },
      { type: 'subtask_finished', task_id: T, subtask_id: 'index', status: 'succeeded' },
    ] satisfies LoopEvent[];
    const finished = done.reduce((s, e) => reduceRunState(s, e, 6_000), running);
    expect(statuses(finished)).toEqual({ index: 'succeeded', trace: 'pending' });
    expect(finished.running).toEqual([]);
    expect(finished.recent.map((r) => [r.stepId, r.status, r.line])).toEqual([
      ['idx', 'succeeded', '12 files, 80 symbols'],
    ]);
    expect(finished.reviews.map((r) => r.verdict)).toEqual(['APPROVE']);
  });

  it('a REVISE verdict sends the subtask back to planning, and the next plan raises its iteration', () => {
    const state = fold([
      ...start,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        source: 'template',
        by: 't',
        steps: [],
      },
      {
        type: 'review',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        verdict: 'REVISE',
        summary: 'no symbols found',
        by: 'rules',
      },
    ]);
    expect(statuses(state).index).toBe('planning');
    const next = reduceRunState(
      state,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p2',
        iteration: 2,
        source: 'model',
        by: 'ollama:qwen3:8b',
        steps: [],
      },
      9_000,
    );
    expect(next.subtasks[0]?.iteration).toBe(2);
  });

  it('a step that policy leaves to a person marks the plan’s subtask as needing approval', () => {
    const state = fold([
      ...start,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'trace',
        plan_id: 'trace.p1',
        iteration: 1,
        source: 'template',
        by: 't',
        steps: [{ step_id: 'w', action: 'touch_file' }],
      },
      {
        type: 'step_approval',
        task_id: T,
        plan_id: 'trace.p1',
        step_id: 'w',
        tool: 'touch_file',
        risk: 'write',
        decision: 'ask',
        by: 'default/write',
        reason: 'risk write',
      },
    ]);
    expect(statuses(state)).toEqual({ index: 'pending', trace: 'needs_approval' });
  });

  it('a denied step shows as denied with its reason, on the subtask and in the recent steps', () => {
    const state = fold([
      ...start,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p1',
        iteration: 1,
        source: 'template',
        by: 't',
        steps: [],
      },
      {
        type: 'step_approval',
        task_id: T,
        plan_id: 'index.p1',
        step_id: 'rm',
        tool: 'run_command',
        risk: 'exec',
        decision: 'deny',
        by: 'user',
        reason: 'denied by the user: only read',
      },
    ]);
    expect(state.recent.at(-1)).toMatchObject({
      stepId: 'rm',
      status: 'denied',
      line: 'denied by the user: only read',
    });
    expect(state.subtasks[0]?.note).toContain('denied by the user: only read');
  });

  it('the task ending dead-lettered, failed or escalated marks the subtask it was working on', () => {
    const base = fold([
      ...start,
      {
        type: 'subtask_planned',
        task_id: T,
        subtask_id: 'index',
        plan_id: 'index.p3',
        iteration: 3,
        source: 'template',
        by: 't',
        steps: [],
      },
    ]);
    for (const status of ['dead_lettered', 'failed', 'escalated'] as const) {
      const ended = reduceRunState(base, { type: 'task_finished', task_id: T, status, duration_ms: 10 }, 1);
      expect(statuses(ended)).toEqual({ index: status, trace: 'pending' });
      expect(ended.finished?.status).toBe(status);
    }
  });

  it('model calls add up tokens, cost and cache hits; candidates never called do not count as calls', () => {
    const state = fold([
      { type: 'model_call', task_id: T, call: call({ tokens_in: 1200, tokens_out: 300, cost_usd: 0.002 }) },
      {
        type: 'model_call',
        task_id: T,
        call: call({
          provider: 'openai',
          model: 'gpt-5-mini',
          tokens_in: 0,
          tokens_out: 0,
          outcome: 'skipped',
        }),
      },
      { type: 'model_call', task_id: T, call: call({ tokens_in: 50, tokens_out: 10, cache_hit: true }) },
      { type: 'fallback', task_id: T, role: 'review', reason: 'no model answered; deterministic review' },
    ]);
    expect(state.models).toEqual({
      calls: 2,
      tokensIn: 1250,
      tokensOut: 310,
      costUsd: 0.002,
      cacheHits: 1,
      estimated: false,
      last: 'ollama:qwen3:8b',
    });
    expect(state.fallbacks.map((f) => f.text)).toEqual(['review: no model answered; deterministic review']);
  });

  it('a failed attempt is not a call (as in the run footer, status and stats), though its tokens count', () => {
    const state = fold([
      { type: 'model_call', task_id: T, call: call({ tokens_in: 500, outcome: 'invalid_output' }) },
      { type: 'model_call', task_id: T, call: call({ tokens_in: 700, tokens_out: 90 }) },
    ]);
    expect(state.models).toMatchObject({ calls: 1, tokensIn: 1200, tokensOut: 110 });
  });

  it('a retried step keeps running with the error of the failed attempt as its detail', () => {
    const state = fold([
      { type: 'step_started', task_id: T, step_id: 's', action: 'search_code', attempt: 1 },
      { type: 'step_retry', task_id: T, step_id: 's', attempt: 1, delay_ms: 200, error: 'EBUSY' },
      { type: 'step_started', task_id: T, step_id: 's', action: 'search_code', attempt: 2 },
      { type: 'progress', task_id: T, step_id: 's', message: 'scanned 40 files' },
    ]);
    expect(state.running).toHaveLength(1);
    expect(state.running[0]).toMatchObject({ attempt: 2, detail: 'scanned 40 files' });
  });
});
