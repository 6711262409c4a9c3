// Task analyst ("Task Analyst"): request → subtask DAG with tool hints. Templates first (free, deterministic),
// then a model when one is wired; the DAG is checked either way (known ids, no cycles).
import { type SubtaskDag, subtaskDagSchema } from '../schemas/subtask.js';
import type { Template } from '../schemas/template.js';
import { decomposeWithTemplates } from './templates.js';

export interface Decomposition {
  readonly dag: SubtaskDag;
  readonly by: string;
}

/** Where the request was made: paths in it are relative to `cwd` (workspace-relative; absent: the root). */
export interface DecomposeContext {
  readonly cwd?: string | undefined;
}

export type Decomposer = (request: string, context?: DecomposeContext) => Promise<Decomposition | undefined>;

export function templateDecomposer(templates: readonly Template[]): Decomposer {
  return async (request, context) => {
    const dag = decomposeWithTemplates(request, templates, context?.cwd);
    return dag ? { dag, by: 'templates' } : undefined;
  };
}

/** Problems with a DAG's shape: duplicate ids, unknown dependencies, cycles. Empty when it is sound. */
export function dagProblems(candidate: unknown): string[] {
  const parsed = subtaskDagSchema.safeParse(candidate);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'dag'}: ${i.message}`);
  const ids = parsed.data.subtasks.map((s) => s.id);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`subtask id "${id}" is used twice`);
    seen.add(id);
  }
  for (const s of parsed.data.subtasks) {
    for (const d of s.dependencies)
      if (!seen.has(d)) problems.push(`subtask "${s.id}" depends on unknown "${d}"`);
  }
  if (problems.length === 0 && subtaskOrder(parsed.data) === undefined)
    problems.push('subtask dependencies form a cycle');
  return problems;
}

/** Subtasks in an order that respects dependencies (higher priority first among ready ones); undefined on a cycle. */
export function subtaskOrder(dag: SubtaskDag): string[] | undefined {
  const done = new Set<string>();
  const order: string[] = [];
  const remaining = [...dag.subtasks];
  while (remaining.length > 0) {
    const ready = remaining
      .filter((s) => s.dependencies.every((d) => done.has(d)))
      .sort((a, b) => b.priority - a.priority);
    const next = ready[0];
    if (!next) return undefined;
    order.push(next.id);
    done.add(next.id);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return order;
}

export function decomposerChain(decomposers: readonly Decomposer[]): Decomposer {
  return async (request, context) => {
    for (const d of decomposers) {
      const result = await d(request, context);
      if (result && dagProblems(result.dag).length === 0) return result;
    }
    return undefined;
  };
}
