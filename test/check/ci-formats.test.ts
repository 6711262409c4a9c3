// office check in CI: `--format github` (annotations at each witness's first call, and a step summary appended to
// $GITHUB_STEP_SUMMARY) through the real binary, and `--format sarif` checked against the SARIF 2.1.0 JSON schema.
import { cp, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import addFormatsModule from 'ajv-formats';
import type { Log } from 'sarif';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

const require = createRequire(import.meta.url);
/** ajv-draft-04 is CommonJS: `require` gives its class (module.exports), typed as the module's `default`. */
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04')['default'];
type Ajv = InstanceType<typeof Ajv>;
/** ajv-formats is CommonJS; its default export is the plugin under either interop. */
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let ws: TempWorkspace;

const RULES = [
  {
    name: 'ui-no-db',
    rule: 'forbid',
    from: 'src/ui/**',
    to: 'src/db/**',
    except: 'src/repos/**',
    description: 'UI code reaches the database only through the repositories.',
  },
  { name: 'ui-no-payments', rule: 'forbid', from: 'src/ui/**', to: 'src/payments/**' },
  { name: 'checkout-charges', rule: 'require', from: 'checkout', to: 'src/payments/card.ts:chargeCard' },
];

/** The repository holds the shop in app/; saveDraft now schedules a job that writes to the database. */
beforeEach(async () => {
  ws = await makeWorkspace('office-check-ci-');
  await mkdir(ws.path('.git'));
  await cp(join(FIXTURES, 'check-shop', 'src'), ws.path('app/src'), { recursive: true });
  const drafts = await ws.read('app/src/ui/drafts.ts');
  await ws.write(
    'app/src/ui/drafts.ts',
    `import { schedule } from '../jobs/flush.js';\n${drafts.replace('  repo.save(id);\n', '  repo.save(id);\n  schedule();\n')}`,
  );
  await ws.write('app/.office.config.json', JSON.stringify({ checks: RULES }, null, 2));
});

afterEach(async () => {
  await ws.cleanup();
});

describe('office check --format github', () => {
  it('annotates the first call of each witness path and appends a summary with a Mermaid diagram per violation', async () => {
    const summaryFile = await ws.write('step-summary.md', '## tests\n\nall green\n');
    const run = await runOffice(['check', '--dir', 'app', '--format', 'github'], {
      cwd: ws.root,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: ws.root },
    });
    expect(run.code, run.stderr).toBe(1);
    // Paths in annotations are from the repository root (GITHUB_WORKSPACE), the checked folder being app/.
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::'))).toEqual([
      '::error file=app/src/ui/drafts.ts,line=8,col=3,title=office check%3A ui-no-db::' +
        'saveDraft (src/ui/drafts.ts:6) reaches query (src/db/query.ts:1) in 4 calls' +
        '%0Apath: saveDraft → schedule → setTimeout → flush → query' +
        '%0AUI code reaches the database only through the repositories.',
      '::warning file=app/src/ui/widget.ts,line=3,col=10,title=office check%3A ui-no-payments::' +
        'payFromWidget (src/ui/widget.ts:2) reaches PaymentService.pay (src/payments/service.ts:4) in 1 call, ' +
        'through a call matched by name only (src/ui/widget.ts:3)%0Apath: payFromWidget → PaymentService.pay',
    ]);
    // The log also gets the readable report.
    expect(run.stdout).toContain('✗ ui-no-db  forbid src/ui/** → src/db/** except src/repos/**\n');

    const summary = await readFile(summaryFile, 'utf8');
    expect(
      summary.startsWith(
        '## tests\n\nall green\n\n## office check: 3 rules: 1 violated, 1 with warnings, 1 holds\n',
      ),
    ).toBe(true);
    expect(summary).toContain(
      [
        '| rule | what | result |',
        '|---|---|---|',
        '| `ui-no-db` | `forbid src/ui/** → src/db/** except src/repos/**` | ❌ violated (1 violation) |',
        '| `ui-no-payments` | `forbid src/ui/** → src/payments/**` | ⚠️ warning (1 violation) |',
        '| `checkout-charges` | `require checkout → src/payments/card.ts:chargeCard` | ✅ holds |',
      ].join('\n'),
    );
    expect(summary).toContain(
      [
        '```mermaid',
        'flowchart LR',
        '  h0["saveDraft<br/>src/ui/drafts.ts:6"]',
        '  h1["schedule<br/>src/jobs/flush.ts:7"]',
        '  h2["setTimeout<br/>(library code)"]',
        '  h3["flush<br/>src/jobs/flush.ts:3"]',
        '  h4["query<br/>src/db/query.ts:1"]',
        '  h0 -->|"src/ui/drafts.ts:8 direct"| h1',
        '  h1 -->|"src/jobs/flush.ts:8 external"| h2',
        '  h2 -->|"src/jobs/flush.ts:8 callback"| h3',
        '  h3 -->|"src/jobs/flush.ts:4 direct"| h4',
        '```',
      ].join('\n'),
    );
    // A call matched by name only is drawn dotted.
    expect(summary).toContain('  h0 -.->|"src/ui/widget.ts:3 heuristic"| h1\n');
    expect(summary).toContain('Also reached this way from: `Button.onClick` (src/ui/button.ts:5)');
    expect(summary.match(/```mermaid/g)).toHaveLength(2);
  });

  it('is the default format under GitHub Actions, and passes when only warnings remain', async () => {
    const drafts = await ws.read('app/src/ui/drafts.ts');
    await ws.write('app/src/ui/drafts.ts', drafts.replace('  schedule();\n', ''));
    const summaryFile = ws.path('step-summary.md');
    const run = await runOffice(['check', '--dir', 'app'], {
      cwd: ws.root,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::'))).toEqual([
      expect.stringMatching(
        /^::warning file=src\/ui\/widget\.ts,line=3,col=10,title=office check%3A ui-no-payments::/,
      ),
    ]);
    expect(await readFile(summaryFile, 'utf8')).toContain(
      '## office check: 3 rules: 0 violated, 1 with warnings, 2 hold\n',
    );
  });
});

describe('office check --format sarif', () => {
  it('prints a log that validates against the SARIF 2.1.0 schema, one result per violation with its code flow', async () => {
    const run = await runOffice(['check', '--dir', 'app', '--format', 'sarif'], { cwd: ws.root });
    expect(run.code, run.stderr).toBe(1);
    const log = JSON.parse(run.stdout) as Log;

    const schema = JSON.parse(
      await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    // The schema's language pattern (`^[a-zA-Z]{2}|...]?$`) is not valid with the `u` flag ajv uses by default.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The validator does reject what the schema forbids (a level SARIF does not have).
    const wrongLevel = structuredClone(log);
    wrongLevel.runs[0]!.results![0]!.level = 'fatal' as 'error';
    expect(validate(wrongLevel)).toBe(false);

    const [sarifRun] = log.runs;
    expect(sarifRun?.tool.driver.rules?.map((r) => r.id)).toEqual([
      'ui-no-db',
      'ui-no-payments',
      'checkout-charges',
    ]);
    expect(
      sarifRun?.results?.map((r) => {
        const where = r.locations?.[0]?.physicalLocation;
        return `${r.ruleId} ${r.level} ${where?.artifactLocation?.uri}:${where?.region?.startLine}:${where?.region?.startColumn}`;
      }),
    ).toEqual(['ui-no-db error src/ui/drafts.ts:8:3', 'ui-no-payments warning src/ui/widget.ts:3:10']);
    const flow = sarifRun?.results?.[0]?.codeFlows?.[0]?.threadFlows[0]?.locations.map(
      (l) =>
        `${l.location?.physicalLocation?.artifactLocation?.uri ?? '-'}:${l.location?.physicalLocation?.region?.startLine ?? '-'} ${l.location?.message?.text}`,
    );
    expect(flow).toEqual([
      'src/ui/drafts.ts:6 saveDraft',
      'src/ui/drafts.ts:8 calls schedule [direct]',
      'src/jobs/flush.ts:8 calls setTimeout [external]',
      'src/jobs/flush.ts:8 calls flush [callback]',
      'src/jobs/flush.ts:4 calls query [direct]',
    ]);
    expect(sarifRun?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${ws.path('app')}/`);
  });
});
