// Rule checking (`office check`): every configured rule against one call graph — resolved, skipped when the
// changes since a ref cannot touch it, else judged. Pure: graph, rules and changes in, one outcome per rule out.
import type { GraphView } from '../code/graph.js';
import type { CheckRule } from '../schemas/checks.js';
import { judgeRule, type RuleOutcome, resolveRule, ruleRefs } from './evaluate.js';
import { type Changes, globalReasons, ruleRelevance } from './relevance.js';
import { indexGraph } from './witness-search.js';

export interface CheckResult {
  /** One per rule, in configuration order. */
  readonly outcomes: readonly RuleOutcome[];
  /** With changes: why every rule was checked whatever it selects (empty when rules could be skipped). */
  readonly checkedAll: readonly string[];
}

export function checkRules(view: GraphView, rules: readonly CheckRule[], changes?: Changes): CheckResult {
  const graph = indexGraph(view);
  const checkedAll = changes ? globalReasons(graph, changes) : [];
  const outcomes = ruleRefs(rules).map((rule): RuleOutcome => {
    const resolved = resolveRule(graph, rule);
    if ('type' in resolved) return resolved;
    if (changes && checkedAll.length === 0) {
      const relevance = ruleRelevance(graph, resolved, changes);
      if (relevance.type === 'skip') return { type: 'skipped', rule, reason: relevance.why };
    }
    return judgeRule(graph, resolved);
  });
  return { outcomes, checkedAll };
}
