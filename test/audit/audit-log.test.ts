import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, auditPath, GENESIS_HASH, readAudit } from '../../src/audit/audit-log.js';
import { verifyAudit } from '../../src/audit/audit-verify.js';

const run = promisify(execFile);
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-audit-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function appendFive(): Promise<void> {
  for (let i = 1; i <= 5; i++) {
    await appendAudit(workspace, {
      task_id: i % 2 ? 'task-a' : 'task-b',
      type: 'tool_run',
      tool: 'read_file',
      step: `s${i}`,
    });
  }
}

async function lines(): Promise<string[]> {
  return (await readFile(auditPath(workspace), 'utf8')).split('\n').filter((l) => l !== '');
}

async function writeLines(text: string[], trailingNewline = true): Promise<void> {
  await writeFile(auditPath(workspace), text.join('\n') + (trailingNewline ? '\n' : ''));
}

/** An independent re-implementation of the documented hash, for flat entries: sha256(prev + sorted-key JSON). */
function documentedHash(entry: Record<string, unknown>): string {
  const { hash: _h, ...rest } = entry;
  const sorted = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256')
    .update(String(rest.prev) + JSON.stringify(sorted))
    .digest('hex');
}

describe('appending', () => {
  it('chains entries: seq rises by one, prev is the previous hash, hash is sha256(prev + canonical JSON)', async () => {
    await appendFive();
    const entries = (await lines()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.prev).toBe(GENESIS_HASH);
    entries.forEach((entry, i) => {
      expect(entry.hash).toBe(documentedHash(entry));
      if (i > 0) expect(entry.prev).toBe(entries[i - 1]?.hash);
    });
    expect(Object.keys(entries[0] ?? {})).toEqual([
      'seq',
      'at',
      'task_id',
      'type',
      'tool',
      'step',
      'prev',
      'hash',
    ]);
    expect(await verifyAudit(workspace)).toEqual({ ok: true, entries: 5, problems: [] });
  });

  it('reads back all entries, or those of one task', async () => {
    await appendFive();
    expect((await readAudit(workspace)).map((e) => e.step)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect((await readAudit(workspace, { taskId: 'task-b' })).map((e) => e.step)).toEqual(['s2', 's4']);
  });

  it('an empty workspace has an empty, valid trail', async () => {
    expect(await readAudit(workspace)).toEqual([]);
    expect(await verifyAudit(workspace)).toEqual({ ok: true, entries: 0, problems: [] });
  });

  it('redacts values before they are written', async () => {
    const key = `${'sk'}-${'a1B2c3D4'.repeat(6)}`;
    await appendAudit(
      workspace,
      {
        task_id: 't',
        type: 'approval',
        by: 'jane@example.com',
        inputs: { argv: ['curl', '-H', `Authorization: Bearer ${key}`] },
        note: 'pw is hunter2-xyz',
      },
      { secrets: ['hunter2-xyz'] },
    );
    const text = await readFile(auditPath(workspace), 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain('jane@example.com');
    expect(text).not.toContain('hunter2-xyz');
    expect(text).toContain('[redacted]');
    expect((await verifyAudit(workspace)).ok).toBe(true);
  });

  it('refuses data that would overwrite the chain fields', async () => {
    await expect(appendAudit(workspace, { task_id: 't', type: 'tool_run', hash: 'x' })).rejects.toThrow(
      /may not set "hash"/,
    );
  });

  it('chains across entries larger than the tail-read chunk, with multi-byte text', async () => {
    await appendAudit(workspace, { task_id: 't', type: 'tool_run', output: 'é'.repeat(50_000) });
    await appendAudit(workspace, { task_id: 't', type: 'tool_run', output: 'ü'.repeat(70_000) });
    await appendAudit(workspace, { task_id: 't', type: 'tool_run', output: 'small' });
    expect(await verifyAudit(workspace)).toEqual({ ok: true, entries: 3, problems: [] });
  });
});

describe('verifying detects tampering, with the line number', () => {
  it('an edited line', async () => {
    await appendFive();
    const text = await lines();
    text[2] = (text[2] ?? '').replace('"s3"', '"s3-edited"');
    await writeLines(text);
    const result = await verifyAudit(workspace);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ line: 3, problem: expect.stringMatching(/seq 3 was edited/) }]);
  });

  it('an edited line whose hash was recomputed breaks the link to the next line', async () => {
    await appendFive();
    const text = await lines();
    const entry = JSON.parse(text[2] ?? '') as Record<string, unknown>;
    entry.step = 's3-edited';
    entry.hash = documentedHash(entry);
    text[2] = JSON.stringify(entry);
    await writeLines(text);
    const { problems } = await verifyAudit(workspace);
    expect(problems).toEqual([
      { line: 4, problem: expect.stringMatching(/does not chain to seq 3 \(line 3\)/) },
    ]);
  });

  it('a removed line', async () => {
    await appendFive();
    const text = await lines();
    text.splice(2, 1);
    await writeLines(text);
    const { ok, problems } = await verifyAudit(workspace);
    expect(ok).toBe(false);
    expect(problems).toEqual([
      { line: 3, problem: expect.stringMatching(/seq 3 is missing before this line/) },
    ]);
  });

  it('a reordered line', async () => {
    await appendFive();
    const text = await lines();
    [text[1], text[2]] = [text[2] ?? '', text[1] ?? ''];
    await writeLines(text);
    const { ok, problems } = await verifyAudit(workspace);
    expect(ok).toBe(false);
    expect(problems).toEqual([{ line: 3, problem: 'out of order: seq 2 comes after seq 3' }]);
  });

  it('a truncated last line', async () => {
    await appendFive();
    const text = await lines();
    text[4] = (text[4] ?? '').slice(0, 40);
    await writeLines(text, false);
    const { ok, problems } = await verifyAudit(workspace);
    expect(ok).toBe(false);
    expect(problems).toContainEqual({ line: 5, problem: expect.stringMatching(/last line is cut off/) });
  });

  it('a removed last line (the head file records more entries than the log holds)', async () => {
    await appendFive();
    const text = await lines();
    await writeLines(text.slice(0, 4));
    const { ok, problems } = await verifyAudit(workspace);
    expect(ok).toBe(false);
    expect(problems).toEqual([{ line: 5, problem: expect.stringMatching(/seq 5 is missing at the end/) }]);
  });

  it('an append after a cut-off write starts a new line and keeps the chain', async () => {
    await appendFive();
    const text = await lines();
    await writeLines([...text.slice(0, 4), (text[4] ?? '').slice(0, 30)], false);
    // As after a crash mid-append: the head still records seq 4.
    await writeFile(
      join(workspace, '.office', 'audit.head.json'),
      JSON.stringify({ seq: 4, hash: JSON.parse(text[3] ?? '').hash }),
    );
    const entry = await appendAudit(workspace, { task_id: 't', type: 'tool_run', step: 'after-crash' });
    expect(entry.seq).toBe(5);
    const { problems, entries } = await verifyAudit(workspace);
    expect(entries).toBe(5);
    expect(problems).toEqual([{ line: 5, problem: expect.stringMatching(/not a well-formed audit entry/) }]);
  });
});

describe('concurrent office processes', () => {
  it('8 processes appending at once give one valid chain holding every entry', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    const perWorker = 10;
    await Promise.all(
      Array.from({ length: 8 }, (_, worker) =>
        run(
          process.execPath,
          [
            '--experimental-transform-types',
            '--no-warnings',
            '--import',
            join(fixtures, 'ts-resolve.mjs'),
            join(fixtures, 'append-worker.ts'),
            workspace,
            String(worker),
            String(perWorker),
          ],
          { timeout: 120_000 },
        ),
      ),
    );
    const verification = await verifyAudit(workspace);
    expect(verification).toEqual({ ok: true, entries: 80, problems: [] });
    const entries = await readAudit(workspace);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    for (let worker = 0; worker < 8; worker++) {
      const mine = entries.filter((e) => e.task_id === `task-${worker}`).map((e) => e.i);
      expect(mine).toEqual(Array.from({ length: perWorker }, (_, i) => i));
    }
  });
});
