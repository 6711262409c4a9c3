import { describe, expect, it } from 'vitest';
import { kShortestPaths, shortestPath } from '../../src/code/paths.js';
import { call, fn, graphOf, names } from './graph-builder.js';

const a = fn('src/a.ts', 'a', 1);
const b = fn('src/b.ts', 'b', 1);
const c = fn('src/c.ts', 'c', 1);
const d = fn('src/d.ts', 'd', 1);
const e = fn('src/e.ts', 'e', 1);
const limits = { maxDepth: 16 };

describe('shortestPath', () => {
  it('returns the path with the fewest calls', () => {
    const graph = graphOf([a, b, c, d], [call(a, b), call(b, c), call(c, d), call(a, d, 'method', 9)]);
    const path = shortestPath(graph, a.id, d.id, limits);
    expect(path && names(path)).toBe('a -> d');
    expect(path?.steps[1]?.edge?.kind).toBe('method');
    expect(path?.steps[0]?.edge).toBeNull();
  });

  it('returns null when nothing connects', () => {
    const graph = graphOf([a, b, c], [call(a, b), call(c, a)]);
    expect(shortestPath(graph, a.id, c.id, limits)).toBeNull();
  });

  it('terminates on cycles and returns a simple path', () => {
    const graph = graphOf([a, b, c, d], [call(a, b), call(b, a), call(b, c), call(c, b), call(c, d)]);
    const path = shortestPath(graph, a.id, d.id, limits);
    expect(path && names(path)).toBe('a -> b -> c -> d');
  });

  it('passes over recursion (a symbol calling itself)', () => {
    const graph = graphOf(
      [a, b],
      [call(a, a, 'direct', 2), call(a, b, 'direct', 3), call(b, b, 'direct', 2)],
    );
    const path = shortestPath(graph, a.id, b.id, limits);
    expect(path && names(path)).toBe('a -> b');
  });

  it('prefers a longer precise path to a short heuristic one', () => {
    const graph = graphOf([a, b, c, d], [call(a, b), call(b, c), call(c, d), call(a, d, 'heuristic')]);
    const path = shortestPath(graph, a.id, d.id, limits);
    expect(path && names(path)).toBe('a -> b -> c -> d');
  });

  it('uses a heuristic edge, marked, when it is the only connection', () => {
    const graph = graphOf([a, b, c], [call(a, b), call(b, c, 'heuristic')]);
    const path = shortestPath(graph, a.id, c.id, limits);
    expect(path && names(path)).toBe('a -> b -> c (heuristic)');
  });

  it('finds nothing past the depth bound, counted in calls', () => {
    const graph = graphOf([a, b, c, d], [call(a, b), call(b, c), call(c, d)]);
    expect(shortestPath(graph, a.id, d.id, { maxDepth: 2 })).toBeNull();
    const path = shortestPath(graph, a.id, d.id, { maxDepth: 3 });
    expect(path && names(path)).toBe('a -> b -> c -> d');
  });

  it('falls back to a heuristic path within the depth bound when the precise one is too long', () => {
    const graph = graphOf(
      [a, b, c, d, e],
      [call(a, b), call(b, c), call(c, d), call(d, e), call(a, e, 'heuristic', 9)],
    );
    expect(names(shortestPath(graph, a.id, e.id, { maxDepth: 4 })!)).toBe('a -> b -> c -> d -> e');
    expect(names(shortestPath(graph, a.id, e.id, { maxDepth: 3 })!)).toBe('a -> e (heuristic)');
  });

  it('reports one link through the earliest call site when a symbol calls another twice', () => {
    const graph = graphOf([a, b], [call(a, b, 'direct', 7), call(a, b, 'direct', 4)]);
    const paths = kShortestPaths(graph, a.id, b.id, { maxDepth: 16, k: 5 });
    expect(paths).toHaveLength(1);
    expect(paths[0]?.steps[1]?.edge?.call.line).toBe(4);
  });
});

describe('kShortestPaths', () => {
  // a -> b -> d, a -> c -> d (c's file sorts after b's), a -> b -> c -> d, a -> e -> b (e after b)
  const graph = graphOf(
    [a, b, c, d, e],
    [
      call(a, b),
      call(a, c),
      call(b, d),
      call(c, d),
      call(b, c, 'direct', 3),
      call(a, e, 'direct', 5),
      call(e, b),
    ],
  );

  it('returns the K shortest simple paths, cheapest first, equal costs by file and line', () => {
    const paths = kShortestPaths(graph, a.id, d.id, { maxDepth: 16, k: 4 });
    expect(paths.map(names)).toEqual(['a -> b -> d', 'a -> c -> d', 'a -> b -> c -> d', 'a -> e -> b -> d']);
  });

  it('never repeats a symbol within a path', () => {
    const cyclic = graphOf(
      [a, b, c, d],
      [call(a, b), call(b, c), call(c, a), call(c, d), call(b, a, 'direct', 4)],
    );
    const paths = kShortestPaths(cyclic, a.id, d.id, { maxDepth: 16, k: 10 });
    expect(paths.map(names)).toEqual(['a -> b -> c -> d']);
    for (const path of paths) {
      const ids = path.steps.map((s) => s.symbol.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('stops at fewer than K when there are no more paths within the depth bound', () => {
    const paths = kShortestPaths(graph, a.id, d.id, { maxDepth: 2, k: 10 });
    expect(paths.map(names)).toEqual(['a -> b -> d', 'a -> c -> d']);
  });

  it('leaves out heuristic paths when a precise path exists', () => {
    const mixed = graphOf([a, b, c], [call(a, b), call(b, c), call(a, c, 'heuristic')]);
    expect(kShortestPaths(mixed, a.id, c.id, { maxDepth: 16, k: 5 }).map(names)).toEqual(['a -> b -> c']);
  });

  it('returns heuristic paths when nothing precise connects', () => {
    const onlyHeuristic = graphOf(
      [a, b, c],
      [call(a, b, 'heuristic'), call(b, c), call(a, c, 'heuristic', 8)],
    );
    expect(kShortestPaths(onlyHeuristic, a.id, c.id, { maxDepth: 16, k: 5 }).map(names)).toEqual([
      'a -> c (heuristic)',
      'a -> b (heuristic) -> c',
    ]);
  });

  it('gives the same answer on every run', () => {
    const first = kShortestPaths(graph, a.id, d.id, { maxDepth: 16, k: 4 }).map(names);
    for (let i = 0; i < 5; i++)
      expect(kShortestPaths(graph, a.id, d.id, { maxDepth: 16, k: 4 }).map(names)).toEqual(first);
  });
});
