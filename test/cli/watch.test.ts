// Watch mode end to end: the real binary as a child, real edits in a temp folder. It answers again after an edit that
// adds a hop and after one that takes it away, says what changed, and ends with exit 0 on SIGINT (Ctrl-C).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerChanges } from '../../src/code/answer-changes.js';
import type { NeighboursResult } from '../../src/code/service.js';
import {
  killStrayOffices,
  makeWorkspace,
  type RunningOffice,
  startOffice,
  type TempWorkspace,
  waitFor,
} from '../helpers/workspace.js';

/** Generous: two cores shared with the rest of the suite; each wait ends as soon as the output is there. */
const WAIT_MS = 60_000;

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace('office-watch-');
  await ws.write('.office.config.json', '{}\n');
  await ws.write(
    'src/checkout.ts',
    "import { pay } from './pay.js';\n\nexport function checkout(): void {\n  pay();\n}\n",
  );
  await ws.write(
    'src/pay.ts',
    "import { charge } from './charge.js';\n\nexport function pay(): void {\n  charge();\n}\n",
  );
  await ws.write('src/charge.ts', 'export function charge(): void {}\n');
  await ws.write(
    'src/audit.ts',
    "import { charge } from './charge.js';\n\nexport function audit(): void {\n  charge();\n}\n",
  );
});

afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

/** pay calls charge through audit (a hop more), or directly. */
const payThroughAudit = () =>
  ws.write(
    'src/pay.ts',
    "import { audit } from './audit.js';\n\nexport function pay(): void {\n  audit();\n}\n",
  );
const payDirectly = () =>
  ws.write(
    'src/pay.ts',
    "import { charge } from './charge.js';\n\nexport function pay(): void {\n  charge();\n}\n",
  );

function watching(args: string[]): RunningOffice {
  return startOffice([...args, '--dir', 'src', '--watch'], {
    cwd: ws.root,
    env: { NO_COLOR: '1' },
    timeoutMs: 5 * WAIT_MS,
  });
}

const ready = (office: RunningOffice) =>
  waitFor(() => office.stderr().includes('Ctrl-C to stop'), 'watching to start', WAIT_MS);

async function interrupt(office: RunningOffice) {
  office.child.kill('SIGINT');
  return office.done;
}

describe('office trace --watch', () => {
  it('answers again after an edit adds a hop and after one removes it, then exits 0 on SIGINT', {
    timeout: 4 * WAIT_MS,
  }, async () => {
    const office = watching(['trace', 'checkout', 'charge']);
    await ready(office);
    expect(office.stdout()).toContain('checkout → charge: 1 call path\n  1. checkout  src/checkout.ts:3\n');

    await payThroughAudit();
    await waitFor(
      () => office.stdout().includes('  + path checkout → pay → audit → charge  src/checkout.ts:3'),
      'the answer with the hop added',
      WAIT_MS,
    );
    const added = office.stdout().slice(office.stdout().lastIndexOf('── '));
    expect(added).toMatch(/^── \d\d:\d\d:\d\d · changed: src\/pay\.ts ──\nchanges since the last answer:\n/);
    expect(added).toContain('  - path checkout → pay → charge  src/checkout.ts:3\n');
    expect(added).toContain('  3. audit  src/audit.ts:3\n');

    await payDirectly();
    await waitFor(
      () => office.stdout().includes('  - path checkout → pay → audit → charge  src/checkout.ts:3'),
      'the answer with the hop removed',
      WAIT_MS,
    );
    expect(office.stdout().slice(office.stdout().lastIndexOf('── '))).toContain(
      '  + path checkout → pay → charge  src/checkout.ts:3\n',
    );

    const end = await interrupt(office);
    expect(end.signal, end.stderr).toBeNull();
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).not.toMatch(/internal error|still watching/);
  });
});

describe('office callers --watch --json', () => {
  it('prints one JSON object per answer, with what changed in the tree', {
    timeout: 4 * WAIT_MS,
  }, async () => {
    const office = watching(['callers', 'charge', '--json']);
    await ready(office);
    const answers = () =>
      office
        .stdout()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(
          (line) =>
            JSON.parse(line) as {
              changed_files: string[];
              changes: AnswerChanges | null;
              result: NeighboursResult;
            },
        );
    const [first] = answers();
    expect(first?.changes).toBeNull();
    expect(first?.result.tree?.children.map((c) => c.qualified_name)).toEqual(['audit', 'pay']);

    await payThroughAudit();
    const second = await waitFor(() => answers()[1], 'the second answer', WAIT_MS);
    expect(second.changed_files).toEqual(['pay.ts']);
    expect(second.changes?.removed).toEqual([
      'caller charge ← pay  pay.ts:3',
      'caller charge ← pay ← checkout  checkout.ts:3',
    ]);
    expect(second.changes?.added).toEqual([
      'caller charge ← audit ← pay  pay.ts:3',
      'caller charge ← audit ← pay ← checkout  checkout.ts:3',
    ]);

    await payDirectly();
    const third = await waitFor(() => answers()[2], 'the third answer', WAIT_MS);
    expect(third.changes?.added).toEqual(second.changes?.removed);
    expect(third.changes?.removed).toEqual(second.changes?.added);

    const end = await interrupt(office);
    expect(end.code, end.stderr).toBe(0);
  });
});
