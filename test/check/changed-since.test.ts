// office check --changed-since REF on a real git repository (the git CLI): rules that the changed files cannot
// affect are skipped with the reason; rules they can affect are checked, uncommitted and untracked files included.
import { execFile } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CheckReport, checkReportSchema } from '../../src/check/report.js';
import { FIXTURES, makeWorkspace, runOffice, type TempWorkspace, writeConfig } from '../helpers/workspace.js';

const exec = promisify(execFile);
let ws: TempWorkspace;

async function git(...args: string[]): Promise<string> {
  const { stdout } = await exec(
    'git',
    [
      '-c',
      'user.name=office test',
      '-c',
      'user.email=test@example.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: ws.root },
  );
  return stdout;
}

const RULES = [
  { name: 'ui-no-db', rule: 'forbid', from: 'src/ui/**', to: 'src/db/**', except: 'src/repos/**' },
  {
    name: 'charge-through-service',
    rule: 'only-through',
    to: 'src/payments/card.ts:chargeCard',
    through: 'PaymentService.*',
  },
  { name: 'checkout-charges', rule: 'require', from: 'checkout', to: 'src/payments/card.ts:chargeCard' },
];

/** The shop committed on main, then a branch `feature` checked out. */
beforeEach(async () => {
  ws = await makeWorkspace('office-check-git-');
  await cp(join(FIXTURES, 'check-shop', 'src'), ws.path('src'), { recursive: true });
  await writeConfig(ws, { checks: RULES });
  await ws.write('.gitignore', '.office/\n');
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-q', '-m', 'shop');
  await git('checkout', '-q', '-b', 'feature');
});

afterEach(async () => {
  await ws.cleanup();
});

async function checkChangedSince(ref: string, format = 'json') {
  return runOffice(['check', '--changed-since', ref, '--format', format], { cwd: ws.root });
}

const statuses = (report: CheckReport) => report.rules.map((rule) => `${rule.name} ${rule.status}`);

describe('office check --changed-since', () => {
  it('skips the rules no changed file can affect, and says why', async () => {
    const billing = await ws.read('src/legacy/billing.ts');
    await ws.write(
      'src/legacy/billing.ts',
      billing.replace('return chargeCard(amount);', 'return chargeCard(amount * 2);'),
    );
    await git('commit', '-q', '-am', 'bill twice');

    const run = await checkChangedSince('main');
    expect(run.code, run.stderr).toBe(0);
    const report = checkReportSchema.parse(JSON.parse(run.stdout));
    expect(report.changed_since?.files).toEqual(['src/legacy/billing.ts']);
    expect(report.changed_since?.base).toBe((await git('rev-parse', 'main')).trim());
    expect(report.rules.map((rule) => [rule.name, rule.status, rule.reason])).toEqual([
      [
        'ui-no-db',
        'skipped',
        'none of the 1 file changed since main holds a symbol on a call path from "from" to "to"',
      ],
      [
        'charge-through-service',
        'skipped',
        'none of the 1 file changed since main holds a symbol on a call path from "from" to "to"',
      ],
      [
        'checkout-charges',
        'skipped',
        'none of the 1 file changed since main holds a symbol reachable from "from" or reaching "to"',
      ],
    ]);

    const text = await checkChangedSince('main', 'text');
    expect(text.stdout).toContain(
      '- checkout-charges  require checkout → src/payments/card.ts:chargeCard\n' +
        '  skipped: none of the 1 file changed since main holds a symbol reachable from "from" or reaching "to"\n',
    );
  });

  it('checks the rules a change can affect, counting uncommitted edits and untracked files', async () => {
    // Legacy billing now charges through the real card code, bypassing PaymentService (not committed).
    const billing = await ws.read('src/legacy/billing.ts');
    await ws.write(
      'src/legacy/billing.ts',
      billing.replace("from './card.js'", "from '../payments/card.js'"),
    );
    await ws.write(
      'src/admin/refunds.ts',
      "import { chargeCard } from '../payments/card.js';\n\nexport function refund(id: number): string {\n  return chargeCard(-id);\n}\n",
    );

    const run = await checkChangedSince('main');
    expect(run.code, run.stderr).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(run.stdout));
    expect(report.changed_since?.files).toEqual(['src/admin/refunds.ts', 'src/legacy/billing.ts']);
    expect(statuses(report)).toEqual([
      'ui-no-db skipped',
      'charge-through-service violated',
      'checkout-charges holds',
    ]);
    expect(report.rules[1]!.violations.map((v) => v.hops.map((h) => h.qualified_name).join(' → '))).toEqual([
      'refund → chargeCard',
      'bill → chargeCard',
    ]);
  });

  it('checks every rule when a file that decides resolution changed or a source file was deleted', async () => {
    await ws.write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
    await rm(ws.path('src/ui/search.ts'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'tsconfig; search goes');

    const run = await checkChangedSince('main');
    const report = checkReportSchema.parse(JSON.parse(run.stdout));
    expect(report.changed_since?.checked_all).toEqual([
      'src/ui/search.ts was deleted',
      'tsconfig.json changed (it decides how calls resolve)',
    ]);
    expect(statuses(report)).toEqual([
      'ui-no-db holds',
      'charge-through-service holds',
      'checkout-charges holds',
    ]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('refuses a ref git does not know, before indexing (exit 2)', async () => {
    const run = await checkChangedSince('no-such-branch');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--changed-since: git finds no common commit of "no-such-branch" and HEAD');
    expect(run.stdout).toBe('');
  });
});
