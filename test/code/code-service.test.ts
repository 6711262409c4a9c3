import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../src/code/code-service.js';
import { graphJsonSchema, neighboursResultSchema, traceResultSchema } from '../../src/code/service.js';
import { UsageError } from '../../src/errors.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let workspace: string;
let dir: string;

async function put(path: string, lines: string[]): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), `${lines.join('\n')}\n`);
}

const service = () => createCodeIndexService({ adapters: [toyEntry(toyAdapter())] });
const hopsOf = (result: { paths: { hops: { qualified_name: string; file: string; line: number }[] }[] }) =>
  result.paths.map((p) => p.hops.map((h) => `${h.qualified_name}@${h.file}:${h.line}`).join(' -> '));

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-code-service-'));
  await mkdir(join(workspace, '.git'));
  dir = join(workspace, 'app');
  await put('main.toy', ['checkout()', 'def boot']);
  await put('checkout.toy', ['def checkout', '  place()', 'def checkoutAll', '  checkout()']);
  await put('orders.toy', ['def place', '  ?charge()', '  ~save()']);
  await put('pay.toy', ['def charge', '  chargeCard()', 'def chargeCard', '  chargeCard()']);
  await put('legacy.toy', ['def chargeCard', 'def save']);
  await put('audit.toy', ['def save']);
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('trace', () => {
  it('finds the path through a call only refinement resolves, with every hop, call and edge kind', async () => {
    const result = await service().trace({ dir, from: 'checkout', to: 'pay.toy:chargeCard' });
    expect(traceResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('found');
    expect(hopsOf(result)).toEqual([
      'checkout@checkout.toy:1 -> place@orders.toy:1 -> charge@pay.toy:1 -> chargeCard@pay.toy:3',
    ]);
    expect(result.paths[0]?.hops[0]).toMatchObject({ call: null, edge: null });
    expect(result.paths[0]?.hops[2]).toMatchObject({
      call: { file: 'orders.toy', line: 2, column: 3, text: '?charge()' },
      edge: 'direct',
    });
    expect(result.from).toMatchObject({ qualified_name: 'checkout', file: 'checkout.toy', line: 1 });
    expect(result.notes).toEqual([]);
  });

  it('answers the only connecting pair when a name has several candidates, naming the choice', async () => {
    const result = await service().trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(result.status).toBe('found');
    expect(result.to).toMatchObject({ file: 'pay.toy', line: 3 });
    expect(result.candidates.to.map((c) => c.file)).toEqual(['legacy.toy', 'pay.toy']);
    expect(result.notes).toEqual([
      '2 candidate pairs; only checkout (checkout.toy:1) reaches chargeCard (pay.toy:3)',
    ]);
  });

  it('says not_found, with the reason, for a unique pair that does not connect', async () => {
    const result = await service().trace({ dir, from: 'pay.toy:chargeCard', to: 'checkout', maxDepth: 5 });
    expect(result.status).toBe('not_found');
    expect(result.paths).toEqual([]);
    expect(result.notes).toEqual([
      'no call path from chargeCard (pay.toy:3) to checkout (checkout.toy:1) within 5 calls',
    ]);
  });

  it('suggests the closest names for an unknown name', async () => {
    const result = await service().trace({ dir, from: 'chekout', to: 'chargeCard' });
    expect(result.status).toBe('not_found');
    expect(result.from).toBeNull();
    expect(result.notes).toEqual(['no symbol "chekout"; closest: checkout, checkoutAll']);
  });

  it('is ambiguous when several candidate pairs connect, naming each pair so that it can be traced', async () => {
    const result = await service().trace({ dir, from: 'place', to: 'save' });
    expect(result.status).toBe('ambiguous');
    expect(result.candidates.to.map((c) => c.file)).toEqual(['audit.toy', 'legacy.toy']);
    expect(result.notes[0]).toBe(
      '2 candidate pairs connect: place → audit.toy:save; place → legacy.toy:save; trace one pair by those names',
    );
  });

  it('uses a heuristic call only when nothing precise connects, and says so', async () => {
    const result = await service().trace({ dir, from: 'place', to: 'legacy.toy:save' });
    expect(result.status).toBe('found');
    expect(result.paths[0]?.hops.at(-1)?.edge).toBe('heuristic');
    expect(result.notes).toEqual([
      'no precise path exists; every path uses a call matched by method name only (heuristic), e.g. at orders.toy:3',
    ]);
  });

  it('returns fewer than max paths with a note when there are no more', async () => {
    const result = await service().trace({ dir, from: 'checkoutAll', to: 'pay.toy:chargeCard', maxPaths: 3 });
    expect(result.paths).toHaveLength(1);
    expect(result.notes).toEqual(['only 1 distinct call path within 16 calls']);
  });

  it('answers a call from top-level code with the file module as caller', async () => {
    const result = await service().trace({ dir, from: 'main.toy:<module>', to: 'place' });
    expect(hopsOf(result)).toEqual(['<module>@main.toy:1 -> checkout@checkout.toy:1 -> place@orders.toy:1']);
  });

  it('refuses a bad depth or a missing directory with a usage error', async () => {
    await expect(service().trace({ dir, from: 'a', to: 'b', maxDepth: 0 })).rejects.toThrow(UsageError);
    await expect(service().trace({ dir: join(dir, 'nope'), from: 'a', to: 'b' })).rejects.toThrow(
      /not a directory/,
    );
  });

  it('reports an index hit on the second query of an unchanged tree', async () => {
    const codes = service();
    expect((await codes.trace({ dir, from: 'checkout', to: 'place' })).stats.cache).toBe('miss');
    expect((await codes.trace({ dir, from: 'checkout', to: 'place' })).stats.cache).toBe('hit');
  });
});

describe('callers and callees', () => {
  it('lists the callers of a symbol with call sites, recursion included', async () => {
    const result = await service().callers(dir, 'pay.toy:chargeCard');
    expect(neighboursResultSchema.parse(result)).toEqual(result);
    expect(result.calls.map((c) => `${c.symbol.qualified_name}@${c.call.line}`)).toEqual([
      'charge@2',
      'chargeCard@4',
    ]);
  });

  it('lists callees including refined calls, and flags heuristic ones', async () => {
    const result = await service().callees(dir, 'place');
    expect(result.calls.map((c) => `${c.symbol.qualified_name}@${c.symbol.file}:${c.edge}`)).toEqual([
      'charge@pay.toy:direct',
      'save@audit.toy:heuristic',
      'save@legacy.toy:heuristic',
    ]);
    expect(result.notes[0]).toMatch(/heuristic were matched by method name only/);
  });

  it('is ambiguous for a name with several symbols, and not_found with suggestions for an unknown one', async () => {
    const codes = service();
    expect(await codes.callers(dir, 'save')).toMatchObject({ status: 'ambiguous', symbol: null, calls: [] });
    expect((await codes.callees(dir, 'plac')).notes[0]).toBe('no symbol "plac"; closest: place');
  });

  it('limits the calls listed and says how many were left out', async () => {
    const result = await service().callees(dir, 'place', { maxResults: 1 });
    expect(result.calls).toHaveLength(1);
    expect(result.notes).toContain('2 more callees not shown');
  });
});

describe('findSymbol and graph', () => {
  it('finds every symbol of a name, or suggests close ones', async () => {
    const codes = service();
    expect((await codes.findSymbol(dir, 'chargeCard')).matches.map((m) => m.file)).toEqual([
      'legacy.toy',
      'pay.toy',
    ]);
    expect(await codes.findSymbol(dir, 'chargCard')).toMatchObject({
      matches: [],
      suggestions: ['chargeCard', 'charge'],
    });
  });

  it('returns the whole graph in the public JSON shape', async () => {
    const graph = await service().graph(dir);
    expect(graphJsonSchema.parse(graph)).toEqual(graph);
    expect(graph.edges).toContainEqual({
      from: 'main.toy#<module>',
      to: 'checkout.toy#checkout',
      call: { file: 'main.toy', line: 1, column: 1 },
      edge: 'direct',
    });
  });
});

describe('graph and refinement', () => {
  const refined = {
    from: 'orders.toy#place',
    to: 'pay.toy#charge',
    call: { file: 'orders.toy', line: 2, column: 3 },
    edge: 'direct',
  };

  it('resolves every call that needs refinement before answering, unless told not to', async () => {
    expect((await service().graph(dir, { refine: false })).edges).not.toContainEqual(refined);
    expect((await service().graph(dir)).edges).toContainEqual(refined);
  });
});

describe('verifyPaths', () => {
  it('accepts the paths trace reported', async () => {
    const codes = service();
    const result = await codes.trace({ dir, from: 'checkout', to: 'pay.toy:chargeCard' });
    expect(await codes.verifyPaths(dir, result.paths)).toEqual({ ok: true, problems: [] });
  });

  it('verifies refined edges in a fresh process too', async () => {
    const result = await service().trace({ dir, from: 'checkout', to: 'pay.toy:chargeCard' });
    expect(await service().verifyPaths(dir, result.paths)).toEqual({ ok: true, problems: [] });
  });

  it('rejects a hop at the wrong line, an invented hop, and an invented call', async () => {
    const codes = service();
    const { paths } = await codes.trace({ dir, from: 'checkout', to: 'pay.toy:chargeCard' });
    const hops = paths[0]!.hops;
    const wrongLine = [{ hops: hops.map((h, i) => (i === 1 ? { ...h, line: 7 } : h)) }];
    expect((await codes.verifyPaths(dir, wrongLine)).problems).toEqual([
      'path 1, hop 2 (place): no symbol place at orders.toy:7',
    ]);
    const invented = [{ hops: [hops[0]!, { ...hops[3]!, call: hops[1]!.call, edge: 'direct' as const }] }];
    expect((await codes.verifyPaths(dir, invented)).problems).toEqual([
      'path 1, hop 2 (chargeCard): no direct call from checkout to chargeCard at checkout.toy:2:3',
    ]);
    const wrongText = [
      { hops: hops.map((h, i) => (i === 1 && h.call ? { ...h, call: { ...h.call, text: 'x()' } } : h)) },
    ];
    expect((await codes.verifyPaths(dir, wrongText)).ok).toBe(false);
  });

  it('rejects a path after the code changed under it', async () => {
    const codes = service();
    const { paths } = await codes.trace({ dir, from: 'checkout', to: 'pay.toy:chargeCard' });
    await put('orders.toy', ['def place', '  audit()', 'def audit']);
    const check = await codes.verifyPaths(dir, paths);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      'path 1, hop 3 (charge): no direct call from place to charge at orders.toy:2:3',
    ]);
  });
});
