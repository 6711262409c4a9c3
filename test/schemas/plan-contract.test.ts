// The zod plan schema and the shared JSON Schema contract must give the same verdict on every document.
import { describe, expect, it } from 'vitest';
import { planSchema } from '../../src/schemas/plan.js';
import { contractValidator } from './plan-contract.js';

const step = {
  step_id: 's1',
  action: 'search_code',
  inputs: { pattern: 'TODO' },
  idempotency_key: 't:s1',
};
const plan = { plan_id: 'p1', task_id: 't', metadata: {}, steps: [step] };

function withStep(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...plan, steps: [{ ...step, ...patch }] };
}

function without<T extends Record<string, unknown>>(value: T, key: keyof T): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...value };
  delete copy[key as string];
  return copy;
}

/** [name, document, accepted by the contract?] */
const cases: [string, unknown, boolean][] = [
  // accepted
  ['the smallest plan (no steps)', { plan_id: 'p', task_id: 't', metadata: {}, steps: [] }, true],
  ['one step with only its required fields', plan, true],
  [
    'every field set',
    {
      plan_id: 'p',
      task_id: 't',
      generated_at: '2026-11-23T10:00:00Z',
      confidence: 0.5,
      metadata: {
        priority: 2,
        required_tools: ['search_code'],
        estimated_cost_tokens: 120,
        estimated_duration_seconds: 3.5,
      },
      steps: [
        {
          ...step,
          outputs_expectation: { matches: 'array' },
          timeout_seconds: 60,
          parallelizable: true,
          dependencies: [],
        },
      ],
    },
    true,
  ],
  [
    'extra fields at the top, in metadata and in a step',
    { ...withStep({ note: 1 }), x: [1], metadata: { y: null } },
    true,
  ],
  ['outputs_expectation null', withStep({ outputs_expectation: null }), true],
  ['confidence 0', { ...plan, confidence: 0 }, true],
  ['confidence 1', { ...plan, confidence: 1 }, true],
  ['generated_at with a numeric offset', { ...plan, generated_at: '2026-11-23T10:00:00+02:00' }, true],
  ['generated_at with fractional seconds', { ...plan, generated_at: '2026-11-23T10:00:00.123Z' }, true],
  ['generated_at on 29 February of a leap year', { ...plan, generated_at: '2024-02-29T00:00:00Z' }, true],
  ['timeout_seconds 0 (the contract sets no minimum)', withStep({ timeout_seconds: 0 }), true],
  [
    'timeout_seconds written as 60.0',
    JSON.parse(
      '{"plan_id":"p","task_id":"t","metadata":{},"steps":[{"step_id":"s","action":"a","inputs":{},"idempotency_key":"k","timeout_seconds":60.0}]}',
    ),
    true,
  ],
  ['priority 0', { ...plan, metadata: { priority: 0 } }, true],
  ['estimated_cost_tokens a fraction', { ...plan, metadata: { estimated_cost_tokens: 12.5 } }, true],
  [
    'estimated_duration_seconds negative (no minimum)',
    { ...plan, metadata: { estimated_duration_seconds: -1 } },
    true,
  ],
  [
    'inputs nested and empty-keyed',
    withStep({ inputs: { a: { b: [1, null, { $ref: 's0' }] }, '': 0 } }),
    true,
  ],
  // rejected
  ['missing plan_id', without(plan, 'plan_id'), false],
  ['missing task_id', without(plan, 'task_id'), false],
  ['missing metadata', without(plan, 'metadata'), false],
  ['missing steps', without(plan, 'steps'), false],
  ['plan_id a number', { ...plan, plan_id: 7 }, false],
  ['task_id null', { ...plan, task_id: null }, false],
  ['metadata null', { ...plan, metadata: null }, false],
  ['metadata an array', { ...plan, metadata: [] }, false],
  ['steps an object', { ...plan, steps: { s1: step } }, false],
  ['a step that is null', { ...plan, steps: [null] }, false],
  ['a step without step_id', { ...plan, steps: [without(step, 'step_id')] }, false],
  ['a step without action', { ...plan, steps: [without(step, 'action')] }, false],
  ['a step without inputs', { ...plan, steps: [without(step, 'inputs')] }, false],
  ['a step without idempotency_key', { ...plan, steps: [without(step, 'idempotency_key')] }, false],
  ['step_id a number', withStep({ step_id: 1 }), false],
  ['inputs an array', withStep({ inputs: [] }), false],
  ['inputs null', withStep({ inputs: null }), false],
  ['outputs_expectation a string', withStep({ outputs_expectation: 'array' }), false],
  ['timeout_seconds a fraction', withStep({ timeout_seconds: 1.5 }), false],
  ['timeout_seconds a string', withStep({ timeout_seconds: '300' }), false],
  ['parallelizable a string', withStep({ parallelizable: 'yes' }), false],
  ['dependencies a string', withStep({ dependencies: 's0' }), false],
  ['dependencies holding a number', withStep({ dependencies: [1] }), false],
  ['idempotency_key null', withStep({ idempotency_key: null }), false],
  ['confidence above 1', { ...plan, confidence: 1.5 }, false],
  ['confidence below 0', { ...plan, confidence: -0.1 }, false],
  ['confidence null', { ...plan, confidence: null }, false],
  ['priority negative', { ...plan, metadata: { priority: -1 } }, false],
  ['priority a fraction', { ...plan, metadata: { priority: 1.5 } }, false],
  ['required_tools holding a number', { ...plan, metadata: { required_tools: [1] } }, false],
  ['estimated_cost_tokens a string', { ...plan, metadata: { estimated_cost_tokens: '10' } }, false],
  ['estimated_duration_seconds null', { ...plan, metadata: { estimated_duration_seconds: null } }, false],
  ['generated_at not a date', { ...plan, generated_at: 'yesterday' }, false],
  ['generated_at without an offset', { ...plan, generated_at: '2026-11-23T10:00:00' }, false],
  ['generated_at on 30 February', { ...plan, generated_at: '2024-02-30T00:00:00Z' }, false],
  ['generated_at a number', { ...plan, generated_at: 1_700_000_000 }, false],
  ['the plan an array', [plan], false],
  ['the plan null', null, false],
  // RFC 3339 forms and integers that JSON Schema accepts (found while writing this test)
  ['generated_at with a space instead of T', { ...plan, generated_at: '2026-11-23 10:00:00Z' }, true],
  ['generated_at in lower case (t, z)', { ...plan, generated_at: '2026-11-23t10:00:00z' }, true],
  ['generated_at with an offset written +0100', { ...plan, generated_at: '2026-11-23T10:00:00+0100' }, true],
  ['generated_at with a leap second', { ...plan, generated_at: '2016-12-31T23:59:60Z' }, true],
  ['timeout_seconds beyond 2^53 (still an integer)', withStep({ timeout_seconds: 1e20 }), true],
  ['priority beyond 2^53 (still an integer)', { ...plan, metadata: { priority: 2 ** 60 } }, true],
];

describe('plan contract: zod planSchema and the shared JSON Schema agree', () => {
  const validate = contractValidator();

  it('covers at least 25 documents, accepted and rejected', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(cases.some(([, , ok]) => ok)).toBe(true);
    expect(cases.some(([, , ok]) => !ok)).toBe(true);
  });

  it.each(cases)('%s', (_name, doc, expected) => {
    const byContract = validate(doc);
    expect(byContract, `JSON Schema verdict (${JSON.stringify(validate.errors)})`).toBe(expected);
    const byZod = planSchema.safeParse(doc);
    expect(byZod.success, `zod verdict (${byZod.error?.message ?? 'accepted'})`).toBe(expected);
  });
});
