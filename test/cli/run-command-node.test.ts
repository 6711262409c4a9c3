// `office run "run node --version"` runs the user's Node (the one on the system PATH), not the Node office
// bundles for itself.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killStrayOffices, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

const systemNode = '/usr/bin/node';
const different =
  existsSync(systemNode) && realpathSync(systemNode) !== realpathSync(process.execPath)
    ? systemNode
    : undefined;

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

describe('run_command', () => {
  it.skipIf(different === undefined)("finds the user's node before office's own", async () => {
    const expected = execFileSync(different!, ['--version'], { encoding: 'utf8' }).trim();
    const run = await runOffice(['run', '--offline', '--yes', '--sandbox', 'process', 'run node --version'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(expected);
    expect(run.stdout).not.toContain(process.version);
  });
});
