// Plan validator ("Senior Reviewer"): rule checks on a plan before anything runs. Pure: data in, issues out.
import type { z } from 'zod';
import { isStepRef, type Plan, planSchema } from '../schemas/plan.js';
import type { ValidationIssue } from '../schemas/task.js';
import type { ToolRegistry } from './ports.js';

export interface ValidationContext {
  readonly taskId: string;
  readonly tools: ToolRegistry;
  readonly maxStepTimeoutSeconds: number;
  /** Null when the path is inside the workspace, else the reason it is not. */
  readonly checkPath: (path: string) => string | null;
}

export type ValidationOutcome =
  | { readonly ok: true; readonly plan: Plan; readonly issues: readonly [] }
  | { readonly ok: false; readonly plan?: Plan; readonly issues: readonly ValidationIssue[] };

type Json = unknown;

/** Locations (as key paths) of `{ "$ref": ... }` values inside step inputs. */
export function findRefs(
  value: Json,
  at: (string | number)[] = [],
): { path: (string | number)[]; ref: string }[] {
  if (isStepRef(value)) return [{ path: at, ref: value.$ref }];
  if (Array.isArray(value)) return value.flatMap((v, i) => findRefs(v, [...at, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => findRefs(v, [...at, k]));
  }
  return [];
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

function closest(name: string, names: readonly string[]): string[] {
  const score = (a: string, b: string) => {
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = dp[0] ?? 0;
      dp[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = dp[j] ?? 0;
        dp[j] = Math.min((dp[j] ?? 0) + 1, (dp[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return dp[b.length] ?? 0;
  };
  return [...names].sort((x, y) => score(name, x) - score(name, y)).slice(0, 3);
}

/** Finds one dependency cycle among steps, as the list of step ids around it. */
function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of deps.get(id) ?? []) {
      if (!deps.has(d)) continue;
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of deps.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

export function validatePlan(candidate: unknown, ctx: ValidationContext): ValidationOutcome {
  const parsed = planSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        rule: 'contract',
        message: `the plan does not satisfy the plan contract at ${i.path.join('.') || '(root)'}: ${i.message}`,
      })),
    };
  }
  const plan = parsed.data;
  const issues: ValidationIssue[] = [];
  const add = (rule: string, message: string, step_id?: string) =>
    issues.push(step_id === undefined ? { rule, message } : { rule, message, step_id });

  if (plan.task_id !== ctx.taskId)
    add('task_id', `the plan is for task "${plan.task_id}", not "${ctx.taskId}"`);
  if (plan.steps.length === 0) add('empty_plan', 'the plan has no steps');

  const seenIds = new Set<string>();
  const seenKeys = new Set<string>();
  for (const step of plan.steps) {
    if (seenIds.has(step.step_id))
      add('duplicate_step_id', `step id "${step.step_id}" is used more than once`, step.step_id);
    seenIds.add(step.step_id);
    if (seenKeys.has(step.idempotency_key)) {
      add(
        'duplicate_idempotency_key',
        `idempotency key "${step.idempotency_key}" is used by more than one step`,
        step.step_id,
      );
    }
    seenKeys.add(step.idempotency_key);
  }

  const deps = new Map(plan.steps.map((s) => [s.step_id, s.dependencies ?? []] as const));
  const toolNames = ctx.tools.list().map((t) => t.name);
  for (const step of plan.steps) {
    const id = step.step_id;
    for (const dep of step.dependencies ?? []) {
      if (dep === id) add('self_dependency', `step "${id}" depends on itself`, id);
      else if (!seenIds.has(dep))
        add('missing_dependency', `step "${id}" depends on "${dep}", which is not a step of this plan`, id);
    }

    const timeout = step.timeout_seconds ?? 300;
    if (timeout < 1 || timeout > ctx.maxStepTimeoutSeconds) {
      add(
        'timeout_bounds',
        `step "${id}" asks for timeout_seconds ${timeout}; allowed is 1 to ${ctx.maxStepTimeoutSeconds}`,
        id,
      );
    }

    const refs = findRefs(step.inputs);
    for (const { ref } of refs) {
      const target = ref.split('.')[0] ?? '';
      if (!(step.dependencies ?? []).includes(target)) {
        add(
          'bad_reference',
          `step "${id}" uses the output of "${target}" ($ref "${ref}") but does not list it in dependencies`,
          id,
        );
      }
    }

    const tool = ctx.tools.get(step.action);
    if (!tool) {
      add(
        'unknown_action',
        `step "${id}" uses "${step.action}", which is not a registered tool (closest: ${closest(step.action, toolNames).join(', ')})`,
        id,
      );
      continue;
    }
    const result = (tool.input as z.ZodType).safeParse(step.inputs);
    if (!result.success) {
      const real = result.error.issues.filter((i) => !refs.some((r) => startsWith(i.path, r.path)));
      for (const i of real) {
        add(
          'invalid_inputs',
          `step "${id}" (${step.action}): input ${i.path.join('.') || '(inputs)'}: ${i.message}`,
          id,
        );
      }
    } else if (tool.paths) {
      for (const access of tool.paths(result.data)) {
        const problem = ctx.checkPath(access.path);
        if (problem)
          add(
            'path_outside_workspace',
            `step "${id}" (${step.action}) would ${access.access} ${problem}`,
            id,
          );
      }
    }
    if (result.success) {
      for (const problem of tool.check?.(result.data) ?? []) {
        add('tool_check', `step "${id}" (${step.action}): ${problem}`, id);
      }
    }
  }

  const cycle = findCycle(deps);
  if (cycle) add('dependency_cycle', `steps depend on each other in a cycle: ${cycle.join(' → ')}`, cycle[0]);

  return issues.length === 0 ? { ok: true, plan, issues: [] } : { ok: false, plan, issues };
}
