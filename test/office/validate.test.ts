// Plan validator: each broken rule is rejected with its own rule name and a message naming what is wrong.
import { mkdir, symlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRegistry } from '../../src/office/ports.js';
import { validatePlan } from '../../src/office/validate.js';
import type { ValidationIssue } from '../../src/schemas/task.js';
import type { ToolDefinition } from '../../src/tools/define-tool.js';
import { resolveInside } from '../../src/util/workspace.js';
import { listFiles, readFileTool, searchCode } from '../../tools/files.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

const tools: ToolRegistry = (() => {
  const all = [listFiles, readFileTool, searchCode] as unknown as ToolDefinition[];
  return { get: (name) => all.find((t) => t.name === name), list: () => all };
})();

let ws: TempWorkspace;
let outside: TempWorkspace;

beforeAll(async () => {
  ws = await makeWorkspace();
  outside = await makeWorkspace('office-outside-');
  await outside.write('secret.txt', 'secret\n');
  await mkdir(ws.path('src'));
  await ws.write('src/a.ts', 'export const a = 1;\n');
  await symlink(outside.root, ws.path('escape'));
});

afterAll(async () => {
  await ws.cleanup();
  await outside.cleanup();
});

type Step = Record<string, unknown>;
function step(id: string, extra: Step = {}): Step {
  return {
    step_id: id,
    action: 'search_code',
    inputs: { pattern: 'TODO', dir: 'src' },
    idempotency_key: `t1:${id}`,
    ...extra,
  };
}
function planOf(...steps: Step[]): Record<string, unknown> {
  return { plan_id: 'p1', task_id: 't1', metadata: {}, steps };
}

function validate(plan: unknown) {
  return validatePlan(plan, {
    taskId: 't1',
    tools,
    maxStepTimeoutSeconds: 600,
    checkPath: (path) => {
      try {
        resolveInside(ws.root, path);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
}

/** The single issue of a rejected plan, checked to carry `rule`. */
function onlyIssue(plan: unknown, rule: string): ValidationIssue {
  const outcome = validate(plan);
  expect(outcome.ok).toBe(false);
  expect(outcome.issues.map((i) => i.rule)).toEqual([rule]);
  return outcome.issues[0] as ValidationIssue;
}

describe('validatePlan', () => {
  it('accepts a sound plan with a reference to a dependency', () => {
    const outcome = validate(
      planOf(
        step('find'),
        step('read', {
          action: 'read_file',
          inputs: { path: { $ref: 'find.matches.0.file' } },
          dependencies: ['find'],
        }),
      ),
    );
    expect(outcome.issues).toEqual([]);
    expect(outcome.ok).toBe(true);
  });

  it('rejects an unknown action, naming it and the closest tools', () => {
    const issue = onlyIssue(planOf(step('s1', { action: 'serch_code' })), 'unknown_action');
    expect(issue.step_id).toBe('s1');
    expect(issue.message).toContain('"serch_code"');
    expect(issue.message).toMatch(/closest: search_code/);
  });

  it("rejects inputs that fail the tool's schema, naming the input", () => {
    const issue = onlyIssue(planOf(step('s1', { inputs: { pattern: 5 } })), 'invalid_inputs');
    expect(issue.message).toContain('search_code');
    expect(issue.message).toContain('input pattern');
  });

  it('rejects an input the tool does not take', () => {
    const issue = onlyIssue(
      planOf(step('s1', { inputs: { pattern: 'x', colour: 'red' } })),
      'invalid_inputs',
    );
    expect(issue.message).toContain('colour');
  });

  it('rejects a duplicate step id', () => {
    const issue = onlyIssue(
      planOf(step('s1'), step('s1', { idempotency_key: 'other' })),
      'duplicate_step_id',
    );
    expect(issue.message).toContain('"s1"');
  });

  it('rejects a duplicate idempotency key', () => {
    const issue = onlyIssue(
      planOf(step('s1'), step('s2', { idempotency_key: 't1:s1' })),
      'duplicate_idempotency_key',
    );
    expect(issue.message).toContain('"t1:s1"');
    expect(issue.step_id).toBe('s2');
  });

  it('rejects a dependency on a step that is not in the plan', () => {
    const issue = onlyIssue(planOf(step('s1', { dependencies: ['ghost'] })), 'missing_dependency');
    expect(issue.message).toContain('"ghost"');
    expect(issue.step_id).toBe('s1');
  });

  it('rejects a dependency cycle, naming the steps around it', () => {
    const issue = onlyIssue(
      planOf(
        step('a', { dependencies: ['c'] }),
        step('b', { dependencies: ['a'] }),
        step('c', { dependencies: ['b'] }),
      ),
      'dependency_cycle',
    );
    for (const id of ['a', 'b', 'c']) expect(issue.message).toContain(id);
  });

  it('rejects a step that depends on itself', () => {
    const outcome = validate(planOf(step('s1', { dependencies: ['s1'] })));
    expect(outcome.ok).toBe(false);
    expect(outcome.issues.map((i) => i.rule)).toContain('self_dependency');
  });

  it('rejects a $ref to a step that is not among the dependencies', () => {
    const issue = onlyIssue(
      planOf(
        step('find'),
        step('read', { action: 'read_file', inputs: { path: { $ref: 'find.matches.0.file' } } }),
      ),
      'bad_reference',
    );
    expect(issue.message).toContain('"find"');
    expect(issue.step_id).toBe('read');
  });

  it.each([
    ['0', 0],
    ['above the configured maximum', 601],
  ])('rejects timeout_seconds %s', (_label, timeout) => {
    const issue = onlyIssue(planOf(step('s1', { timeout_seconds: timeout })), 'timeout_bounds');
    expect(issue.message).toContain(String(timeout));
    expect(issue.message).toContain('600');
  });

  it.each([
    ['a ../ path', { action: 'read_file', inputs: { path: '../x' } }, '../x'],
    ['an absolute path elsewhere', { action: 'read_file', inputs: { path: '/etc/passwd' } }, '/etc/passwd'],
    [
      'a symlink pointing outside',
      { action: 'read_file', inputs: { path: 'escape/secret.txt' } },
      'escape/secret.txt',
    ],
    ['a directory through a symlink', { inputs: { pattern: 'x', dir: 'escape' } }, 'escape'],
  ])('rejects %s (outside the workspace)', (_label, patch, named) => {
    const issue = onlyIssue(planOf(step('s1', patch)), 'path_outside_workspace');
    expect(issue.message).toContain(`"${named}"`);
    expect(issue.message).toContain('outside the workspace');
  });

  it('accepts an absolute path inside the workspace', () => {
    expect(
      validate(planOf(step('s1', { action: 'read_file', inputs: { path: ws.path('src/a.ts') } }))).ok,
    ).toBe(true);
  });

  it('rejects a plan that breaks the contract, naming the field', () => {
    const outcome = validate({ plan_id: 'p1', task_id: 't1', metadata: {}, steps: [{ step_id: 's1' }] });
    expect(outcome.ok).toBe(false);
    expect(outcome.issues.every((i) => i.rule === 'contract')).toBe(true);
    const text = outcome.issues.map((i) => i.message).join('\n');
    expect(text).toContain('steps.0.action');
    expect(text).toContain('steps.0.idempotency_key');
  });

  it('rejects a plan for another task and a plan without steps', () => {
    expect(onlyIssue({ ...planOf(step('s1')), task_id: 'other' }, 'task_id').message).toContain('"other"');
    expect(onlyIssue(planOf(), 'empty_plan').message).toContain('no steps');
  });
});
