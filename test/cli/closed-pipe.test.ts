// `office list | head -1`: a reader that goes away early ends office's output quietly, with no EPIPE stack trace.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  FIXTURES,
  makeWorkspace,
  type TempWorkspace,
  taskDocument,
  writeTask,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeAll(async () => {
  ws = await makeWorkspace();
  for (let i = 0; i < 40; i++) {
    const id = `20261124-1200${String(i).padStart(2, '0')}-abc${String(i).padStart(3, '0')}`;
    await writeTask(ws, taskDocument({ task_id: id, request: `find thing number ${i} in src` }));
  }
});
afterAll(() => ws.cleanup());

/**
 * Runs office with stdout a pipe whose reading end is closed before office writes anything (as `head` does once it
 * has its line), so that office's first write fails with EPIPE.
 */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ws.root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout pipe', () => {
  it.each([
    ['list', ['list', '--dir', '.']],
    ['list --json', ['list', '--json', '--dir', '.']],
    ['memory list --json', ['memory', 'list', '--json', '--dir', '.']],
    ['graph', ['graph', '--no-refine', '--dir', join(FIXTURES, 'ts-shop', 'src')]],
  ])('office %s exits quietly with its own exit code', async (_label, args) => {
    const run = await withClosedStdout(args);
    expect(run.stderr).not.toMatch(/EPIPE|internal error|at .*\.js:\d+/);
    expect(run.code).toBe(0);
  });
});
