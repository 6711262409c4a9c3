// office check on a small shop (test/fixtures/check-shop): each rule kind holds on the tree as it is and is broken on
// an edited copy, reported with its exact witness path; the fixture's decoys (same-named functions) break nothing.
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CheckReport, checkReportSchema, type ViolationJson } from '../../src/check/report.js';
import { checkCommand } from '../../src/cli/commands/check.js';
import { ConfigError, EXIT } from '../../src/errors.js';
import { FIXTURES, makeWorkspace, runOffice, type TempWorkspace, writeConfig } from '../helpers/workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace('office-check-');
  await mkdir(ws.path('.git'));
  await cp(join(FIXTURES, 'check-shop', 'src'), ws.path('src'), { recursive: true });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await ws.cleanup();
});

/** Runs `office check --format json` in process on the workspace with these rules. */
async function check(checks: unknown[]): Promise<{ code: number; report: CheckReport }> {
  await writeConfig(ws, { checks });
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const code = await checkCommand({ dir: ws.root, format: 'json' }, { env: {} });
  vi.restoreAllMocks();
  return { code, report: checkReportSchema.parse(JSON.parse(out)) };
}

/** A witness hop by hop: symbol and place, then the call that reached it (file:line:column, code, edge kind). */
function witness(violation: ViolationJson): string[] {
  return violation.hops.map((hop) => {
    const place = hop.file === '' ? '(library code)' : `${hop.file}:${hop.line}`;
    return hop.call
      ? `${hop.qualified_name} ${place} <- ${hop.call.file}:${hop.call.line}:${hop.call.column} ${hop.call.text} [${hop.edge}]`
      : `${hop.qualified_name} ${place}`;
  });
}

const onlyRule = (report: CheckReport) => {
  expect(report.rules).toHaveLength(1);
  return report.rules[0]!;
};

describe('forbid', () => {
  const rules = [
    {
      name: 'ui-no-db',
      rule: 'forbid',
      from: 'src/ui/**',
      to: 'src/db/**',
      except: 'src/repos/**',
      description: 'UI code reaches the database only through the repositories.',
    },
    { name: 'ui-jobs-no-db', rule: 'forbid', from: 'src/ui/**', to: 'src/db/**', via: 'src/jobs/**' },
  ];
  const scheduleFromDrafts = () =>
    ws.write(
      'src/ui/drafts.ts',
      [
        "import { schedule } from '../jobs/flush.js';",
        "import { OrderRepo } from '../repos/order-repo.js';",
        '',
        'const repo = new OrderRepo();',
        '',
        'export function saveDraft(id: string): void {',
        '  repo.save(id);',
        '  schedule();',
        '}',
        '',
      ].join('\n'),
    );

  it('holds where the UI reaches the database only through a repository (its own query() is not the database)', async () => {
    const { code, report } = await check(rules);
    expect(report.rules.map((r) => [r.name, r.status])).toEqual([
      ['ui-no-db', 'holds'],
      ['ui-jobs-no-db', 'holds'],
    ]);
    expect(report.status).toBe('passed');
    expect(code).toBe(EXIT.ok);
  });

  it('is judged on the cached index the second time, the tree unchanged', async () => {
    expect((await check(rules)).report.stats.cache).toBe('miss');
    const again = await check(rules);
    expect(again.report.stats.cache).toBe('hit');
    expect(again.report.rules.map((r) => r.status)).toEqual(['holds', 'holds']);
  });

  it('is violated by a path through a job handed to setTimeout, reported once at the UI symbol nearest to it', async () => {
    await scheduleFromDrafts();
    const { code, report } = await check(rules);
    expect(code).toBe(EXIT.failed);
    expect(report.status).toBe('failed');
    for (const rule of report.rules) {
      expect(rule.status).toBe('violated');
      expect(rule.violations).toHaveLength(1);
      const violation = rule.violations[0]!;
      expect(violation.severity).toBe('error');
      expect(witness(violation)).toEqual([
        'saveDraft src/ui/drafts.ts:6',
        'schedule src/jobs/flush.ts:7 <- src/ui/drafts.ts:8:3 schedule(); [direct]',
        'setTimeout (library code) <- src/jobs/flush.ts:8:3 setTimeout(flush, 100); [external]',
        'flush src/jobs/flush.ts:3 <- src/jobs/flush.ts:8:3 setTimeout(flush, 100); [callback]',
        "query src/db/query.ts:1 <- src/jobs/flush.ts:4:3 query('delete from drafts'); [direct]",
      ]);
      // Button.onClick reaches the database through saveDraft: fixing saveDraft fixes it.
      expect(violation.also_from.map((s) => s.qualified_name)).toEqual(['Button.onClick']);
    }
    expect(report.rules[0]!.violations[0]!.message).toBe(
      'saveDraft (src/ui/drafts.ts:6) reaches query (src/db/query.ts:1) in 4 calls',
    );
  });

  it('lets a path through an excepted symbol pass, and a via rule ignore paths that avoid its via set', async () => {
    await scheduleFromDrafts();
    const { code, report } = await check([
      {
        name: 'ui-no-db',
        rule: 'forbid',
        from: 'src/ui/**',
        to: 'src/db/**',
        except: ['src/repos/**', 'flush'],
      },
      { name: 'ui-repos-no-db', rule: 'forbid', from: 'src/ui/**', to: 'src/db/**', via: 'OrderRepo.save' },
    ]);
    expect(report.rules[0]!.status).toBe('holds');
    const viaRepo = report.rules[1]!;
    expect(viaRepo.status).toBe('violated');
    expect(witness(viaRepo.violations[0]!)).toEqual([
      'saveDraft src/ui/drafts.ts:6',
      'OrderRepo.save src/repos/order-repo.ts:4 <- src/ui/drafts.ts:7:8 repo.save(id); [method]',
      "query src/db/query.ts:1 <- src/repos/order-repo.ts:5:5 query('insert into orders values ' + id); [direct]",
    ]);
    expect(code).toBe(EXIT.failed);
  });
});

describe('require', () => {
  const rules = [
    { name: 'checkout-charges', rule: 'require', from: 'checkout', to: 'src/payments/card.ts:chargeCard' },
  ];

  it('holds while checkout reaches the card code', async () => {
    const { code, report } = await check(rules);
    expect(onlyRule(report).status).toBe('holds');
    expect(code).toBe(EXIT.ok);
  });

  it('is violated when the service calls the legacy chargeCard of the same name instead', async () => {
    const service = await ws.read('src/payments/service.ts');
    await ws.write(
      'src/payments/service.ts',
      service.replace("from './card.js'", "from '../legacy/card.js'"),
    );
    const { code, report } = await check(rules);
    const rule = onlyRule(report);
    expect(rule.status).toBe('violated');
    expect(rule.violations).toEqual([
      {
        severity: 'error',
        message: 'no call path from checkout to src/payments/card.ts:chargeCard',
        from: {
          name: 'checkout',
          qualified_name: 'checkout',
          kind: 'function',
          file: 'src/checkout.ts',
          line: 5,
        },
        to: null,
        hops: [],
        also_from: [],
      },
    ]);
    expect(code).toBe(EXIT.failed);
  });
});

describe('only-through', () => {
  const rules = [
    {
      name: 'charge-through-service',
      rule: 'only-through',
      to: 'src/payments/card.ts:chargeCard',
      through: 'PaymentService.*',
    },
  ];

  it('holds while only PaymentService calls the card code (legacy billing calls a chargeCard of its own)', async () => {
    const { code, report } = await check(rules);
    expect(onlyRule(report).status).toBe('holds');
    expect(code).toBe(EXIT.ok);
  });

  it('is violated by a refund that charges the card directly, reported where the shortcut is', async () => {
    await ws.write(
      'src/admin/refunds.ts',
      "import { chargeCard } from '../payments/card.js';\n\nexport function refundAll(ids: number[]): void {\n  for (const id of ids) chargeCard(-id);\n}\n",
    );
    await ws.write(
      'src/admin/panel.ts',
      "import { refundAll } from './refunds.js';\n\nexport function closeDay(): void {\n  refundAll([1, 2]);\n}\n",
    );
    const { code, report } = await check(rules);
    const rule = onlyRule(report);
    expect(rule.status).toBe('violated');
    expect(rule.violations).toHaveLength(1);
    expect(witness(rule.violations[0]!)).toEqual([
      'refundAll src/admin/refunds.ts:3',
      'chargeCard src/payments/card.ts:1 <- src/admin/refunds.ts:4:25 for (const id of ids) chargeCard(-id); [direct]',
    ]);
    expect(rule.violations[0]!.message).toBe(
      'refundAll (src/admin/refunds.ts:3) reaches chargeCard (src/payments/card.ts:1) in 1 call without passing through PaymentService.*',
    );
    expect(rule.violations[0]!.also_from.map((s) => `${s.qualified_name} ${s.file}`)).toEqual([
      'closeDay src/admin/panel.ts',
    ]);
    expect(code).toBe(EXIT.failed);
  });
});

describe('max-depth', () => {
  const rules = [
    { name: 'shallow-db', rule: 'max-depth', from: 'Button.onClick', to: 'src/db/query.ts:query', max: 3 },
  ];

  it('holds while the button reaches the database in three calls', async () => {
    const { code, report } = await check(rules);
    expect(onlyRule(report).status).toBe('holds');
    expect(code).toBe(EXIT.ok);
  });

  it('is violated when the repository adds a layer, with the shortest path as witness', async () => {
    await ws.write(
      'src/repos/order-repo.ts',
      [
        "import { query } from '../db/query.js';",
        '',
        'export class OrderRepo {',
        '  save(id: string): void {',
        '    this.write(id);',
        '  }',
        '',
        '  write(id: string): void {',
        "    query('insert into orders values ' + id);",
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const { code, report } = await check(rules);
    const rule = onlyRule(report);
    expect(rule.status).toBe('violated');
    expect(rule.violations[0]!.message).toBe(
      'Button.onClick (src/ui/button.ts:5) reaches query (src/db/query.ts:1) in 4 calls at the shortest; at most 3 allowed',
    );
    expect(witness(rule.violations[0]!)).toEqual([
      'Button.onClick src/ui/button.ts:5',
      'saveDraft src/ui/drafts.ts:5 <- src/ui/button.ts:6:40 if (query(id, items).length === 0) saveDraft(id); [direct]',
      'OrderRepo.save src/repos/order-repo.ts:4 <- src/ui/drafts.ts:6:8 repo.save(id); [method]',
      'OrderRepo.write src/repos/order-repo.ts:8 <- src/repos/order-repo.ts:5:10 this.write(id); [method]',
      "query src/db/query.ts:1 <- src/repos/order-repo.ts:9:5 query('insert into orders values ' + id); [direct]",
    ]);
    expect(code).toBe(EXIT.failed);
  });
});

describe('calls matched by name only', () => {
  const rule = (heuristic?: string) => ({
    name: 'ui-no-payments',
    rule: 'forbid',
    from: 'src/ui/**',
    to: 'src/payments/**',
    ...(heuristic ? { heuristic } : {}),
  });

  it('make a violation a warning that does not fail the check', async () => {
    const { code, report } = await check([rule()]);
    const only = onlyRule(report);
    expect(only.status).toBe('warning');
    expect(only.violations[0]!.severity).toBe('warning');
    expect(witness(only.violations[0]!)).toEqual([
      'payFromWidget src/ui/widget.ts:2',
      'PaymentService.pay src/payments/service.ts:4 <- src/ui/widget.ts:3:10 widget.pay(1); [heuristic]',
    ]);
    expect(only.violations[0]!.message).toContain('through a call matched by name only (src/ui/widget.ts:3)');
    expect(report.status).toBe('passed');
    expect(code).toBe(EXIT.ok);
  });

  it('fail the check with heuristic: error, and are left out with heuristic: ignore', async () => {
    const strict = await check([rule('error')]);
    expect(onlyRule(strict.report).status).toBe('violated');
    expect(strict.code).toBe(EXIT.failed);

    const lenient = await check([rule('ignore')]);
    expect(onlyRule(lenient.report).status).toBe('holds');
    expect(onlyRule(lenient.report).notes).toEqual([
      '1 path through a call matched by name only ignored (heuristic: ignore), e.g. at src/ui/widget.ts:3',
    ]);
    expect(lenient.code).toBe(EXIT.ok);
  });
});

describe('a bad rule', () => {
  const rejects = async (checks: unknown[], message: string) => {
    await writeConfig(ws, { checks });
    const run = checkCommand({ dir: ws.root, format: 'json' }, { env: {} });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(message);
  };

  it('names its field: a wrong kind, a missing or empty selector, a field another kind has, a bad bound', async () => {
    await rejects([], 'no "checks" to evaluate');
    await rejects(
      [{ rule: 'forbids', from: 'a', to: 'b' }],
      'field "checks.0.rule": one of forbid, require, only-through, max-depth',
    );
    await rejects([{ rule: 'forbid', from: 'src/ui/**' }], 'field "checks.0.to": required: a symbol');
    await rejects([{ rule: 'forbid', from: 'src/ui/**', to: [] }], 'field "checks.0.to": give at least one');
    await rejects(
      [{ rule: 'require', from: 'a', to: 'src/a.ts:' }],
      'field "checks.0.to": "src/a.ts:" has no name',
    );
    await rejects([{ rule: 'require', from: 'a', to: 'b', via: 'c' }], 'unknown field "via" in checks.0');
    await rejects([{ rule: 'max-depth', from: 'a', to: 'b', max: 0 }], 'field "checks.0.max"');
    await rejects(
      [
        { name: 'same', rule: 'require', from: 'a', to: 'b' },
        { name: 'same', rule: 'require', from: 'a', to: 'b' },
      ],
      'field "checks.1.name": "same" names checks.0 too',
    );
  });

  it('names the selector that selects nothing in the index, with the closest names', async () => {
    await rejects(
      [
        { rule: 'require', from: 'checkout', to: 'chargeCard' },
        { rule: 'forbid', from: 'src/ui/**', to: ['src/db/**', 'src/dbb/**'] },
      ],
      'field "checks.1.to.1": "src/dbb/**" selects nothing: no indexed file matches "src/dbb/**"',
    );
    await rejects(
      [{ rule: 'require', from: 'chekout', to: 'chargeCard' }],
      'field "checks.0.from": "chekout" selects nothing: no symbol "chekout"; closest: checkout',
    );
    await rejects(
      [{ rule: 'forbid', from: 'src/db/**', to: 'src/db/**' }],
      'field "checks.0.from": every symbol it selects is selected by "to" too',
    );
  });

  it('exits 2 from the binary, with the field on stderr', async () => {
    await writeConfig(ws, { checks: [{ rule: 'only-through', to: 'chargeCard' }] });
    const run = await runOffice(['check', '--dir', ws.root], { cwd: ws.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('field "checks.0.through": required');
    expect(run.stdout).toBe('');
  });
});
