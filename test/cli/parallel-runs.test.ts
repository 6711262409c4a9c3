// Eight, then sixteen `office run` processes at once in one workspace (a CI matrix): nothing lost, nothing corrupt,
// and the shared, hash-chained audit trail still verifies — the cross-process lock is what keeps it a chain.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  taskIds,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/a.ts', '// TODO a\n');
  await ws.write('lib/b.ts', '// TODO b\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

describe.each([8, 16])('%i office processes at once', (count) => {
  it('keep every task readable and succeeded, and append to one audit chain that verifies', {
    timeout: 240_000,
  }, async () => {
    const requests = Array.from({ length: count }, (_, i) =>
      i % 2 === 0
        ? `find TODO in ${i % 4 === 0 ? 'src' : 'lib'}`
        : `list files in ${i % 3 === 0 ? 'src' : 'lib'}`,
    );
    const runs = await Promise.all(
      requests.map((r) =>
        runOffice(['run', '--json', r, '--dir', ws.root], { cwd: ws.root, timeoutMs: 200_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const ids = runs.map((r) => String(onlyJson(r.stdout).task_id));
    expect(new Set(ids).size).toBe(count);

    expect((await taskIds(ws)).sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) {
      const doc = await readTask(ws, id);
      expect(doc.status).toBe('succeeded');
      expect(doc.request).toBe(requests[i]);
    }

    const list = await runOffice(['list', '--json', '--dir', ws.root], { cwd: ws.root });
    const body = onlyJson(list.stdout) as { tasks: { task_id: string }[]; problems: unknown[] };
    expect(body.tasks.map((t) => t.task_id).sort()).toEqual([...ids].sort());
    expect(body.problems).toEqual([]);

    const verify = await runOffice(['audit', 'verify', '--dir', ws.root], { cwd: ws.root });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout + verify.stderr).toContain(`audit trail intact: ${2 * count} entries`);
    // Each run appended an approval and a tool run for its one step, all into one chain.
    const audit = (await linesOf(ws, '.office/audit.jsonl')).map(
      (l) => JSON.parse(l) as { seq: number; task_id: string; type: string },
    );
    expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    for (const id of ids) {
      expect(audit.filter((e) => e.task_id === id).map((e) => e.type)).toEqual(['approval', 'tool_run']);
    }

    const leftovers = (await readdir(ws.path('.office/tasks'))).filter((n) => !n.endsWith('.json'));
    expect(leftovers, 'temp files, run markers or locks left behind').toEqual([]);
    const officeLeftovers = (await readdir(ws.path('.office'))).filter(
      (n) => n.endsWith('.lock') || n.endsWith('.tmp'),
    );
    expect(officeLeftovers, 'audit locks or temp files left behind').toEqual([]);
  });
});
