// A large solve must not hold the process: the solver works in slices and stops when the index is interrupted.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Propagation } from '../../../src/code/flow/propagation.js';
import { buildIndex } from '../../../src/code/indexer.js';

describe('propagation in slices', () => {
  it('stops at a passed deadline with work left, and finishes the same fixpoint when called again', () => {
    const chain = new Propagation();
    chain.ensure(5000);
    for (let v = 0; v + 1 < 5000; v++) chain.edge(v, v + 1);
    chain.add(0, 7);
    expect(chain.run(performance.now() - 1)).toBe(false);
    expect(chain.has(4999, 7)).toBe(false);
    expect(chain.run()).toBe(true);
    expect(chain.has(4999, 7)).toBe(true);
    expect(chain.added).toBe(5000);
  });
});

describe('an interrupted index', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'office-interrupt-'));
    await mkdir(join(workspace, '.git'));
    for (let i = 0; i < 20; i++)
      await writeFile(join(workspace, `m${i}.js`), `export function f${i}(cb) { return cb(); }\n`);
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('stops in the link (the flow solve) with the reason it was aborted for', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted by the user');
    // Every file is read and extracted; the interrupt comes as linking begins.
    const index = buildIndex(workspace, {
      signal: controller.signal,
      extractPool: { workers: 0 },
      onProgress: (done, total) => {
        if (total > 0 && done === total) controller.abort(reason);
      },
    });
    await expect(index).rejects.toBe(reason);
    // The next index of the tree is whole.
    const again = await buildIndex(workspace, { extractPool: { workers: 0 } });
    expect(again.stats.files).toBe(20);
    expect(again.graph.symbolCount).toBeGreaterThanOrEqual(20);
  });
});
