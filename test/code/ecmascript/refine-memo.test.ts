// Refinement across edits: the checker's answers for pending calls are remembered and reused on the next link only
// where the call's file is unchanged and everything it imports keeps its type surface; everywhere else the checker
// is asked again, and what refinement finds is always what a cold refinement of the same tree finds. Real link, real TypeScript
// checker; the checker is wrapped only to record which calls it was asked about.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsChecker } from '../../../src/code/ecmascript/checker.js';
import { extractFacts } from '../../../src/code/ecmascript/extract.js';
import { LinkedProgram } from '../../../src/code/ecmascript/link.js';
import { Refiner } from '../../../src/code/ecmascript/refiner.js';
import type { CallEdge } from '../../../src/code/model.js';
import { formatEdge, sourceFile } from './fixture-graph.js';

const TREE: Record<string, string> = {
  'jobs.ts': `export interface Job {
  run(): void;
}
export class Email implements Job {
  run(): void {
    send();
  }
}
export function send(): void {}
`,
  'queue.ts': `import type { Job } from './jobs';
export class Queue {
  constructor(readonly jobs: Job[]) {}
  drain(): void {
    this.jobs.forEach((job) => job.run());
  }
}
`,
  'report.ts': `import { Email } from './jobs';
export function audit(): number {
  return 1;
}
export function report(list: Email[]): void {
  list.forEach((email) => email.run());
}
`,
  // No annotated return type: the call is in no sealed body, so any edit of the file asks again.
  'legacy.ts': `import { Email } from './jobs';
export function legacy(list: Email[]) {
  list.forEach((email) => email.run());
}
`,
};

const SMS = `import type { Job } from './jobs';
export class Sms implements Job {
  run(): void {}
}
`;

/** Every symbol with pending calls in TREE: refining outgoing from these resolves them all. */
const CALLERS = ['queue.ts#Queue.drain', 'report.ts#report', 'legacy.ts#legacy'];

let root: string;
beforeAll(async () => {
  // An empty directory: module resolution reads config files from the root up, and finds none here.
  root = await mkdtemp(join(tmpdir(), 'office-refine-memo-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Refined {
  edges: string[];
  /** Pending calls the checker was asked about, as `file@offset`. */
  checked: string[];
  memo: unknown;
}

/** Links `tree`, refines every caller's pending calls with `memo` from an earlier link, and records the checker's work. */
async function refine(tree: Record<string, string>, memo?: unknown): Promise<Refined> {
  const inputs = Object.entries(tree).map(([path, text]) => {
    const file = sourceFile(root, path, text);
    return { file, facts: extractFacts(text, path) };
  });
  const program = await LinkedProgram.create(inputs, { root, readText: (path) => tree[path] ?? '' });
  const checked: string[] = [];
  const refiner = new Refiner(program, memo, async (linked) => {
    const checker = new TsChecker(linked);
    return {
      declarations: (sites) => {
        checked.push(...sites.map((site) => site.id));
        return checker.declarations(sites);
      },
    };
  });
  const edges: CallEdge[] = await refiner.refine({ outgoingFrom: CALLERS });
  return { edges: edges.map(formatEdge).sort(), checked: checked.sort(), memo: refiner.memo() };
}

/** Through JSON, as the memo is stored between processes. */
function stored(memo: unknown): unknown {
  return JSON.parse(JSON.stringify(memo));
}

describe('refinement memo across edits (JS/TS)', () => {
  it('answers every pending call of an unchanged tree from the memo, without the checker', async () => {
    const cold = await refine(TREE);
    expect(cold.checked).toHaveLength(3);
    expect(cold.edges).toEqual(
      [
        `queue.ts#Queue.drain -> jobs.ts#Email.run [dispatch] :5`,
        `report.ts#report -> jobs.ts#Email.run [method] :6`,
        `legacy.ts#legacy -> jobs.ts#Email.run [method] :3`,
      ].sort(),
    );
    const warm = await refine(TREE, stored(cold.memo));
    expect(warm.checked).toEqual([]);
    expect(warm.edges).toEqual(cold.edges);
  });

  it('asks again for a call whose enclosing body changed, and only for it', async () => {
    const cold = await refine(TREE);
    const edited = {
      ...TREE,
      'report.ts': TREE['report.ts']!.replace(
        '  list.forEach',
        '  if (list.length === 0) return;\n  list.forEach',
      ),
    };
    const after = await refine(edited, stored(cold.memo));
    expect(after.checked).toEqual([expect.stringMatching(/^report\.ts@/)]);
    expect(after.edges).toEqual((await refine(edited)).edges);
  });

  it('keeps the answer for a call in a sealed body when its file changes elsewhere and moves it', async () => {
    const cold = await refine(TREE);
    const edited = {
      ...TREE,
      'report.ts': TREE['report.ts']!.replace('  return 1;', '  // one\n  return 2;'),
    };
    const after = await refine(edited, stored(cold.memo));
    expect(after.checked).toEqual([]);
    expect(after.edges).toContain('report.ts#report -> jobs.ts#Email.run [method] :7');
    expect(after.edges).toEqual((await refine(edited)).edges);
  });

  it('asks again for a call in no sealed body after any edit of its file', async () => {
    const cold = await refine(TREE);
    const edited = { ...TREE, 'legacy.ts': `${TREE['legacy.ts']}// reviewed\n` };
    const after = await refine(edited, stored(cold.memo));
    expect(after.checked).toEqual([expect.stringMatching(/^legacy\.ts@/)]);
    expect(after.edges).toEqual((await refine(edited)).edges);
  });

  it('keeps the answers when an imported file changes only in comments and annotated bodies', async () => {
    const cold = await refine(TREE);
    // Lines move (the comment above, a statement in Email.run): the answer still names Email.run.
    const edited = {
      ...TREE,
      'jobs.ts': `// the jobs\n${TREE['jobs.ts']!.replace('    send();', '    send();\n    send();')}`,
    };
    const after = await refine(edited, stored(cold.memo));
    expect(after.checked).toEqual([]);
    expect(after.edges).toEqual((await refine(edited)).edges);
  });

  it('asks again for every call whose file imports a file whose surface changed', async () => {
    const cold = await refine(TREE);
    const edited = {
      ...TREE,
      'jobs.ts': `${TREE['jobs.ts']}export function pick() {\n  return new Email();\n}\n`,
    };
    const after = await refine(edited, stored(cold.memo));
    expect(after.checked.map((id) => id.split('@')[0])).toEqual(['legacy.ts', 'queue.ts', 'report.ts']);
    expect(after.edges).toEqual((await refine(edited)).edges);
  });

  it('dispatches a reused answer to an implementation added since, in a file the call does not import', async () => {
    const cold = await refine(TREE);
    const added = { ...TREE, 'sms.ts': SMS };
    const after = await refine(added, stored(cold.memo));
    expect(after.checked).toEqual([]);
    expect(after.edges).toContain('queue.ts#Queue.drain -> sms.ts#Sms.run [dispatch] :5');
    expect(after.edges).toEqual((await refine(added)).edges);
  });

  it('never reuses an answer an edit elsewhere changed: the type a call names now comes from another file', async () => {
    const before = { ...TREE, 'sms.ts': SMS };
    const cold = await refine(before);
    // report.ts is unchanged, to the byte; the Email it imports is now another class.
    const renamed = {
      ...before,
      'jobs.ts': `import { Sms } from './sms';
export interface Job {
  run(): void;
}
export class Post implements Job {
  run(): void {
    send();
  }
}
export function send(): void {}
export { Sms as Email };
`,
    };
    const after = await refine(renamed, stored(cold.memo));
    expect(after.checked.map((id) => id.split('@')[0])).toContain('report.ts');
    expect(after.edges).toContain('report.ts#report -> sms.ts#Sms.run [method] :6');
    expect(after.edges.some((edge) => edge.startsWith('report.ts#report -> jobs.ts'))).toBe(false);
    expect(after.edges).toEqual((await refine(renamed)).edges);
  });

  it('forgets the answers for files that are gone', async () => {
    const cold = await refine(TREE);
    const without = Object.fromEntries(Object.entries(TREE).filter(([path]) => path !== 'report.ts'));
    const after = await refine(without, stored(cold.memo));
    const files = Object.keys((after.memo as { files: Record<string, unknown> }).files);
    expect(files.sort()).toEqual(['legacy.ts', 'queue.ts']);
  });

  it('ignores a memo it cannot read and asks the checker for everything', async () => {
    const cold = await refine(TREE);
    const older = { ...(stored(cold.memo) as object), format: 1 };
    for (const memo of [{ format: 2, files: { 'queue.ts': { imports: 7 } } }, 'garbage', older]) {
      const after = await refine(TREE, memo);
      expect(after.checked).toHaveLength(3);
      expect(after.edges).toEqual(cold.edges);
    }
  });
});
