// Workspace discovery through the real binary: a stray .office/ in the home folder does not capture a project
// below it, the home folder is never a workspace by discovery, and `--dir ~` or `--dir /` needs confirmation.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  taskDocument,
  taskIds,
  writeTask,
} from '../helpers/workspace.js';

/** A temporary folder playing the user's home (HOME points at it for the office child). */
let home: TempWorkspace;

beforeEach(async () => {
  home = await makeWorkspace('office-home-');
  // A stray .office/ with a task in it, as `office run` in the home folder once left behind.
  await writeTask(home, taskDocument({ task_id: 'stray-task', request: 'left in the home folder' }));
  await mkdir(home.path('projects/shop/src'), { recursive: true });
});
afterEach(async () => {
  await killStrayOffices();
  await home.cleanup();
});

/** Ids of the tasks stored in the workspace at `root`. */
async function idsIn(root: string): Promise<string[]> {
  const names = await readdir(join(root, '.office', 'tasks')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
}

const env = () => ({ HOME: home.root, CI: '1' });

describe('workspace discovery', () => {
  it('a stray .office/ in the home folder does not become the workspace of a folder below it', async () => {
    const cwd = home.path('projects/shop/src');
    const list = await runOffice(['list', '--json'], { cwd, env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect((onlyJson(list.stdout) as { tasks: unknown[] }).tasks).toEqual([]);

    const run = await runOffice(['run', '--offline', '--json', 'list files in .'], { cwd, env: env() });
    expect(run.code, run.stderr).toBe(0);
    const id = (onlyJson(run.stdout) as { task_id: string }).task_id;
    expect(await taskIds(home)).toEqual(['stray-task']);
    expect(await idsIn(cwd)).toEqual([id]);
  });

  it('prefers the nearest .git over a stray .office/ nearer by', async () => {
    await mkdir(home.path('projects/shop/.git'), { recursive: true });
    await mkdir(home.path('projects/shop/src/.office'), { recursive: true });
    const run = await runOffice(['run', '--offline', '--json', 'list files in .'], {
      cwd: home.path('projects/shop/src'),
      env: env(),
    });
    expect(run.code, run.stderr).toBe(0);
    const id = (onlyJson(run.stdout) as { task_id: string }).task_id;
    expect(await idsIn(home.path('projects/shop'))).toEqual([id]);
  });

  it('run in the home folder itself, it refuses and says what to do (exit 2)', async () => {
    const list = await runOffice(['list'], { cwd: home.root, env: env() });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('office will not make your home folder');
    expect(list.stderr).toContain('--dir');
  });

  it('--dir naming the home folder or / is refused off a terminal unless confirmed for scripts', async () => {
    const cwd = home.path('projects/shop');
    for (const dir of [home.root, '/']) {
      const refused = await runOffice(['list', '--dir', dir], { cwd, env: env() });
      expect(refused.code, dir).toBe(2);
      expect(refused.stderr).toContain(`OFFICE_ALLOW_WORKSPACE=${dir}`);
    }
    const confirmed = await runOffice(['list', '--json', '--dir', home.root], {
      cwd,
      env: { ...env(), OFFICE_ALLOW_WORKSPACE: home.root },
    });
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(
      (onlyJson(confirmed.stdout) as { tasks: { task_id: string }[] }).tasks.map((t) => t.task_id),
    ).toEqual(['stray-task']);
  });
});
