// Where `office trace` keeps its code cache: in the workspace's .office, or per user ($XDG_CACHE_HOME/office) for
// a tree that is no workspace — never inside the traced tree; and `office gc` sweeps the per-user one too.
import { cp, mkdir, readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let tree: TempWorkspace;
let other: TempWorkspace;
let cacheHome: TempWorkspace;
beforeEach(async () => {
  tree = await makeWorkspace('office-traced-tree-');
  other = await makeWorkspace('office-other-workspace-');
  cacheHome = await makeWorkspace('office-xdg-');
  await cp(join(FIXTURES, 'ts-shop', 'src'), tree.root, { recursive: true });
  await mkdir(other.path('.git'));
});
afterEach(async () => {
  await killStrayOffices();
  for (const ws of [tree, other, cacheHome]) await ws.cleanup();
});

const env = () => ({ XDG_CACHE_HOME: cacheHome.root });
const files = (dir: string) => readdir(dir).catch(() => [] as string[]);

describe('the code cache of a tree that is no workspace', () => {
  it('goes to $XDG_CACHE_HOME/office/code, not into the tree, and is used by the next trace', async () => {
    const args = ['trace', 'checkout', 'chargeCard', '--dir', tree.root, '--json'];
    // Started from another workspace: the tree is still not part of it.
    const first = await runOffice(args, { cwd: other.root, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(await files(tree.path('.office'))).toEqual([]);
    expect(await files(other.path('.office'))).toEqual([]);
    const cached = await files(cacheHome.path('office/code'));
    expect(cached.some((f) => f.endsWith('.db'))).toBe(true);

    const second = await runOffice(args, { cwd: other.root, env: env() });
    expect((onlyJson(second.stdout).stats as { cache: string }).cache).toBe('hit');
  });

  it('stays in the workspace when the tree is one', async () => {
    await mkdir(tree.path('.git'));
    const run = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', tree.root], {
      cwd: tree.root,
      env: env(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await files(tree.path('.office/cache/code'))).not.toEqual([]);
    expect(await files(cacheHome.path('office/code'))).toEqual([]);
  });

  it('is swept by office gc when unused past the cutoff', async () => {
    await runOffice(['trace', 'checkout', 'chargeCard', '--dir', tree.root], { cwd: other.root, env: env() });
    const dir = cacheHome.path('office/code');
    const old = new Date(Date.now() - 90 * 86_400_000);
    for (const name of await files(dir)) await utimes(join(dir, name), old, old);
    const dry = await runOffice(['gc', '--older-than', '30d', '--dry-run', '--json'], {
      cwd: other.root,
      env: env(),
    });
    const report = onlyJson(dry.stdout) as { user_code_cache: { dir: string; files: string[] } };
    expect(report.user_code_cache.dir).toBe(dir);
    expect(report.user_code_cache.files.length).toBeGreaterThan(0);
    expect((await files(dir)).length).toBe(report.user_code_cache.files.length);

    const gc = await runOffice(['gc', '--older-than', '30d'], { cwd: other.root, env: env() });
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(`removed code index cache ${dir}/`);
    expect(await stat(dir).then(() => files(dir))).toEqual([]);
  });
});
