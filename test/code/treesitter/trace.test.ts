import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterEntry } from '../../../src/code/adapters.js';
import { createCodeIndexService } from '../../../src/code/code-service.js';
import { traceResultSchema } from '../../../src/code/service.js';
import { fixturesDir } from './link-fixture.js';

// The entries the registry (src/code/adapters.ts) is meant to carry for these languages.
const entries: AdapterEntry[] = [
  {
    id: 'python',
    extensions: ['.py'],
    load: async () => (await import('../../../src/code/treesitter/index.js')).pythonAdapter,
  },
  {
    id: 'go',
    extensions: ['.go'],
    load: async () => (await import('../../../src/code/treesitter/index.js')).goAdapter,
  },
  {
    id: 'java',
    extensions: ['.java'],
    load: async () => (await import('../../../src/code/treesitter/index.js')).javaAdapter,
  },
];

let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-treesitter-trace-'));
  await mkdir(join(workspace, '.git'));
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function copyFixture(name: string): Promise<string> {
  const dir = join(workspace, name);
  await cp(join(fixturesDir, name), dir, { recursive: true });
  return dir;
}

const hops = (result: { paths: { hops: { qualified_name: string; edge: string | null }[] }[] }) =>
  result.paths.map((p) =>
    p.hops.map((h) => (h.edge ? `-[${h.edge}]-> ${h.qualified_name}` : h.qualified_name)).join(' '),
  );

describe('office trace over tree-sitter languages', () => {
  it('traces a Python checkout to charge_card, never through the legacy decoy', async () => {
    const dir = await copyFixture('py-shop');
    const result = await createCodeIndexService({ adapters: entries }).trace({
      dir,
      from: 'app.py:checkout',
      to: 'charge_card',
    });
    expect(traceResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('found');
    expect(result.to?.file).toBe('src/store/payments/card.py');
    expect(hops(result)[0]).toBe(
      'checkout -[direct]-> checkout.pay -[method]-> OrderService.place -[method]-> CardGateway.charge -[direct]-> charge_card',
    );
    expect(result.paths.flatMap((p) => p.hops).some((h) => h.file.startsWith('legacy/'))).toBe(false);
  });

  it('traces a Go checkout to payments.ChargeCard through the interface', async () => {
    const dir = await copyFixture('go-shop');
    const result = await createCodeIndexService({ adapters: entries }).trace({
      dir,
      from: 'checkout',
      to: 'payments/card.go:ChargeCard',
    });
    expect(result.status).toBe('found');
    expect(hops(result)[0]).toBe(
      'checkout -[method]-> Service.PlaceOrder -[dispatch]-> CardGateway.Charge -[direct]-> ChargeCard',
    );
  });

  it('traces a Java checkout to Cards.chargeCard through the interface', async () => {
    const dir = await copyFixture('java-shop');
    const result = await createCodeIndexService({ adapters: entries }).trace({
      dir,
      from: 'App.checkout',
      to: 'Cards.chargeCard',
    });
    expect(result.status).toBe('found');
    expect(hops(result)[0]).toBe(
      'App.checkout -[method]-> OrderService.placeOrder -[dispatch]-> CardGateway.charge -[direct]-> Cards.chargeCard',
    );
    expect(result.paths.flatMap((p) => p.hops).some((h) => h.file.includes('/legacy/'))).toBe(false);
  });

  it('indexes a tree mixing the three languages, answering from the cache the second time', async () => {
    await copyFixture('py-shop');
    await copyFixture('go-shop');
    await copyFixture('java-shop');
    const service = createCodeIndexService({ adapters: entries });
    const first = await service.index(workspace);
    const fresh = createCodeIndexService({ adapters: entries });
    const second = await fresh.index(workspace);
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.symbols).toBe(first.symbols);
    expect(second.edges).toBe(first.edges);
  });
});
