// Change relevance (`office check --changed-since`): whether files changed since a git ref could change a rule's
// verdict, judged on the graph of the current tree. Pure: the changes come in as data.
import { extname } from 'node:path';
import type { ResolvedRule } from './evaluate.js';
import type { IndexedGraph } from './witness-search.js';

export interface ChangedFile {
  /** Relative to the checked folder, forward slashes. */
  readonly path: string;
  readonly status: 'changed' | 'deleted';
}

export interface Changes {
  readonly ref: string;
  /** The commit compared against: the merge base of the ref and HEAD. */
  readonly base: string;
  readonly files: readonly ChangedFile[];
}

export type Relevance =
  | { readonly type: 'check'; readonly why: string }
  | { readonly type: 'skip'; readonly why: string };

/** Files whose edit can change how calls resolve anywhere (module resolution, the rules themselves). */
const RESOLUTION_FILES =
  /(^|\/)(tsconfig[^/]*\.json|jsconfig[^/]*\.json|package\.json|go\.mod|go\.work|\.office\.config\.json)$/;

/**
 * Reasons every rule must be checked whatever it selects, from the changes alone: a file that decides module
 * resolution (or the rules) changed, a source file was deleted (its calls are gone from the graph, so no rule
 * can tell whether its paths ran through it), or a changed source file holds nothing but top-level code
 * (declarations, types, re-exports: it can change how calls elsewhere resolve without being on any path).
 */
export function globalReasons(graph: IndexedGraph, changes: Changes): string[] {
  const symbolsOf = new Map<string, number>();
  const indexedExtensions = new Set<string>();
  for (const symbol of graph.view.symbols()) {
    if (symbol.file === '') continue;
    indexedExtensions.add(extname(symbol.file));
    symbolsOf.set(symbol.file, (symbolsOf.get(symbol.file) ?? 0) + (symbol.kind === 'module' ? 0 : 1));
  }
  const reasons: string[] = [];
  for (const file of changes.files) {
    if (RESOLUTION_FILES.test(file.path)) reasons.push(`${file.path} changed (it decides how calls resolve)`);
    else if (file.status === 'deleted' && indexedExtensions.has(extname(file.path))) {
      reasons.push(`${file.path} was deleted`);
    } else if (symbolsOf.get(file.path) === 0) {
      reasons.push(`${file.path} changed and holds only declarations or top-level code`);
    }
  }
  return reasons;
}

/**
 * Whether a rule could be affected by the changed files. A forbid or only-through rule is violated by a call that
 * was added: every symbol on the new path is reachable from `from` and reaches `to`, and the call was written or
 * re-resolved in a changed file holding one of them. A require or max-depth rule is violated by a call that was
 * removed: the first removed call of the old path starts at a symbol still reachable from `from`, or it went to a
 * symbol that still reaches `to`.
 */
export function ruleRelevance(graph: IndexedGraph, resolved: ResolvedRule, changes: Changes): Relevance {
  const kind = resolved.rule.config.rule;
  const forward = reachable(graph, resolved.sources, 'out');
  const backward = reachable(graph, resolved.targets, 'in');
  const addedCallMatters = kind === 'forbid' || kind === 'only-through';
  const zone = (i: number) => (addedCallMatters ? forward[i]! && backward[i]! : forward[i]! || backward[i]!);
  const touched = new Set<string>();
  graph.ids.forEach((id, i) => {
    if (!zone(i)) return;
    const file = graph.view.symbol(id)!.file;
    if (file !== '') touched.add(file);
  });
  const hit = changes.files
    .filter((file) => file.status === 'changed' && touched.has(file.path))
    .map((f) => f.path);
  const what = addedCallMatters
    ? 'a symbol on a call path from "from" to "to"'
    : 'a symbol reachable from "from" or reaching "to"';
  if (hit.length > 0) {
    return {
      type: 'check',
      why: `${hit.slice(0, 3).join(', ')}${hit.length > 3 ? ` and ${hit.length - 3} more` : ''} hold${hit.length === 1 ? 's' : ''} ${what}`,
    };
  }
  const count = changes.files.length;
  return {
    type: 'skip',
    why: `none of the ${count} file${count === 1 ? '' : 's'} changed since ${changes.ref} holds ${what}`,
  };
}

function reachable(graph: IndexedGraph, seeds: ReadonlySet<string>, direction: 'in' | 'out'): Uint8Array {
  const seen = new Uint8Array(graph.ids.length);
  const queue: number[] = [];
  for (const id of seeds) {
    const i = graph.position.get(id);
    if (i !== undefined && !seen[i]) {
      seen[i] = 1;
      queue.push(i);
    }
  }
  while (queue.length > 0) {
    const i = queue.pop()!;
    for (const link of graph[direction][i]!) {
      const next = direction === 'out' ? link.to : link.from;
      if (!seen[next]) {
        seen[next] = 1;
        queue.push(next);
      }
    }
  }
  return seen;
}
