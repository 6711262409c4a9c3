// Rule verdicts as pure functions of a graph: which path is the witness when several could be, how `via` and the
// heuristic cost choose, and which source a violation is reported at.
import { describe, expect, it } from 'vitest';
import { checkRules } from '../../src/check/check-rules.js';
import type { RuleOutcome } from '../../src/check/evaluate.js';
import { graphViewOf } from '../../src/check/graph-view.js';
import type { EdgeKind } from '../../src/code/model.js';
import type { GraphJson } from '../../src/code/service.js';
import { checksSchema } from '../../src/schemas/checks.js';

/** A graph from lines `caller -> callee kind line`: each symbol `x` is a function in `x.ts`; calls are made in the caller's file. */
function graph(...calls: string[]): GraphJson {
  const names = new Set<string>();
  const edges: GraphJson['edges'] = calls.map((line) => {
    const [from, , to, kind, at] = line.split(' ');
    names.add(from!);
    names.add(to!);
    return {
      from: `${from}.ts#${from}`,
      to: `${to}.ts#${to}`,
      call: { file: `${from}.ts`, line: Number(at), column: 1 },
      edge: kind as EdgeKind,
    };
  });
  const symbols = [...names].map((name) => ({
    id: `${name}.ts#${name}`,
    name,
    qualified_name: name,
    kind: 'function' as const,
    file: `${name}.ts`,
    line: 1,
  }));
  return { symbols, edges, instantiations: [] };
}

function judge(json: GraphJson, rule: Record<string, unknown>): RuleOutcome {
  return checkRules(graphViewOf(json), checksSchema.parse([rule])).outcomes[0]!;
}

/** Each violation as `severity: a > b > c`. */
function paths(outcome: RuleOutcome): string[] {
  if (outcome.type !== 'violated') return [outcome.type];
  return outcome.violations.map(
    (v) => `${v.severity}: ${v.witness?.steps.map((s) => s.symbol.name).join(' > ') ?? '(no path)'}`,
  );
}

describe('witness paths', () => {
  it('take the fewest calls, then the earliest call site', () => {
    const json = graph(
      'a -> b direct 5',
      'a -> c direct 3',
      'b -> t direct 1',
      'c -> t direct 1',
      'a -> d direct 1',
      'd -> e direct 1',
      'e -> t direct 1',
    );
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't' }))).toEqual(['error: a > c > t']);
  });

  it('count new X() of a class without a constructor (an instantiation) as a call of the class', () => {
    const json = graph('ui -> helper direct 1');
    const repo = {
      id: 'repo.ts#Repo',
      name: 'Repo',
      qualified_name: 'Repo',
      kind: 'class' as const,
      file: 'repo.ts',
      line: 1,
    };
    const withNew: GraphJson = {
      ...json,
      symbols: [...json.symbols, repo],
      instantiations: [
        { from: 'helper.ts#helper', class: repo.id, call: { file: 'helper.ts', line: 4, column: 3 } },
      ],
    };
    expect(paths(judge(withNew, { rule: 'forbid', from: 'ui', to: 'Repo' }))).toEqual([
      'error: ui > helper > Repo',
    ]);
    expect(paths(judge(json, { rule: 'forbid', from: 'ui', to: 'helper' }))).toEqual(['error: ui > helper']);
  });

  it('use a precise path, however long, before one through a call matched by name only', () => {
    const json = graph('a -> t heuristic 1', 'a -> b direct 2', 'b -> c direct 1', 'c -> t direct 1');
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't' }))).toEqual(['error: a > b > c > t']);
    // Without the precise path, the same rule only warns.
    const guess = graph('a -> t heuristic 1', 'a -> b direct 2');
    expect(paths(judge(guess, { rule: 'forbid', from: 'a', to: 't' }))).toEqual(['warning: a > t']);
  });

  it('pass through via, even when that means a recursion back through a symbol already on the path', () => {
    const json = graph('a -> x direct 1', 'x -> t direct 1', 'x -> v direct 2', 'v -> x direct 1');
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't', via: 'v' }))).toEqual([
      'error: a > x > v > x > t',
    ]);
    // The source itself may be the via symbol.
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't', via: 'a' }))).toEqual([
      'error: a > x > t',
    ]);
  });

  it('avoid excepted symbols, and find none when every path needs one', () => {
    const json = graph(
      'a -> x direct 1',
      'x -> t direct 1',
      'a -> y direct 2',
      'y -> z direct 1',
      'z -> t direct 1',
    );
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't', except: 'x' }))).toEqual([
      'error: a > y > z > t',
    ]);
    expect(paths(judge(json, { rule: 'forbid', from: 'a', to: 't', except: ['x', 'z'] }))).toEqual(['holds']);
  });
});

describe('where a violation is reported', () => {
  it('at the source nearest the target, the sources behind it listed with it', () => {
    const json = graph('a -> b direct 1', 'b -> t direct 1', 'c -> b direct 1', 'd -> t direct 1');
    const outcome = judge(json, { rule: 'forbid', from: ['a', 'b', 'c', 'd'], to: 't' });
    expect(paths(outcome)).toEqual(['error: b > t', 'error: d > t']);
    expect(
      outcome.type === 'violated' && outcome.violations.map((v) => v.alsoFrom.map((s) => s.name)),
    ).toEqual([['a', 'c'], []]);
  });

  it('for max-depth, at each source whose own shortest path is too long', () => {
    const json = graph('a -> b direct 1', 'b -> c direct 1', 'c -> t direct 1');
    // b is 2 calls from t (allowed), a is 3 (too many): a is reported on its own.
    expect(paths(judge(json, { rule: 'max-depth', from: ['a', 'b'], to: 't', max: 2 }))).toEqual([
      'error: a > b > c > t',
    ]);
    expect(paths(judge(json, { rule: 'max-depth', from: ['a', 'b'], to: 't', max: 3 }))).toEqual(['holds']);
  });
});

describe('require', () => {
  it('holds on a precise path, warns on a path that needs a name-only call, fails on none', () => {
    expect(paths(judge(graph('a -> t direct 1'), { rule: 'require', from: 'a', to: 't' }))).toEqual([
      'holds',
    ]);
    expect(paths(judge(graph('a -> t heuristic 1'), { rule: 'require', from: 'a', to: 't' }))).toEqual([
      'warning: a > t',
    ]);
    expect(paths(judge(graph('t -> a direct 1'), { rule: 'require', from: 'a', to: 't' }))).toEqual([
      'error: (no path)',
    ]);
  });
});
