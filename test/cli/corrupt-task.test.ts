// A truncated task file: named in the error, set aside under .office/corrupt/, and the other tasks still listed.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
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

async function truncate(id: string): Promise<string> {
  const path = ws.path(`.office/tasks/${id}.json`);
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.slice(0, 200));
  return path;
}

describe('a truncated task file', () => {
  it('is named by the command that meets it, set aside, and does not hide the other tasks', async () => {
    const ids: string[] = [];
    for (const request of ['find TODO in src', 'list files in src', 'read src/a.ts']) {
      const run = await office(['run', '--json', request]);
      expect(run.code).toBe(0);
      ids.push(String(onlyJson(run.stdout).task_id));
    }
    const [good, shown, listed] = ids as [string, string, string];

    const shownPath = await truncate(shown);
    const show = await office(['show', shown]);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain(shownPath);
    expect(show.stderr).toMatch(/not a readable office file/);
    expect(show.stderr).toContain(`${ws.path('.office/corrupt')}/`);

    const listedPath = await truncate(listed);
    const list = await office(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(good);
    expect(list.stdout).not.toContain(listed);
    expect(list.stderr).toContain(listedPath);
    expect(list.stderr).toContain('moved to');

    const json = await office(['list', '--json']);
    expect((onlyJson(json.stdout).tasks as { task_id: string }[]).map((t) => t.task_id)).toEqual([good]);

    const aside = await readdir(ws.path('.office/corrupt'));
    expect(aside.map((n) => n.replace(/\.\d+$/, '')).sort()).toEqual(
      [`${listed}.json`, `${shown}.json`].sort(),
    );
  });
});
