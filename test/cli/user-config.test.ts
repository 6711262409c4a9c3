// The user's own config file through the real binary: found under XDG_CONFIG_HOME (else ~/.config), merged under
// the workspace file, shown with its origin by `office config show --origin`, and refused clearly when broken.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
/** Stands for the person's home folder: XDG_CONFIG_HOME or HOME point here, never at the real one. */
let home: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  home = await makeWorkspace('office-home-');
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
  await home.cleanup();
});

const xdg = () => ({ XDG_CONFIG_HOME: home.path('xdg') });
const userFile = () => home.path('xdg/office/config.json');
const office = (args: string[], env: Record<string, string> = xdg()) =>
  runOffice(args, { cwd: ws.root, env });

interface Origins {
  fields: { field: string; value: unknown; origin: string; source?: string }[];
}
const originOf = (stdout: string, field: string) =>
  (onlyJson(stdout) as unknown as Origins).fields.find((f) => f.field === field);

describe('office config show --origin', () => {
  it('says for each field whether it is a default, from the user file, the workspace file or the environment', async () => {
    await home.write(
      'xdg/office/config.json',
      JSON.stringify({
        approval: { mode: 'auto-edit' },
        models: { tiers: { small: ['openai:gpt-4o-mini'] } },
      }),
    );
    await writeConfig(ws, { models: { tiers: { small: ['ollama:tiny'] } }, concurrency: 2 });
    const run = await office(['config', 'show', '--origin', '--json'], {
      ...xdg(),
      OLLAMA_HOST: 'http://127.0.0.1:1',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(originOf(run.stdout, 'approval.mode')).toEqual({
      field: 'approval.mode',
      value: 'auto-edit',
      origin: 'user',
      source: userFile(),
    });
    expect(originOf(run.stdout, 'models.tiers.small')).toEqual({
      field: 'models.tiers.small',
      value: ['ollama:tiny'],
      origin: 'workspace',
      source: ws.path('.office.config.json'),
    });
    expect(originOf(run.stdout, 'concurrency')).toMatchObject({ value: 2, origin: 'workspace' });
    expect(originOf(run.stdout, 'maxIterations')).toEqual({
      field: 'maxIterations',
      value: 3,
      origin: 'default',
    });
    expect(originOf(run.stdout, 'models.providers.ollama.host')).toMatchObject({
      value: 'http://127.0.0.1:1',
      origin: 'env',
      source: 'OLLAMA_HOST',
    });

    const text = await office(['config', 'show', '--origin']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^approval\\.mode = "auto-edit" +user file ${userFile()}$`, 'm'));
    expect(text.stdout).toMatch(/^maxIterations = 3 +default$/m);
  });

  it('reads ~/.config/office/config.json when XDG_CONFIG_HOME is not set', async () => {
    await home.write('.config/office/config.json', JSON.stringify({ approval: { mode: 'read-only' } }));
    const run = await office(['config', 'show', '--origin', '--json'], {
      HOME: home.root,
      XDG_CONFIG_HOME: '',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(originOf(run.stdout, 'approval.mode')).toMatchObject({
      value: 'read-only',
      origin: 'user',
      source: home.path('.config/office/config.json'),
    });
  });
});

describe('the merged configuration is the one commands use', () => {
  it('doctor sees the user approval mode, the workspace mode over it, and the key variable the user named', async () => {
    await home.write(
      'xdg/office/config.json',
      JSON.stringify({
        approval: { mode: 'auto-edit' },
        models: { providers: { openai: { apiKeyEnv: 'WORK_OPENAI_KEY' } } },
      }),
    );
    const env = {
      ...xdg(),
      OPENAI_API_KEY: '',
      GEMINI_API_KEY: '',
      GOOGLE_API_KEY: '',
      WORK_OPENAI_KEY: 'sk-x',
    };
    const first = await office(['doctor', '--json'], env);
    const report = onlyJson(first.stdout) as {
      approval: { mode: string };
      models: { providers: { provider: string; key_found?: boolean; key_variable?: string }[] };
    };
    expect(report.approval.mode).toBe('auto-edit');
    expect(report.models.providers.find((p) => p.provider === 'openai')).toMatchObject({
      key_found: true,
      key_variable: 'WORK_OPENAI_KEY',
    });

    await writeConfig(ws, { approval: { mode: 'read-only' } });
    const second = await office(['doctor', '--json'], env);
    expect((onlyJson(second.stdout) as { approval: { mode: string } }).approval.mode).toBe('read-only');
  });
});

describe('a broken user file', () => {
  it.each([
    ['a wrong value', '{ "approval": { "mode": "yolo" } }', 'field "approval.mode"'],
    ['a project field', '{ "checks": [] }', `"checks" belongs in a workspace's .office.config.json`],
    ['bad JSON', '{ "approval": ', 'not valid JSON at line 1'],
  ])('%s: exit 2 naming the file and what is wrong, no stack trace', async (_label, text, named) => {
    await home.write('xdg/office/config.json', text);
    for (const args of [
      ['config', 'validate'],
      ['trace', 'a', 'b'],
      ['run', '--offline', 'find TODO in .'],
    ]) {
      const run = await office(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(userFile());
      expect(run.stderr).toContain(named);
      expect(run.stderr).not.toContain('internal error');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
