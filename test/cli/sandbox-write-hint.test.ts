// A command whose write the bubblewrap sandbox refused is told apart from a failing command: office says the
// sandbox is why and how to allow the write (sandbox.writeScopes), and the task ends there instead of re-running it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeBwrap } from '../../src/tools/sandbox-bwrap.js';
import { sandboxWriteNote } from '../../tools/run-command.js';
import { killStrayOffices, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

const bwrap = await probeBwrap();

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

describe('a write the sandbox refused', () => {
  it.skipIf(!bwrap.ok)(
    'says the sandbox is why and how to allow writes, and ends the task instead of re-running the command',
    async () => {
      const run = await runOffice(['run', '--offline', '--yes', '--sandbox', 'bwrap', 'run touch made.txt'], {
        cwd: ws.root,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Read-only file system');
      expect(run.stderr).toContain('the sandbox made that write fail');
      expect(run.stderr).toContain('sandbox.writeScopes');
      // Once, not once per REVISE round: nothing a new plan could change.
      expect(run.stderr.match(/run_command failed after/g)).toHaveLength(1);
    },
  );

  it('is told apart only for bwrap and a read-only file system', () => {
    const failed = {
      sandbox: 'bwrap',
      exit_code: 1,
      stdout: '',
      stderr: "touch: cannot touch 'x': Read-only file system",
    };
    expect(sandboxWriteNote(failed)).toContain('sandbox.writeScopes');
    expect(sandboxWriteNote({ ...failed, sandbox: 'process' })).toBeUndefined();
    expect(sandboxWriteNote({ ...failed, stderr: 'touch: cannot touch: Permission denied' })).toBeUndefined();
    expect(sandboxWriteNote({ ...failed, exit_code: 0 })).toBeUndefined();
  });
});
