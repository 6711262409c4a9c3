// Plan memory with no model at all: review failures are stored, and `office memory` lists, searches, exports and
// forgets them, through the real binary.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../helpers/fake-providers.js';
import {
  installFixtures,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let env: Record<string, string>;

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('src/a.ts', '// TODO a\n');
  await installFixtures(ws, { maxIterations: 2 });
  // Nothing listens there: any model call is refused.
  env = { OLLAMA_HOST: await closedPortUrl(), OPENAI_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '' };
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

function run(args: string[]) {
  return runOffice(args, { cwd: ws.root, env });
}

interface Listed {
  entries: { id: string; kind: string; lesson: string; comment: string; rating: string; task_id: string }[];
}

describe('office memory with no model', () => {
  it('stores review failures of an --offline run and finds them with office memory search', async () => {
    const picky = await run(['run', '--offline', '--json', 'ask the picky tool']);
    expect(picky.code).toBe(1);
    const taskId = (onlyJson(picky.stdout) as { task_id: string }).task_id;

    const listed = onlyJson(
      (await run(['memory', 'list', '--kind', 'failure', '--json'])).stdout,
    ) as unknown as Listed;
    // A template's plan that failed review is not planned again: one round, one lesson.
    expect(listed.entries).toHaveLength(1);
    expect(
      listed.entries.every((e) => e.task_id === taskId && e.lesson.includes('lacks approved.flag')),
    ).toBe(true);

    const search = await run(['memory', 'search', 'picky', 'tool']);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toContain('failure');
    expect(search.stdout).toContain('ask the picky tool');
    expect(search.stderr).toContain('compared by hash-ngram-v1');

    const kind = await run(['memory', 'list', '--kind', 'lesson']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind takes one of success, failure, feedback');
  });

  it('exports every entry as JSON lines and forgets one by id', async () => {
    await run(['run', '--offline', 'ask the picky tool']);
    await run(['run', '--offline', 'ask the picky tool']);
    const out = ws.path('memory.jsonl');
    const exported = await run(['memory', 'export', '--output', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as { id: string; kind: string; steps: unknown[] };
    expect(first.kind).toBe('failure');
    expect(first.steps.length).toBeGreaterThan(0);

    const forgot = await run(['memory', 'forget', first.id]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain(`forgot ${first.id}`);
    const stdout = (await run(['memory', 'export'])).stdout;
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).not.toContain(first.id);

    const again = await run(['memory', 'forget', first.id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('office memory list');
  });
});
