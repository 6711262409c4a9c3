// The code store under the indexer: a warm index reads neither sources nor facts and answers from stored rows; a
// file is read again when its size or mtime changes, or when its mtime was too recent to trust (git's racily
// clean entries); what was extracted before a Ctrl-C is kept.
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/code/indexer.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let workspace: string;
let dir: string;

async function put(path: string, content: string, ageMs = 60_000): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
  // Older than the index's "too recent to trust" window, unless a test wants it fresh.
  const when = new Date(Date.now() - ageMs);
  if (ageMs > 0) await utimes(join(dir, path), when, when);
}

async function storePath(): Promise<string> {
  const cache = join(workspace, '.office', 'cache', 'code');
  const file = (await readdir(cache)).find((f) => f.endsWith('.db'))!;
  return join(cache, file);
}

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-store-'));
  await mkdir(join(workspace, '.git'));
  dir = join(workspace, 'src');
  await put('checkout.toy', 'def checkout\n  place()\n');
  await put('orders.toy', 'def place\n  charge()\n');
  await put('pay.toy', 'def charge\n  chargeCard()\ndef chargeCard\n');
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('an index of an unchanged tree', () => {
  it('links nothing, extracts nothing, and answers from the store as the first index did', async () => {
    const first = await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const again = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(again)] });
    expect(again.extracted).toEqual([]);
    expect(again.linkMemos).toEqual([]);
    expect(index.parts[0]!.linkedHere).toBeUndefined();
    expect(first.stats.linked).toEqual(['toy']);
    expect(index.stats.linked).toBeUndefined();
    expect(index.stats).toMatchObject({
      cache: 'hit',
      symbols: first.stats.symbols,
      edges: first.stats.edges,
    });
    for (const id of ['checkout.toy#checkout', 'orders.toy#place', 'pay.toy#charge']) {
      expect(index.graph.symbol(id)).toEqual(first.graph.symbol(id));
      expect(index.graph.outgoing(id)).toEqual(first.graph.outgoing(id));
      expect(index.graph.incoming(id)).toEqual(first.graph.incoming(id));
    }
    expect(index.graph.symbolsNamed('charge').map((s) => s.id)).toEqual(['pay.toy#charge']);
    expect([...index.graph.symbolFiles()].sort()).toEqual(['checkout.toy', 'orders.toy', 'pay.toy']);
    expect([...index.graph.edges()]).toHaveLength(first.stats.edges);
  });

  it('does not read a file whose size and mtime are those the store holds', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const before = await stat(join(dir, 'orders.toy'));
    // Same size, other content, and the old mtime put back: only a read would notice (as with git's index).
    await writeFile(join(dir, 'orders.toy'), 'def place\n  chrage()\n');
    await utimes(join(dir, 'orders.toy'), before.atime, before.mtime);
    const again = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(again)] });
    expect(again.extracted).toEqual([]);
    expect(index.graph.outgoing('orders.toy#place').map((e) => e.to)).toEqual(['pay.toy#charge']);
  });

  it('reads a file again when only its mtime changed, and extracts nothing when its content did not', async () => {
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const later = new Date(Date.now() - 30_000);
    await utimes(join(dir, 'orders.toy'), later, later);
    const again = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(again)] });
    expect(again.extracted).toEqual([]);
    expect(index.stats.cache).toBe('hit');
    // The new mtime is stored with the same hash, so the next index does not read the file again.
    const db = new DatabaseSync(await storePath(), { readOnly: true });
    const row = db.prepare("SELECT mtime, hash FROM files WHERE path = 'orders.toy'").get() as {
      mtime: number;
      hash: string;
    };
    db.close();
    expect(row.mtime).toBe((await stat(join(dir, 'orders.toy'))).mtimeMs);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a file changed just before an index', () => {
  it('is read again by the next index even with the same size and mtime (racily clean)', async () => {
    await put('orders.toy', 'def place\n  charge()\n', 0);
    await buildIndex(dir, { adapters: [toyEntry(toyAdapter())] });
    const before = await stat(join(dir, 'orders.toy'));
    await writeFile(join(dir, 'orders.toy'), 'def place\n  chargf()\n');
    await utimes(join(dir, 'orders.toy'), before.atime, before.mtime);
    const again = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(again)] });
    expect(again.extracted).toEqual(['orders.toy']);
    expect(index.graph.outgoing('orders.toy#place')).toEqual([]);
  });
});

describe('an index stopped part way', () => {
  it('keeps the facts extracted before the abort, and the next index extracts only the rest', async () => {
    for (let i = 0; i < 40; i++) await put(`more/m${i}.toy`, `def m${i}\n  checkout()\n`);
    const controller = new AbortController();
    const first = toyAdapter();
    const extract = first.extract.bind(first);
    first.extract = (file) => {
      if (first.extracted.length === 10) controller.abort(new Error('stopped by the test'));
      return extract(file);
    };
    await expect(buildIndex(dir, { adapters: [toyEntry(first)], signal: controller.signal })).rejects.toThrow(
      'stopped by the test',
    );
    const kept = first.extracted.length;
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThan(43);

    const db = new DatabaseSync(await storePath(), { readOnly: true });
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n;
    db.close();
    expect(stored).toBe(kept);
    const second = toyAdapter();
    const index = await buildIndex(dir, { adapters: [toyEntry(second)] });
    expect(second.extracted).toHaveLength(43 - kept);
    expect(index.stats).toMatchObject({ files: 43, cache: 'partial' });
    expect(index.graph.incoming('checkout.toy#checkout')).toHaveLength(40);
  });
});
