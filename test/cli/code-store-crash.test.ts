// The code store survives what a developer's machine and a CI runner do to it: an index killed (SIGKILL) in the
// middle of writing leaves a store that the next trace reads and repairs, answering for the files as they are
// now; two office processes indexing one tree at once both answer correctly.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  startOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

/** Enough files that the store's write transactions outgrow SQLite's page cache and spill while still open. */
const FILES = 1_200;
/** Padding per file: its facts are several KB, so a write of all of them is megabytes. */
const HELPERS = 12;

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace('office-store-crash-');
  await ws.write('.git/HEAD', 'ref: refs/heads/main\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

/** A chain f0 → f1 → … across files, each file with helpers of its own; `header` lines shift every line. */
async function writeTree(header: number): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    const lines = Array.from({ length: header }, (_, n) => `// revision line ${n + 1}`);
    if (i + 1 < FILES) lines.push(`import { f${i + 1} } from './m${i + 1}.js';`);
    lines.push(`export function f${i}(x) {`);
    lines.push(i + 1 < FILES ? `  return f${i + 1}(h${i}_0(x));` : `  return h${i}_0(x);`);
    lines.push('}');
    for (let h = 0; h < HELPERS; h++) {
      const next = h + 1 < HELPERS ? `h${i}_${h + 1}(y.map((z) => z + ${h}))` : 'y';
      lines.push(`function h${i}_${h}(y) {`, `  return ${next};`, '}');
    }
    await ws.write(`src/m${i}.js`, `${lines.join('\n')}\n`);
  }
}

type Hop = { qualified_name: string; file: string; line: number };

async function trace(): Promise<{ hops: string[]; cache: string }> {
  const run = await runOffice(['trace', 'f0', 'f4', '--dir', 'src', '--json'], {
    cwd: ws.root,
    timeoutMs: 180_000,
  });
  expect(run.code, run.stderr).toBe(0);
  const result = onlyJson(run.stdout) as { paths: { hops: Hop[] }[]; stats: { cache: string } };
  return {
    hops: result.paths[0]!.hops.map((hop) => `${hop.qualified_name} ${hop.file}:${hop.line}`),
    cache: result.stats.cache,
  };
}

/** The hops f0 → f4 when each file starts with `header` lines before its import. */
const expectedHops = (header: number): string[] => [0, 1, 2, 3, 4].map((i) => `f${i} m${i}.js:${header + 2}`);

async function storeFile(): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const dir = ws.path('.office/cache/code');
  return join(dir, (await readdir(dir)).find((f) => f.endsWith('.db'))!);
}

const size = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

describe('the code store under a kill', () => {
  it('answers correctly after an index is SIGKILLed while writing the store', {
    timeout: 600_000,
  }, async () => {
    await writeTree(0);
    expect((await trace()).hops).toEqual(expectedHops(0));
    const db = await storeFile();
    // The last process closed the store: its write-ahead log was folded in and removed.
    expect(await size(`${db}-wal`)).toBe(0);

    // Every file changes (and every line moves down by three): the next index rewrites facts and graph.
    await writeTree(3);
    const killed = startOffice(['trace', 'f0', 'f4', '--dir', 'src', '--json'], {
      cwd: ws.root,
      timeoutMs: 180_000,
    });
    // The first page spilled to the write-ahead log means a write transaction is under way: kill it there.
    while ((await size(`${db}-wal`)) === 0) {
      if (killed.child.exitCode !== null) throw new Error(`office ended before writing: ${killed.stderr()}`);
      await new Promise((wake) => setTimeout(wake, 2));
    }
    killed.child.kill('SIGKILL');
    const end = await killed.done;
    expect(end.signal).toBe('SIGKILL');

    const check = new DatabaseSync(db);
    expect(check.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    check.close();

    const after = await trace();
    expect(after.hops).toEqual(expectedHops(3));
    const warm = await trace();
    expect(warm).toEqual({ hops: expectedHops(3), cache: 'hit' });
  });

  it('lets two office processes index one tree at once, both answering correctly', {
    timeout: 600_000,
  }, async () => {
    await writeTree(1);
    const args = ['trace', 'f0', 'f4', '--dir', 'src', '--json'];
    const [a, b] = await Promise.all([0, 1].map(() => runOffice(args, { cwd: ws.root, timeoutMs: 180_000 })));
    for (const run of [a!, b!]) {
      expect(run.code, run.stderr).toBe(0);
      const hops = (onlyJson(run.stdout) as { paths: { hops: Hop[] }[] }).paths[0]!.hops;
      expect(hops.map((hop) => `${hop.qualified_name} ${hop.file}:${hop.line}`)).toEqual(expectedHops(1));
    }
    expect(await trace()).toEqual({ hops: expectedHops(1), cache: 'hit' });
  });
});
