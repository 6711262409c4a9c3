// Plugin tools through the real binary: bounded parallel steps, retries a plugin asks for, and broken plugins skipped.
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/a.ts', '// TODO a\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

/** Start and end times per label from stamps.log. */
async function intervals(): Promise<Map<string, { start: number; end: number }>> {
  const spans = new Map<string, { start: number; end: number }>();
  for (const line of await linesOf(ws, 'stamps.log')) {
    const [kind, label = '', at = ''] = line.split(' ');
    const span = spans.get(label) ?? { start: Number.NaN, end: Number.NaN };
    if (kind === 'start') span.start = Number(at);
    else span.end = Number(at);
    spans.set(label, span);
  }
  return spans;
}

/** The largest number of spans open at one instant. */
function mostAtOnce(spans: Iterable<{ start: number; end: number }>): number {
  const edges = [...spans].flatMap((s) => [
    { at: s.start, d: 1 },
    { at: s.end, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) {
    open += e.d;
    most = Math.max(most, open);
  }
  return most;
}

describe('plugin tools in office run', () => {
  it('runs parallelizable steps concurrently up to `concurrency`, and a dependent step after them', async () => {
    await installFixtures(ws, { concurrency: 2 });
    const run = await office(['run', 'stamp five']);
    expect(run.code, run.stderr).toBe(0);
    const spans = await intervals();
    const parallel = ['p1', 'p2', 'p3', 'p4', 'p5'].map((l) => spans.get(l));
    expect(parallel.every((s) => s && s.end > s.start)).toBe(true);
    expect(mostAtOnce(parallel as { start: number; end: number }[])).toBe(2);
    const last = spans.get('last');
    expect(last?.start).toBeGreaterThan(Math.max(...parallel.map((s) => s?.end ?? Number.POSITIVE_INFINITY)));
  });

  it('retries a plugin tool error marked retryable', async () => {
    await installFixtures(ws, { retry: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 }, maxIterations: 1 });
    const run = await office(['run', '--json', 'try the flaky tool']);
    expect(await linesOf(ws, 'flaky.log')).toHaveLength(3);
    expect(onlyJson(run.stdout).status).toBe('succeeded');
    expect(run.code).toBe(0);
  });

  it('reports broken plugins (throws at import, no risk, a built-in name) and still runs', async () => {
    await installFixtures(ws);
    for (const name of await readdir(join(FIXTURES, 'plugins', 'broken'))) {
      await cp(join(FIXTURES, 'plugins', 'broken', name), ws.path(`office-tools/${name}`));
    }
    const run = await office(['run', '--json', 'find TODO in src']);
    expect(run.code, run.stderr).toBe(0);
    const problems = run.stderr.split('\n').filter((l) => l.includes('plugin problem'));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain(join('office-tools', 'throws-at-import.js'));
    expect(problems.join('\n')).toContain(join('office-tools', 'no-risk.js'));
    expect(problems.join('\n')).toContain(join('office-tools', 'clashes.js'));
    expect(onlyJson(run.stdout).result).toMatchObject({ total_matches: 1, files_matched: 1 });
  });
});
