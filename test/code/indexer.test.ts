import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/code/indexer.js';
import { refineReachable } from '../../src/code/refine.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let workspace: string;
let dir: string;

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

async function cacheFiles(): Promise<string[]> {
  return (await readdir(join(workspace, '.office', 'cache', 'code')).catch(() => [])).filter((f) =>
    f.endsWith('.db'),
  );
}

/** Rows of the code store the index of `dir` wrote, read by a connection of the test's own. */
function storeRows(file: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(join(workspace, '.office', 'cache', 'code', file), { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-indexer-'));
  await mkdir(join(workspace, '.git'));
  dir = join(workspace, 'src');
  await put('checkout.toy', 'def checkout\n  place()\n');
  await put('orders.toy', 'def place\n  ?charge()\n');
  await put('pay.toy', 'def charge\n  chargeCard()\ndef chargeCard\n');
  await put('notes.md', 'not code');
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('buildIndex', () => {
  it('indexes the files an adapter reads into one graph', async () => {
    const adapter = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    expect(adapter.extracted.sort()).toEqual(['checkout.toy', 'orders.toy', 'pay.toy']);
    expect(index.stats).toMatchObject({ files: 3, symbols: 7, edges: 2, cache: 'miss' });
    expect(index.graph.outgoing('checkout.toy#checkout').map((e) => e.to)).toEqual(['orders.toy#place']);
  });

  it('keeps facts and the linked graph in one store under the workspace .office/cache/code, named by the dir', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const files = await cacheFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{16}\.db$/);
  });

  it('extracts nothing on a second index of an unchanged tree (cache hit)', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const second = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(second)] });
    expect(second.extracted).toEqual([]);
    expect(index.stats).toMatchObject({ files: 3, symbols: 7, edges: 2, cache: 'hit' });
  });

  it('re-extracts only the edited file (cache partial)', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    await put('pay.toy', 'def charge\n  chargeCard()\n  audit()\ndef chargeCard\ndef audit\n');
    const second = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(second)] });
    expect(second.extracted).toEqual(['pay.toy']);
    expect(index.stats.cache).toBe('partial');
    expect(index.graph.symbol('pay.toy#audit')).toBeDefined();
  });

  it('reuses the previous in-process index, refinements included, and notices edits', async () => {
    const adapter = toyAdapter();
    const first = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    await refineReachable(first, { forward: ['checkout.toy#checkout'] }, 15);
    await rm(join(workspace, '.office'), { recursive: true });
    const again = await buildIndex(dir, { adapters: [toyEntry(adapter)] }, first);
    expect(again.stats.cache).toBe('hit');
    expect(again.parts[0]).toBe(first.parts[0]);
    expect(again.graph.outgoing('orders.toy#place').map((e) => e.to)).toEqual(['pay.toy#charge']);
    await put('checkout.toy', 'def checkout\n  place()\n  place()\n');
    const edited = await buildIndex(dir, { adapters: [toyEntry(adapter)] }, again);
    expect(edited.stats.cache).toBe('partial');
    expect(adapter.extracted.filter((p) => p === 'checkout.toy')).toHaveLength(2);
    expect(edited.graph.outgoing('checkout.toy#checkout')).toHaveLength(2);
  });

  it('drops the symbols of a deleted file', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    await rm(join(dir, 'checkout.toy'));
    const index = await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    expect(index.graph.symbol('checkout.toy#checkout')).toBeUndefined();
    expect(index.stats.files).toBe(2);
  });

  it('treats a corrupt store as a miss, says so, and rebuilds it', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const [file] = await cacheFiles();
    const path = join(workspace, '.office', 'cache', 'code', file!);
    await writeFile(path, 'this is no database, it is a torn copy of one '.repeat(200));
    await rm(`${path}-wal`, { force: true });
    await rm(`${path}-shm`, { force: true });
    const second = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(second)] });
    expect(index.stats.cache).toBe('miss');
    expect(second.extracted).toHaveLength(3);
    expect(index.problems).toEqual([
      expect.stringMatching(/^.*\.db was not a usable code store \(.*\); rebuilt it$/),
    ]);
    const third = toyAdapter();
    expect((await buildIndex(dir, { adapters: [toyEntry(third)] })).stats.cache).toBe('hit');
    expect(third.extracted).toEqual([]);
  });

  it('empties a store of another format and rebuilds it', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const [file] = await cacheFiles();
    const db = new DatabaseSync(join(workspace, '.office', 'cache', 'code', file!));
    db.exec('PRAGMA user_version = 999');
    db.close();
    const second = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(second)] });
    expect(index.stats).toMatchObject({ cache: 'miss', symbols: 7, edges: 2 });
    expect(second.extracted).toHaveLength(3);
    expect(storeRows(file!, 'PRAGMA user_version')).not.toEqual([{ user_version: 999 }]);
    expect(storeRows(file!, 'SELECT COUNT(*) AS n FROM symbols')).toEqual([{ n: 7 }]);
  });

  it('ignores cached facts of another adapter version', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter('1'))] });
    const bumped = toyAdapter('2');
    const index = await buildIndex(dir, { adapters: [toyEntry(bumped)] });
    expect(index.stats.cache).toBe('miss');
    expect(bumped.extracted).toHaveLength(3);
  });

  it('reports progress up to the number of files', async () => {
    const calls: [number, number][] = [];
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())], onProgress: (d, t) => calls.push([d, t]) });
    expect(calls[0]).toEqual([0, 3]);
    expect(calls.at(-1)).toEqual([3, 3]);
  });

  it('leaves out files that fail to parse, naming them, and indexes the rest', async () => {
    const adapter = toyAdapter();
    const extract = adapter.extract.bind(adapter);
    adapter.extract = (file) => {
      if (file.path === 'orders.toy') throw new Error('unexpected token');
      return extract(file);
    };
    const index = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    expect(index.problems).toEqual(['orders.toy: could not be parsed (unexpected token)']);
    expect(index.graph.symbol('orders.toy#place')).toBeUndefined();
    expect(index.graph.symbol('pay.toy#charge')).toBeDefined();
    const warm = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    expect(warm.problems).toEqual(['orders.toy: could not be parsed (unexpected token)']);
  });

  it('stores the root, the facts of each file and the linked graph', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const [file] = await cacheFiles();
    expect(storeRows(file!, "SELECT value FROM meta WHERE key = 'root'")).toEqual([
      { value: expect.stringMatching(/src$/) },
    ]);
    expect(storeRows(file!, 'SELECT path FROM facts ORDER BY path').map((row) => row.path)).toEqual([
      'checkout.toy',
      'orders.toy',
      'pay.toy',
    ]);
    expect(storeRows(file!, 'SELECT COUNT(*) AS n FROM symbols')).toEqual([{ n: 7 }]);
    expect(storeRows(file!, 'SELECT src, dst FROM edges ORDER BY src')).toEqual([
      { src: 'checkout.toy#checkout', dst: 'orders.toy#place' },
      { src: 'pay.toy#charge', dst: 'pay.toy#chargeCard' },
    ]);
  });
});

describe('refineReachable', () => {
  it('refines only what is reachable and repeats until nothing new is found', async () => {
    await put('unrelated.toy', 'def lonely\n  ?charge()\n');
    const adapter = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    const added = await refineReachable(index, { forward: ['checkout.toy#checkout'] }, 15);
    expect(added).toBe(1);
    expect(index.graph.outgoing('orders.toy#place').map((e) => e.to)).toEqual(['pay.toy#charge']);
    const asked = adapter.refineRequests.flatMap((r) => r.outgoingFrom ?? []);
    // After the first round reached place, the refined edge made charge and chargeCard reachable: refined next.
    expect(asked).toEqual([
      'checkout.toy#checkout',
      'orders.toy#place',
      'pay.toy#charge',
      'pay.toy#chargeCard',
    ]);
    expect(asked).not.toContain('unrelated.toy#lonely');
  });

  it('refines backward with incomingTo from the target', async () => {
    const adapter = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    await refineReachable(index, { backward: ['pay.toy#chargeCard'] }, 15);
    // Round 1: the target and its known caller; round 2: what the refined edge place -> charge made reachable.
    expect(adapter.refineRequests.map((r) => r.incomingTo)).toEqual([
      ['pay.toy#chargeCard', 'pay.toy#charge'],
      ['orders.toy#place', 'checkout.toy#checkout'],
    ]);
    expect(index.graph.incoming('pay.toy#charge').map((e) => e.from)).toEqual(['orders.toy#place']);
  });

  it('does not refine beyond the depth bound', async () => {
    const adapter = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(adapter)] });
    await refineReachable(index, { forward: ['checkout.toy#checkout'] }, 0);
    expect(adapter.refineRequests.flatMap((r) => r.outgoingFrom ?? [])).toEqual(['checkout.toy#checkout']);
    expect(index.graph.outgoing('orders.toy#place')).toEqual([]);
  });

  it('reuses cached refinements of an unchanged tree in a new process, and drops them after an edit', async () => {
    const first = await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    await refineReachable(first, { forward: ['checkout.toy#checkout'] }, 15);

    const fresh = toyAdapter();
    const second = await buildIndex(dir, { adapters: [toyEntry(fresh)] });
    expect(second.graph.outgoing('orders.toy#place').map((e) => e.to)).toEqual(['pay.toy#charge']);
    await refineReachable(second, { forward: ['checkout.toy#checkout'] }, 15);
    expect(fresh.refineRequests).toEqual([]);

    await put('pay.toy', 'def charge\n  chargeCard()\ndef chargeCard\n  ?audit()\ndef audit\n');
    const edited = toyAdapter();
    const third = await buildIndex(dir, { adapters: [toyEntry(edited)] });
    expect(third.graph.outgoing('orders.toy#place')).toEqual([]);
    await refineReachable(third, { forward: ['checkout.toy#checkout'] }, 15);
    expect(third.graph.outgoing('pay.toy#chargeCard').map((e) => e.to)).toEqual(['pay.toy#audit']);
  });

  it("hands the adapter's memo of refinement to the next link after an edit, unless its version changed", async () => {
    const first = toyAdapter();
    await refineReachable(
      await buildIndex(dir, { adapters: [toyEntry(first)] }),
      { forward: ['checkout.toy#checkout'] },
      15,
    );
    expect(first.linkMemos).toEqual([undefined]);

    await put('pay.toy', 'def charge\n  chargeCard()\ndef chargeCard\n  ?audit()\ndef audit\n');
    const edited = toyAdapter();
    const second = await buildIndex(dir, { adapters: [toyEntry(edited)] });
    expect(edited.linkMemos).toEqual([{ resolved: ['orders.toy:2'] }]);
    await refineReachable(second, { forward: ['checkout.toy#checkout'] }, 15);

    // An unchanged tree in a new process links only if a query needs refinement; the memo is kept meanwhile.
    const unchanged = toyAdapter();
    await buildIndex(dir, { adapters: [toyEntry(unchanged)] });
    expect(unchanged.linkMemos).toEqual([]);

    await put('orders.toy', 'def place\n  ?charge()\n  ?charge()\n');
    const later = toyAdapter();
    await buildIndex(dir, { adapters: [toyEntry(later)] });
    expect(later.linkMemos).toEqual([{ resolved: ['orders.toy:2', 'pay.toy:4'] }]);

    await put('orders.toy', 'def place\n  ?charge()\n');
    const upgraded = toyAdapter('2');
    await buildIndex(dir, { adapters: [toyEntry(upgraded)] });
    expect(upgraded.linkMemos).toEqual([undefined]);
  });
});
