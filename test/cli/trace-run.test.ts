// The headline job through both doors: `office run "trace A to B in DIR"` (the whole loop) and `office trace`
// (the direct command) give the same answer, and the loop's reviewer has verified every hop.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NeighboursResult } from '../../src/code/service.js';
import {
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace();
  await cp(join(FIXTURES, 'ts-shop', 'src'), join(ws.root, 'src'), { recursive: true });
});

afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

/** The answer without what depends on the run: time, and whether the store held the index (cache, linked). */
const withoutTimings = (result: Record<string, unknown>) => {
  const { linked: _linked, ...stats } = result.stats as Record<string, unknown>;
  return { ...result, stats: { ...stats, index_ms: 0, cache: 'any' } };
};

describe('trace through office run and office trace', () => {
  it('returns the same result object, the README path, with every hop reviewed', async () => {
    const run = await runOffice(['run', '--offline', '--json', 'trace checkout to chargeCard in ./src'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    const out = onlyJson(run.stdout) as { task_id: string; status: string; result: Record<string, unknown> };
    expect(out.status).toBe('succeeded');

    const trace = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', 'src', '--json'], {
      cwd: ws.root,
    });
    expect(trace.code, trace.stderr).toBe(0);
    const direct = onlyJson(trace.stdout);
    expect(withoutTimings(out.result)).toEqual(withoutTimings(direct));

    const hops = (
      direct.paths as {
        hops: { qualified_name: string; file: string; line: number; edge: string | null }[];
      }[]
    )[0]?.hops;
    expect(hops?.map((h) => `${h.qualified_name} ${h.file}:${h.line} ${h.edge}`)).toEqual([
      'checkout checkout.ts:15 null',
      'OrderService.place orders/order-service.ts:16 method',
      'StripeGateway.charge gateways/stripe.ts:4 method',
      'chargeCard payments/card.ts:1 direct',
    ]);

    const doc = await readTask(ws, out.task_id);
    expect(doc.reviews.at(-1)?.review.verdict).toBe('APPROVE');
    expect(doc.reviews.at(-1)?.review.summary).toContain('verified 4 hops');
  });

  it('answers "who calls" and "what does X call" offline, and an ambiguous name with its candidates', async () => {
    const callers = await runOffice(['run', '--offline', 'who calls payments/card.ts:chargeCard in ./src'], {
      cwd: ws.root,
    });
    expect(callers.code, callers.stderr).toBe(0);
    // A tree three levels deep by default; paths are shown relative to the folder office runs in (the workspace
    // root here), not to ./src.
    expect(callers.stdout).toContain(
      [
        'callers of chargeCard, 3 levels: 4 callers',
        'chargeCard  src/payments/card.ts:1',
        '├── StripeGateway.charge  src/gateways/stripe.ts:4',
        '│   ↳ src/gateways/stripe.ts:5:12  return chargeCard(amount, 3);  [direct]',
        '│   └── OrderService.place  src/orders/order-service.ts:16',
      ].join('\n'),
    );
    expect(callers.stdout).toContain(
      [
        '└── chargeCard  src/payments/card.ts:1  ↻ cycle (already above)',
        '    ↳ src/payments/card.ts:6:29  if (retries > 0) return chargeCard(amount, retries - 1);  [direct]',
      ].join('\n'),
    );
    const shallow = await runOffice(
      ['run', '--offline', '--json', 'who calls payments/card.ts:chargeCard in ./src to depth 1'],
      { cwd: ws.root },
    );
    expect(shallow.code, shallow.stderr).toBe(0);
    const tree = (onlyJson(shallow.stdout) as { result: NeighboursResult }).result;
    expect(tree.depth).toBe(1);
    expect(tree.tree?.children.map((c) => `${c.qualified_name} ${c.more}`)).toEqual([
      'StripeGateway.charge 1',
      'chargeCard 0',
    ]);

    const callees = await runOffice(['run', '--offline', 'what does OrderService.place call in ./src'], {
      cwd: ws.root,
    });
    expect(callees.code, callees.stderr).toBe(0);
    expect(callees.stdout).toContain('StripeGateway.charge');
    expect(callees.stdout).toContain('[dispatch]');

    // "chargeCard" alone names the real one and a decoy: the answer is `ambiguous`, with the candidates.
    const ambiguous = await runOffice(['run', '--offline', '--json', 'who calls chargeCard in ./src'], {
      cwd: ws.root,
    });
    expect(ambiguous.code).toBe(5);
    const candidates = (onlyJson(ambiguous.stdout) as { result: { candidates: { file: string }[] } }).result
      .candidates;
    expect(candidates.map((c) => c.file)).toEqual(['legacy/card.ts', 'payments/card.ts']);
  });

  // A typo, two symbols that do not connect, a name with several symbols: both doors give the same answer
  // (the trace result, with suggestions or candidates) and the same exit code (4 not found, 5 ambiguous).
  it.each([
    ['a misspelt name', ['checkot', 'chargeCard'], 'not_found', 4],
    ['no call path', ['StripeGateway.charge', 'checkout'], 'not_found', 4],
    // Two symbols named chargeCard (the real one and a decoy), neither reaching checkout.
    ['an ambiguous name', ['chargeCard', 'checkout'], 'ambiguous', 5],
  ])('%s: same answer and exit code from office run and office trace', async (_label, ends, status, code) => {
    const [from, to] = ends as [string, string];
    const trace = await runOffice(['trace', from, to, '--dir', 'src', '--json'], { cwd: ws.root });
    const run = await runOffice(['run', '--offline', '--json', `trace ${from} to ${to} in ./src`], {
      cwd: ws.root,
    });
    expect(trace.code, trace.stderr).toBe(code);
    expect(run.code, run.stderr).toBe(code);
    const direct = onlyJson(trace.stdout);
    const out = onlyJson(run.stdout) as { status: string; result: Record<string, unknown>; task_id: string };
    expect(direct.status).toBe(status);
    expect(out.status).toBe('succeeded');
    expect(withoutTimings(out.result)).toEqual(withoutTimings(direct));
    // `office status` exits as the run did.
    const stored = await runOffice(['status', out.task_id], { cwd: ws.root });
    expect(stored.code).toBe(code);
  });

  it('says not_found in text, with the closest names, from both doors', async () => {
    const trace = await runOffice(['trace', 'checkot', 'chargeCard', '--dir', 'src'], { cwd: ws.root });
    const run = await runOffice(['run', '--offline', 'trace checkot to chargeCard in ./src'], {
      cwd: ws.root,
    });
    for (const out of [trace, run]) {
      expect(out.code).toBe(4);
      expect(out.stdout).toContain('no symbol "checkot"; closest: checkout');
    }
  });

  it('counts a path in calls, as --max-depth does', async () => {
    // checkout → OrderService.place → StripeGateway.charge → chargeCard: four functions, three calls.
    const three = await runOffice(
      [
        'trace',
        'checkout',
        'payments/card.ts:chargeCard',
        '--dir',
        'src',
        '--max-depth',
        '3',
        '--max-paths',
        '2',
      ],
      { cwd: ws.root },
    );
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout.match(/^ {2}\d\. /gm)).toHaveLength(4);
    const two = await runOffice(
      ['trace', 'checkout', 'payments/card.ts:chargeCard', '--dir', 'src', '--max-depth', '2'],
      {
        cwd: ws.root,
      },
    );
    expect(two.code).toBe(4);
    expect(two.stdout).toContain('within 2 calls');
  });
});
