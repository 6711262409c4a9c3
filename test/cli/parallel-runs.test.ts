// Eight `office run` processes at once in one workspace (a CI matrix): nothing lost, nothing corrupt.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
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

describe('parallel office processes', () => {
  it('keeps eight tasks started at once, each readable and succeeded', async () => {
    const requests = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? `find TODO in ${i % 4 === 0 ? 'src' : 'lib'}`
        : `list files in ${i % 3 === 0 ? 'src' : 'lib'}`,
    );
    const runs = await Promise.all(
      requests.map((r) =>
        runOffice(['run', '--json', r, '--dir', ws.root], { cwd: ws.root, timeoutMs: 90_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const ids = runs.map((r) => String(onlyJson(r.stdout).task_id));
    expect(new Set(ids).size).toBe(8);

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

    const leftovers = (await readdir(ws.path('.office/tasks'))).filter((n) => !n.endsWith('.json'));
    expect(leftovers, 'temp files, run markers or locks left behind').toEqual([]);
  });
});
