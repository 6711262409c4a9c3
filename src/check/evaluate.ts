// Rule evaluation (`office check`): each call-path rule, with the graph, becomes a verdict — holds, violated (each
// violation with its shortest witness path), or a bad rule naming its field. Pure: no I/O.
import { describeSymbol } from '../code/endpoints.js';
import type { CodeSymbol } from '../code/model.js';
import type { CheckRule, CheckRuleKind } from '../schemas/checks.js';
import { matchSelector } from './selectors.js';
import { type IndexedGraph, searchWitnesses, type Witness } from './witness-search.js';

/** A rule as configured, with its place in `checks` and the name reports use. */
export interface RuleRef {
  readonly index: number;
  readonly name: string;
  readonly config: CheckRule;
}

export type Severity = 'error' | 'warning';

export interface Violation {
  readonly severity: Severity;
  readonly message: string;
  /** Where the witness starts (for a `require` with no path, the first symbol of `from`). */
  readonly source: CodeSymbol;
  readonly target: CodeSymbol | null;
  /** The shortest witness path; null when the violation is that no path exists. */
  readonly witness: Witness | null;
  /** Other symbols of `from` whose shortest path runs through `source` (so fixing this fixes theirs). */
  readonly alsoFrom: readonly CodeSymbol[];
}

export type RuleOutcome =
  | { readonly type: 'holds'; readonly rule: RuleRef; readonly notes: readonly string[] }
  | { readonly type: 'violated'; readonly rule: RuleRef; readonly violations: readonly Violation[] }
  | { readonly type: 'skipped'; readonly rule: RuleRef; readonly reason: string }
  | { readonly type: 'bad'; readonly rule: RuleRef; readonly field: string; readonly message: string };

/** The symbol sets a rule's selectors name in the graph. */
export interface ResolvedRule {
  readonly rule: RuleRef;
  /** Where paths start: `from` less `to` and less library code (a path starts in the tree). */
  readonly sources: ReadonlySet<string>;
  readonly targets: ReadonlySet<string>;
  readonly via?: ReadonlySet<string>;
  /** `except` of forbid, `through` of only-through: paths through these are allowed. */
  readonly banned?: ReadonlySet<string>;
}

type Field = 'from' | 'to' | 'via' | 'except' | 'through';

export function ruleRefs(rules: readonly CheckRule[]): RuleRef[] {
  return rules.map((config, index) => ({
    index,
    name: config.name ?? `${config.rule}-${index + 1}`,
    config,
  }));
}

/** A one-line statement of the rule, e.g. `forbid src/ui/** → src/db/** except Audit.log`. */
export function ruleTitle(rule: CheckRule): string {
  const list = (values: readonly string[]) => values.join(', ');
  switch (rule.rule) {
    case 'forbid':
      return (
        `forbid ${list(rule.from)} → ${list(rule.to)}` +
        (rule.via ? ` via ${list(rule.via)}` : '') +
        (rule.except ? ` except ${list(rule.except)}` : '')
      );
    case 'require':
      return `require ${list(rule.from)} → ${list(rule.to)}`;
    case 'only-through':
      return `only-through ${rule.from ? list(rule.from) : 'any symbol'} → ${list(rule.to)} through ${list(rule.through)}`;
    case 'max-depth':
      return `max-depth ${rule.max}: ${list(rule.from)} → ${list(rule.to)}`;
  }
}

/** The rule's selectors resolved against the graph, or the first one that names nothing (a bad rule). */
export function resolveRule(
  graph: IndexedGraph,
  rule: RuleRef,
): ResolvedRule | Extract<RuleOutcome, { type: 'bad' }> {
  const config = rule.config;
  const bad = (field: string, message: string) => ({ type: 'bad' as const, rule, field, message });
  const select = (
    field: Field,
    texts: readonly string[],
  ): Set<string> | Extract<RuleOutcome, { type: 'bad' }> => {
    const ids = new Set<string>();
    for (const [i, text] of texts.entries()) {
      const match = matchSelector(graph.view, text);
      const where = texts.length > 1 ? `${field}.${i}` : field;
      if (match.type === 'empty') return bad(where, `"${text}" selects nothing: ${match.reason}`);
      for (const symbol of match.symbols) ids.add(symbol.id);
    }
    return ids;
  };
  const to = select('to', config.to);
  if (!(to instanceof Set)) return to;
  let from: Set<string> | Extract<RuleOutcome, { type: 'bad' }>;
  if (config.from) {
    from = select('from', config.from);
    if (!(from instanceof Set)) return from;
  } else {
    from = new Set([...graph.view.symbols()].map((symbol) => symbol.id));
  }
  const sources = new Set<string>();
  for (const id of from) {
    if (!to.has(id) && graph.view.symbol(id)?.kind !== 'external') sources.add(id);
  }
  if (sources.size === 0) {
    return bad('from', 'every symbol it selects is selected by "to" too, so no path can start outside "to"');
  }
  const optional = (field: Field, texts: readonly string[] | undefined) =>
    texts === undefined ? undefined : select(field, texts);
  const via = config.rule === 'forbid' ? optional('via', config.via) : undefined;
  if (via && !(via instanceof Set)) return via;
  const banned =
    config.rule === 'forbid'
      ? optional('except', config.except)
      : config.rule === 'only-through'
        ? select('through', config.through)
        : undefined;
  if (banned && !(banned instanceof Set)) return banned;
  return {
    rule,
    sources,
    targets: to,
    ...(via ? { via } : {}),
    ...(banned ? { banned } : {}),
  };
}

/** The verdict on one resolved rule. */
export function judgeRule(graph: IndexedGraph, resolved: ResolvedRule): RuleOutcome {
  const { rule } = resolved;
  const config = rule.config;
  const search = searchWitnesses(graph, {
    targets: resolved.targets,
    ...(resolved.via ? { via: resolved.via } : {}),
    ...(resolved.banned ? { banned: resolved.banned } : {}),
  });
  const witnesses = new Map<string, Witness>();
  for (const id of resolved.sources) {
    const witness = search.witness(id);
    if (witness) witnesses.set(id, witness);
  }
  const levelOf = (witness: Witness): Severity | undefined =>
    !usesHeuristic(witness) ? 'error' : config.heuristic === 'ignore' ? undefined : config.heuristic;

  if (config.rule === 'require') return judgeRequire(graph, resolved, witnesses, levelOf);

  const calls = (witness: Witness) => witness.steps.length - 1;
  const violating = new Map<string, { witness: Witness; severity: Severity }>();
  for (const [id, witness] of witnesses) {
    const severity = levelOf(witness);
    if (severity === undefined) continue;
    if (config.rule === 'max-depth' && calls(witness) <= config.max) continue;
    violating.set(id, { witness, severity });
  }
  const notes = ignoredHeuristicNotes(witnesses, violating, levelOf, config.rule);
  if (violating.size === 0) return { type: 'holds', rule, notes };

  // A source whose shortest path runs on through another violating source (at the same point of passing `via`)
  // is reported under the last such source: that one's path is the rest of its own, so fixing it fixes both.
  const coveredBy = new Map<string, string>();
  for (const [id, { witness }] of violating) {
    let cover: string | undefined;
    witness.steps.forEach((step, k) => {
      if (k === 0 || k === witness.steps.length - 1) return;
      const other = step.symbol.id;
      const startsPassed = resolved.via?.has(other) ?? false;
      if (violating.has(other) && step.passedVia === startsPassed) cover = other;
    });
    if (cover !== undefined) coveredBy.set(id, cover);
  }
  const violations: Violation[] = [];
  for (const [id, { witness, severity }] of violating) {
    if (coveredBy.has(id)) continue;
    const alsoFrom = [...coveredBy]
      .filter(([, cover]) => cover === id)
      .map(([covered]) => graph.view.symbol(covered)!)
      .sort(bySymbol);
    const source = witness.steps[0]!.symbol;
    const target = witness.steps.at(-1)!.symbol;
    violations.push({
      severity,
      message: violationMessage(config, witness, source, target),
      source,
      target,
      witness,
      alsoFrom,
    });
  }
  violations.sort((a, b) => bySymbol(a.source, b.source));
  return { type: 'violated', rule, violations };
}

function judgeRequire(
  graph: IndexedGraph,
  resolved: ResolvedRule,
  witnesses: ReadonlyMap<string, Witness>,
  levelOf: (witness: Witness) => Severity | undefined,
): RuleOutcome {
  const { rule } = resolved;
  let best: Witness | undefined;
  for (const witness of witnesses.values()) {
    if (
      !best ||
      witness.cost < best.cost ||
      (witness.cost === best.cost && witness.steps.length < best.steps.length) ||
      (witness.cost === best.cost &&
        witness.steps.length === best.steps.length &&
        bySymbol(witness.steps[0]!.symbol, best.steps[0]!.symbol) < 0)
    ) {
      best = witness;
    }
  }
  const firstSource = [...resolved.sources].map((id) => graph.view.symbol(id)!).sort(bySymbol)[0]!;
  const config = rule.config;
  if (!best) {
    return {
      type: 'violated',
      rule,
      violations: [
        {
          severity: 'error',
          message: `no call path from ${config.from?.join(', ')} to ${config.to.join(', ')}`,
          source: firstSource,
          target: null,
          witness: null,
          alsoFrom: [],
        },
      ],
    };
  }
  const severity = levelOf(best);
  const source = best.steps[0]!.symbol;
  const target = best.steps.at(-1)!.symbol;
  if (severity === 'error' && !usesHeuristic(best)) return { type: 'holds', rule, notes: [] };
  if (severity === undefined) {
    return {
      type: 'holds',
      rule,
      notes: [`the only path uses a call matched by name only (${heuristicSite(best)}); heuristic: ignore`],
    };
  }
  return {
    type: 'violated',
    rule,
    violations: [
      {
        severity,
        message:
          `no precise call path from ${config.from?.join(', ')} to ${config.to.join(', ')}: ` +
          `${describeSymbol(source)} reaches ${describeSymbol(target)} only through a call matched by name only ` +
          `(${heuristicSite(best)})`,
        source,
        target,
        witness: best,
        alsoFrom: [],
      },
    ],
  };
}

function violationMessage(
  config: CheckRule,
  witness: Witness,
  source: CodeSymbol,
  target: CodeSymbol,
): string {
  const calls = witness.steps.length - 1;
  const reaches = `${describeSymbol(source)} reaches ${describeSymbol(target)} in ${calls} call${calls === 1 ? '' : 's'}`;
  const guess = usesHeuristic(witness)
    ? `, through a call matched by name only (${heuristicSite(witness)})`
    : '';
  switch (config.rule) {
    case 'forbid':
      return `${reaches}${config.via ? ` via ${config.via.join(', ')}` : ''}${guess}`;
    case 'only-through':
      return `${reaches} without passing through ${config.through.join(', ')}${guess}`;
    case 'max-depth':
      return `${reaches} at the shortest; at most ${config.max} allowed${guess}`;
    default:
      return `${reaches}${guess}`;
  }
}

/** Notes for paths left out because they rest on a name-only call and the rule says `heuristic: ignore`. */
function ignoredHeuristicNotes(
  witnesses: ReadonlyMap<string, Witness>,
  violating: ReadonlyMap<string, unknown>,
  levelOf: (witness: Witness) => Severity | undefined,
  kind: CheckRuleKind,
): string[] {
  if (kind === 'max-depth') return [];
  const ignored = [...witnesses].filter(([id, w]) => !violating.has(id) && levelOf(w) === undefined);
  if (ignored.length === 0) return [];
  return [
    `${ignored.length} path${ignored.length === 1 ? '' : 's'} through a call matched by name only ignored (heuristic: ignore), e.g. at ${heuristicSite(ignored[0]![1])}`,
  ];
}

export function usesHeuristic(witness: Witness): boolean {
  return witness.steps.some((step) => step.edge?.kind === 'heuristic');
}

function heuristicSite(witness: Witness): string {
  const edge = witness.steps.find((step) => step.edge?.kind === 'heuristic')!.edge!;
  return `${edge.call.file}:${edge.call.line}`;
}

function bySymbol(a: CodeSymbol, b: CodeSymbol): number {
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
