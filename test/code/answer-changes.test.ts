// What watch mode says changed between two answers: paths and branches added or removed, links made differently,
// and lines that only moved.
import { describe, expect, it } from 'vitest';
import { answerChanges, changesText, traceFacts, treeFacts } from '../../src/code/answer-changes.js';
import type { CallTreeNode, Hop, NeighboursResult, TraceResult } from '../../src/code/service.js';

const stats: TraceResult['stats'] = {
  files: 2,
  symbols: 3,
  edges: 2,
  index_ms: 1,
  cache: 'hit',
  too_large: { max_file_bytes: 2_000_000, files: 0, largest: [] },
};

const hop = (name: string, line: number, callLine?: number): Hop => ({
  name,
  qualified_name: name,
  kind: 'function',
  file: 'a.ts',
  line,
  call: callLine ? { file: 'a.ts', line: callLine, column: 3, text: `${name}()` } : null,
  edge: callLine ? 'direct' : null,
  calls: callLine ? [{ file: 'a.ts', line: callLine, column: 3, text: `${name}()`, edge: 'direct' }] : [],
});

const trace = (...paths: Hop[][]): TraceResult => ({
  status: paths.length > 0 ? 'found' : 'not_found',
  from: hop('main', 1),
  to: hop('pay', 9),
  candidates: { from: [], to: [] },
  paths: paths.map((hops) => ({ hops })),
  notes: [],
  stats,
});

describe('trace answers', () => {
  it('name a path that appeared and one that went', () => {
    const before = trace([hop('main', 1), hop('pay', 9, 2)]);
    const after = trace([hop('main', 1), hop('audit', 5, 2), hop('pay', 9, 6)]);
    expect(changesText(answerChanges(traceFacts(before), traceFacts(after)))).toEqual([
      'changes since the last answer:',
      '  - path main → pay  a.ts:1',
      '  + path main → audit → pay  a.ts:1',
    ]);
  });

  it('say when the status changed, and count lines that only moved', () => {
    const none = trace();
    const found = trace([hop('main', 1), hop('pay', 9, 2)]);
    const moved = trace([hop('main', 3), hop('pay', 11, 4)]);
    expect(answerChanges(traceFacts(none), traceFacts(found))).toMatchObject({
      added: ['path main → pay  a.ts:1'],
      changed: ['answer: not_found (main → pay) → found (main → pay)'],
    });
    const shifted = answerChanges(traceFacts(found), traceFacts(moved));
    expect(shifted).toEqual({ added: [], removed: [], changed: [], moved: 1 });
    expect(changesText(shifted)).toEqual([
      'changes since the last answer:',
      '  ~ 1 unchanged entry at other lines now',
    ]);
    expect(changesText(answerChanges(traceFacts(found), traceFacts(found)))).toEqual([
      'the answer is unchanged',
    ]);
  });
});

describe('tree answers', () => {
  const child = (name: string, lines: number[], children: CallTreeNode[] = []): CallTreeNode => ({
    ...hop(name, 20),
    edge: 'direct',
    call: { file: 'a.ts', line: lines[0]!, column: 3, text: 'x()' },
    calls: lines.map((line) => ({ file: 'a.ts', line, column: 3, text: 'x()', edge: 'direct' as const })),
    cycle: false,
    more: 0,
    children,
  });
  const tree = (...children: CallTreeNode[]): NeighboursResult => ({
    status: 'found',
    symbol: hop('pay', 9),
    candidates: [],
    direction: 'callers',
    calls: [],
    depth: 3,
    tree: { ...hop('pay', 9), cycle: false, more: 0, calls: [], children },
    notes: [],
    stats,
  });

  it('name each branch by the callers from the root down, and a link that gained a call site', () => {
    const before = tree(child('checkout', [4], [child('main', [2])]));
    const after = tree(child('checkout', [4, 7], [child('main', [2])]), child('refund', [12]));
    expect(answerChanges(treeFacts(before), treeFacts(after))).toEqual({
      added: ['caller pay ← refund  a.ts:20'],
      removed: [],
      changed: ['caller pay ← checkout: direct → direct ×2'],
      moved: 0,
    });
    expect(answerChanges(treeFacts(after), treeFacts(before)).removed).toEqual([
      'caller pay ← refund  a.ts:20',
    ]);
  });
});
