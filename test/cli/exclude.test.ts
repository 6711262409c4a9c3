// `--exclude GLOB`: files left out of the code index and of search for one command, on top of .gitignore and
// config code.exclude. The fixture has two functions named chargeCard (payments/ and legacy/): which one a
// trace reaches, and which files a search reads, show what was left out.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await writeConfig(ws, {});
  await cp(join(FIXTURES, 'ts-shop', 'src'), ws.path('src'), { recursive: true });
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice(args, { cwd: ws.root });

const filesOf = (stdout: string) =>
  new Set((onlyJson(stdout) as { symbols: { file: string }[] }).symbols.map((s) => s.file));

describe('--exclude', () => {
  it('office trace: an excluded file is not indexed, so its symbols are not found', async () => {
    const both = await office(['trace', 'checkout', 'chargeCard', '--dir', 'src', '--json']);
    expect((onlyJson(both.stdout) as { to: { file: string } }).to.file).toBe('payments/card.ts');
    const run = await office([
      'trace',
      'checkout',
      'chargeCard',
      '--dir',
      'src',
      '--json',
      '--exclude',
      'payments/',
    ]);
    expect((onlyJson(run.stdout) as { to: { file: string } }).to.file).toBe('legacy/card.ts');
  });

  it('office graph: repeatable, added to config code.exclude and .gitignore', async () => {
    await writeConfig(ws, { code: { exclude: ['notify/'] } });
    await ws.write('src/.gitignore', 'users/\n');
    const all = filesOf((await office(['graph', '--dir', 'src', '--no-refine'])).stdout);
    expect(all).toContain('payments/card.ts');
    const run = await office([
      'graph',
      '--dir',
      'src',
      '--no-refine',
      '--exclude',
      'payments/',
      '--exclude',
      '**/stripe.ts',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const files = [...filesOf(run.stdout)];
    expect(files.length).toBeGreaterThan(0);
    for (const left of ['payments/', 'gateways/stripe.ts', 'notify/', 'users/']) {
      expect(files.filter((f) => f.startsWith(left))).toEqual([]);
    }
    expect(files).toContain('checkout.ts');
  });

  it('office run: search_code leaves excluded files out too (flag and config alike)', async () => {
    const all = await office(['run', '--offline', 'find chargeCard in src']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('src/legacy/card.ts');
    expect(all.stdout).toContain('src/payments/card.ts');

    const flag = await office(['run', '--offline', '--exclude', 'legacy/', 'find chargeCard in src']);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout).toContain('src/payments/card.ts');
    expect(flag.stdout).not.toMatch(/^src\/legacy\//m);

    await writeConfig(ws, { code: { exclude: ['payments/'] } });
    const config = await office(['run', '--offline', 'find chargeCard in src']);
    expect(config.code, config.stderr).toBe(0);
    expect(config.stdout).toContain('src/legacy/card.ts');
    // (a match elsewhere may quote an import of '../payments/index.js': only the files matter)
    expect(config.stdout).not.toMatch(/^src\/payments\//m);
  });

  it('an empty rule is a usage error', async () => {
    const run = await office(['trace', 'checkout', 'chargeCard', '--exclude', ' ']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--exclude " " is not a rule');
  });
});
