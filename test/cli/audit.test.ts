// `office audit` and `office audit verify` through the real binary, after real runs that needed approval.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  linesOf,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  taskIds,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await installFixtures(ws);
  await ws.write('src/a.ts', '// TODO one\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

/** Runs a write step approved with --yes, then a read-only search: two tasks in the trail. */
async function twoTasks(): Promise<{ counted: string; searched: string }> {
  expect((await office(['run', '--offline', '--yes', 'count once'])).code).toBe(0);
  const [counted] = await taskIds(ws);
  expect((await office(['run', '--offline', 'find TODO in ./src'])).code).toBe(0);
  const searched = (await taskIds(ws)).find((id) => id !== counted);
  if (!counted || !searched) throw new Error('the runs stored no tasks');
  return { counted, searched };
}

describe('office audit', () => {
  it('shows the approval given with --yes and the tool run, and --task keeps one task', async () => {
    const { counted, searched } = await twoTasks();
    const all = await office(['audit']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      new RegExp(
        `^ +1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +${counted} +approval +count_step +once\\.p1/only +allow +by --yes`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^ +2 .+${counted} +tool_run +count_step +only +succeeded +\\d+ ms$`),
    );
    expect(all.stdout).toMatch(new RegExp(`${searched} +approval +search_code`));

    const one = await office(['audit', '--task', counted]);
    expect(one.stdout.trimEnd().split('\n')).toEqual(lines.slice(0, 2));
    const byPrefix = await office(['audit', 'show', '--task', searched.slice(0, -2)]);
    expect(byPrefix.stdout.trimEnd().split('\n')).toEqual(lines.slice(2));

    const json = await office(['audit', '--json', '--task', counted]);
    const entries = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e.seq, e.type, e.task_id])).toEqual([
      [1, 'approval', counted],
      [2, 'tool_run', counted],
    ]);
    expect(entries[0]).toMatchObject({ decision: 'allow', by: '--yes', tool: 'count_step', risk: 'write' });
  });

  it('--task naming no task exits 2', async () => {
    await twoTasks();
    const run = await office(['audit', '--task', 'no-such-task']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no task "no-such-task"');
  });

  it('says so when the trail is empty', async () => {
    const run = await office(['audit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the audit trail is empty');
  });
});

describe('office audit verify', () => {
  it('passes on an untouched trail and fails, naming the line, after one is edited', async () => {
    await twoTasks();
    const ok = await office(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('audit trail intact: 4 entries\n');

    const lines = await linesOf(ws, '.office/audit.jsonl');
    const edited = lines[1]?.replace('"status":"succeeded"', '"status":"failed"');
    expect(edited).not.toBe(lines[1]);
    await ws.write('.office/audit.jsonl', `${[lines[0], edited, ...lines.slice(2)].join('\n')}\n`);

    const bad = await office(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${ws.path('.office/audit.jsonl')}:2: entry seq 2 was edited`);
    expect(bad.stdout).toContain('audit trail broken: 1 problem in 4 entries');

    const json = await office(['audit', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(onlyJson(json.stdout)).toMatchObject({ ok: false, entries: 4, problems: [{ line: 2 }] });
  });

  it('fails when a line is removed, naming where', async () => {
    await twoTasks();
    const lines = await linesOf(ws, '.office/audit.jsonl');
    await ws.write('.office/audit.jsonl', `${[lines[0], ...lines.slice(2)].join('\n')}\n`);
    const bad = await office(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${ws.path('.office/audit.jsonl')}:2: seq 2 is missing before this line`);
  });
});
