// Caller and callee trees on a real TypeScript fixture (test/fixtures/ts-call-tree): every node, its call sites,
// the cycle, the decoys left out, the leaves' "more"; and a hop of a trace with two call sites carries both.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../src/code/code-service.js';
import {
  type CallTreeNode,
  type CodeIndexService,
  neighboursResultSchema,
  traceResultSchema,
} from '../../src/code/service.js';
import { UsageError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/workspace.js';

let dir: string;
let service: CodeIndexService;

beforeAll(async () => {
  // A copy in a workspace of its own, so that the index cache is written there and never in the repository.
  dir = await mkdtemp(join(tmpdir(), 'office-call-tree-'));
  await mkdir(join(dir, '.git'));
  await cp(join(FIXTURES, 'ts-call-tree', 'src'), dir, { recursive: true });
  service = createCodeIndexService();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One line per node, depth-first: indentation, name, place, the call sites linking it to its parent, marks. */
function lines(node: CallTreeNode, indent = ''): string[] {
  const sites = node.calls.map((s) => `${s.file}:${s.line}:${s.column} ${s.edge}`).join(', ');
  const marks = `${node.cycle ? ' cycle' : ''}${node.more > 0 ? ` +${node.more}` : ''}`;
  const own = `${indent}${node.qualified_name} ${node.file}:${node.line}${sites ? ` [${sites}]` : ''}${marks}`;
  return [own, ...node.children.flatMap((child) => lines(child, `${indent}  `))];
}

describe('callers to depth 3', () => {
  it('is a tree of every caller, node by node, with the cycle marked and the decoys left out', async () => {
    const result = await service.callers(dir, 'payments/card.ts:chargeCard', { depth: 3 });
    expect(neighboursResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('found');
    expect(result.depth).toBe(3);
    expect(lines(result.tree!)).toEqual([
      'chargeCard payments/card.ts:1',
      '  StripeGateway.charge gateways/stripe.ts:4 [gateways/stripe.ts:6:14 direct, gateways/stripe.ts:8:12 direct]',
      '    checkout checkout.ts:3 [checkout.ts:5:18 method]',
      // Three levels down: main's own caller (boot) is past the depth, counted, not shown.
      '      main main.ts:3 [main.ts:4:10 direct] +1',
      '    untyped untyped.js:1 [untyped.js:2:18 heuristic]',
      '  retryCharge retry.ts:3 [retry.ts:4:14 direct]',
      '    settle retry.ts:8 [retry.ts:9:10 direct]',
      '      retryCharge retry.ts:3 [retry.ts:5:21 direct] cycle',
    ]);
    // The decoys: the other chargeCard's caller, and the caller of AuditLog.charge (a method of the same name).
    const names = JSON.stringify(result.tree);
    expect(names).not.toContain('legacyCheckout');
    expect(names).not.toContain('report');
    expect(result.notes).toContain(
      'calls marked heuristic were matched by method name only: the receiver could not be typed',
    );
  });

  it('keeps `call` as the first of `calls`, and the flat `calls` of the symbol itself as before', async () => {
    const result = await service.callers(dir, 'payments/card.ts:chargeCard', { depth: 3 });
    const stripe = result.tree!.children[0]!;
    expect(stripe.call).toEqual({
      file: 'gateways/stripe.ts',
      line: 6,
      column: 14,
      text: 'return chargeCard(amount, 3);',
    });
    expect(stripe.edge).toBe('direct');
    expect(stripe.calls[1]).toEqual({
      file: 'gateways/stripe.ts',
      line: 8,
      column: 12,
      text: 'return chargeCard(amount, 1);',
      edge: 'direct',
    });
    expect(result.calls.map((c) => `${c.symbol.qualified_name}@${c.call.line}`)).toEqual([
      'StripeGateway.charge@6',
      'StripeGateway.charge@8',
      'retryCharge@4',
    ]);
  });

  it('is one level by default for the service, with each leaf counting what lies past it', async () => {
    const result = await service.callers(dir, 'retry.ts:retryCharge');
    expect(result.depth).toBe(1);
    expect(lines(result.tree!)).toEqual([
      'retryCharge retry.ts:3',
      '  settle retry.ts:8 [retry.ts:9:10 direct] +1',
    ]);
  });

  it('refuses a depth out of range with a usage error', async () => {
    await expect(service.callers(dir, 'main', { depth: 0 })).rejects.toThrow(UsageError);
    await expect(service.callees(dir, 'main', { depth: 17 })).rejects.toThrow(UsageError);
  });

  it('cuts a wide tree at max results per symbol, and says so', async () => {
    const result = await service.callers(dir, 'payments/card.ts:chargeCard', { depth: 2, maxResults: 1 });
    expect(result.tree!.children.map((c) => c.qualified_name)).toEqual(['StripeGateway.charge']);
    expect(result.tree!.more).toBe(1);
    expect(
      result.notes.some((n) =>
        n.startsWith('the tree is cut (at most 1 callers per symbol, 2000 symbols in all)'),
      ),
    ).toBe(true);
  });
});

describe('callees', () => {
  it('follow calls down, an instantiation of a class with no constructor being a leaf', async () => {
    const result = await service.callees(dir, 'boot', { depth: 5 });
    expect(lines(result.tree!)).toEqual([
      'boot main.ts:7',
      '  main main.ts:3 [main.ts:8:10 direct]',
      '    checkout checkout.ts:3 [main.ts:4:10 direct]',
      '      StripeGateway gateways/stripe.ts:3 [checkout.ts:4:23 constructor]',
      '      StripeGateway.charge gateways/stripe.ts:4 [checkout.ts:5:18 method]',
      '        chargeCard payments/card.ts:1 [gateways/stripe.ts:6:14 direct, gateways/stripe.ts:8:12 direct]',
    ]);
  });
});

describe('a hop called at two places', () => {
  it('lists both call sites in the trace JSON, the path’s own first', async () => {
    const result = await service.trace({ dir, from: 'main', to: 'payments/card.ts:chargeCard' });
    expect(traceResultSchema.parse(result)).toEqual(result);
    const last = result.paths[0]!.hops.at(-1)!;
    expect(last.call).toMatchObject({ line: 6, column: 14 });
    expect(last.calls?.map((c) => `${c.line}:${c.column} ${c.edge}`)).toEqual(['6:14 direct', '8:12 direct']);
    expect(result.paths[0]!.hops[0]!.calls).toEqual([]);
    expect(result.paths[0]!.hops[1]!.calls).toHaveLength(1);
  });
});
