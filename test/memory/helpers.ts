// Test helpers for plan memory: outcomes as the loop reports them, and a memory over a temp workspace.
import type { PlanOutcome } from '../../src/office/ports.js';

export function outcome(overrides: Partial<PlanOutcome> = {}): PlanOutcome {
  return {
    kind: 'success',
    taskId: 't-1',
    request: 'trace checkout to chargeCard in ./src',
    subtaskId: 's1',
    goal: 'find the call path from checkout to chargeCard',
    planSource: 'model',
    plan: {
      plan_id: 's1.p1',
      steps: [
        { step_id: 'find', action: 'search_code', inputs: { pattern: 'chargeCard', path: 'src' } },
        {
          step_id: 'read',
          action: 'read_file',
          inputs: { path: 'src/pay.ts' },
          dependencies: ['find'],
          parallelizable: false,
          timeout_seconds: 60,
        },
      ],
      confidence: 0.8,
    },
    reasons: [],
    durationMs: 1200,
    tokens: 340,
    ...overrides,
  };
}
