// Dates in one local format everywhere, with "… ago" in lists; the audit text view shows what a command ran
// (its argv) and how it ended, in aligned columns.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTaskStore } from '../../src/store/task-store.js';
import {
  killStrayOffices,
  makeWorkspace,
  runOffice,
  type TempWorkspace,
  taskDocument,
  writeTask,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const inTokyo = (args: string[]) =>
  runOffice([...args, '--dir', ws.root], { cwd: ws.root, env: { TZ: 'Asia/Tokyo' } });

describe('dates', () => {
  it('office list and office dlq list show local times and how long ago', async () => {
    const created = new Date(Date.now() - 3 * 86_400_000 - 3_600_000);
    const id = '20261124-233000-tokyo1';
    await writeTask(
      ws,
      taskDocument({ task_id: id, status: 'dead_lettered', created_at: created.toISOString() }),
    );
    await createTaskStore(ws.root).deadLetter({
      task_id: id,
      request: 'hand-written task',
      reason: 'no plan',
      at: created.toISOString(),
    });
    // Tokyo is UTC+9 all year: its wall-clock time is the UTC time nine hours later.
    const local = new Date(created.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const list = await inTokyo(['list']);
    expect(list.stdout).toContain(`${local} (3 days ago)`);
    const dlq = await inTokyo(['dlq', 'list']);
    expect(dlq.stdout).toContain(`${local} (3 days ago)`);
    expect(list.stdout).not.toMatch(/\d\dT\d\d|UTC/);
  });
});

describe('the audit text view', () => {
  it('shows the argv a command ran and its exit code, with the columns aligned', async () => {
    const run = await runOffice(
      ['run', '--offline', '--yes', '--sandbox', 'process', 'run node --version', '--dir', ws.root],
      { cwd: ws.root },
    );
    expect(run.code, run.stderr).toBe(0);
    await writeTask(ws, taskDocument({ task_id: '20261124-120000-other1' }));
    const search = await runOffice(['run', '--offline', 'find nothing-here in .', '--dir', ws.root], {
      cwd: ws.root,
    });
    expect(search.code, search.stderr).toBe(0);
    const audit = await runOffice(['audit', '--dir', ws.root], { cwd: ws.root });
    const lines = audit.stdout.trimEnd().split('\n');
    const toolRun = lines.find((l) => l.includes('run_command') && l.includes('tool_run'));
    expect(toolRun).toMatch(/\$ node --version {2}exit 0/);
    // Every line has its type, tool and step columns at the same places.
    for (const column of ['tool_run', 'approval']) {
      const starts = lines.filter((l) => l.includes(` ${column} `)).map((l) => l.indexOf(` ${column} `));
      expect(new Set(starts).size, lines.join('\n')).toBe(1);
    }
    const toolStarts = lines.map((l) => l.search(/ (run_command|search_code) /));
    expect(new Set(toolStarts).size, lines.join('\n')).toBe(1);
  });
});
