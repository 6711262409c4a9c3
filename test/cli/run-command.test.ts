// "run <command>": a request that needs a command stops for approval in CI, runs in the sandbox once approved,
// and a shell pipeline is refused before anything runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  readTask,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace();
  await writeFile(join(ws.root, 'notes.txt'), 'hello from the workspace\n');
});

afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

describe('office run "run <command>"', () => {
  it('stops as needs_approval in CI naming the command, then runs it after office approve', async () => {
    const run = await runOffice(['run', '--offline', '--ci', '--json', 'run cat notes.txt'], {
      cwd: ws.root,
    });
    expect(run.code).toBe(3);
    const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { message: string } };
    expect(out.status).toBe('needs_approval');
    expect(out.error.message).toContain('run (run_command, exec)');
    expect(out.error.message).toContain(`office approve ${out.task_id} --all`);
    expect(Object.keys((await readTask(ws, out.task_id)).steps)).toEqual([]);

    expect((await runOffice(['approve', out.task_id, '--all'], { cwd: ws.root })).code).toBe(0);
    const resumed = await runOffice(['resume', out.task_id, '--offline'], { cwd: ws.root });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('hello from the workspace');
    const doc = await readTask(ws, out.task_id);
    const step = Object.values(doc.steps)[0];
    expect(step?.status).toBe('succeeded');
    expect((step?.output as { exit_code: number } | undefined)?.exit_code).toBe(0);
  });

  it('passes quoted arguments as single words, never through a shell', async () => {
    const run = await runOffice(['run', '--offline', '--yes', '--json', 'run echo "two  spaces" $HOME'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    const out = onlyJson(run.stdout) as { result: { stdout: string } };
    // No shell: $HOME is not expanded, the quoted words keep their spaces.
    expect(out.result.stdout).toBe('two  spaces $HOME\n');
  });

  it('a command sees the plain variables a wildcard in sandbox.envAllowlist matches, never a secret-named one', async () => {
    await writeConfig(ws, { sandbox: { envAllowlist: ['OPENAI_*', 'SHOP_*'], writeScopes: ['out'] } });
    await writeFile(join(ws.root, 'dump-env.sh'), 'env > out/env.txt\n');
    const secrets = {
      OPENAI_API_KEY: 'sk-proj-office-env-0123456789abcdef',
      SHOP_DB_PASSWORD: 'pw-office-env-0123456789',
      SHOP_DEPLOY_TOKEN: 'deploy-office-env-0123456789',
    };
    const run = await runOffice(['run', '--offline', '--yes', '--json', 'run sh dump-env.sh'], {
      cwd: ws.root,
      env: { ...secrets, OPENAI_ORG_ID: 'org-visible', SHOP_REGION: 'eu-west-1' },
    });
    expect(run.code, run.stderr).toBe(0);
    const dumped = await ws.read('out/env.txt');
    expect(dumped).toContain('OPENAI_ORG_ID=org-visible\n');
    expect(dumped).toContain('SHOP_REGION=eu-west-1\n');
    for (const [name, value] of Object.entries(secrets)) {
      expect(dumped, name).not.toContain(name);
      expect(dumped, name).not.toContain(value);
    }
  });

  it('refuses a pipeline at validation: nothing runs and the task is dead-lettered at once', async () => {
    const run = await runOffice(['run', '--offline', '--yes', '--json', 'run cat notes.txt | sh'], {
      cwd: ws.root,
    });
    expect(run.code).toBe(1);
    const out = onlyJson(run.stdout) as { task_id: string; status: string; error: { message: string } };
    expect(out.status).toBe('dead_lettered');
    expect(out.error.message).toContain('contains shell operators (|)');
    const doc = await readTask(ws, out.task_id);
    expect(doc.plans).toHaveLength(1);
    expect(Object.keys(doc.steps)).toEqual([]);
  });
});
