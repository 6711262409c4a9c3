// The user's own configuration file: where it is looked for, what it may hold, how it sits under the workspace
// file (which wins field by field), and where each effective value comes from.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envLayer, fieldOrigins } from '../../src/config/layers.js';
import { loadConfig } from '../../src/config/load.js';
import { userConfigPath } from '../../src/config/user-config.js';
import { ConfigError } from '../../src/errors.js';
import { resolveProviderSettings } from '../../src/models/settings.js';
import { configSchema } from '../../src/schemas/config.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let home: TempWorkspace;
/** The user file of these tests, in a temp folder (never the developer's own). */
let userPath: string;
beforeEach(async () => {
  ws = await makeWorkspace();
  home = await makeWorkspace('office-home-');
  userPath = home.path('office/config.json');
});
afterEach(async () => {
  await ws.cleanup();
  await home.cleanup();
});

const writeUser = (config: unknown) => home.write('office/config.json', JSON.stringify(config));
const writeWorkspace = (config: unknown) => ws.write('.office.config.json', JSON.stringify(config));

async function loadError(): Promise<ConfigError> {
  try {
    await loadConfig(ws.root, { userPath });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the configuration to be refused');
}

describe('where the user file is', () => {
  it('is $XDG_CONFIG_HOME/office/config.json when that is an absolute path', () => {
    expect(userConfigPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/office/config.json');
  });

  it('is ~/.config/office/config.json otherwise (XDG_CONFIG_HOME unset, empty or relative)', () => {
    for (const env of [{}, { XDG_CONFIG_HOME: '' }, { XDG_CONFIG_HOME: 'relative/cfg' }]) {
      expect(userConfigPath(env, '/home/ada')).toBe(join('/home/ada', '.config', 'office', 'config.json'));
    }
  });
});

describe('precedence', () => {
  it('defaults, under the user file, under the workspace file, field by field', async () => {
    await writeUser({
      models: {
        tiers: { small: ['openai:gpt-4o-mini'], medium: ['gemini:gemini-2.5-flash'] },
        timeoutMs: 5_000,
      },
      approval: { mode: 'auto-edit' },
    });
    await writeWorkspace({ models: { tiers: { medium: ['ollama:qwen2.5-coder:7b'] } }, concurrency: 2 });
    const { config, user, exists } = await loadConfig(ws.root, { userPath });
    expect(user).toEqual({ path: userPath, exists: true });
    expect(exists).toBe(true);
    // The user's own fields where the workspace says nothing...
    expect(config.models.tiers.small).toEqual(['openai:gpt-4o-mini']);
    expect(config.models.timeoutMs).toBe(5_000);
    expect(config.approval.mode).toBe('auto-edit');
    // ...the workspace's where it does (a list is replaced, not joined)...
    expect(config.models.tiers.medium).toEqual(['ollama:qwen2.5-coder:7b']);
    expect(config.concurrency).toBe(2);
    // ...and the defaults for the rest.
    expect(config.models.tiers.large).toEqual(configSchema.parse({}).models.tiers.large);
    expect(config.approval.rules).toEqual([]);
  });

  it('the workspace file wins over the user file on the same field', async () => {
    await writeUser({ approval: { mode: 'full-auto' }, telemetry: { otlp: { serviceName: 'mine' } } });
    await writeWorkspace({ approval: { mode: 'read-only' } });
    const { config } = await loadConfig(ws.root, { userPath });
    expect(config.approval.mode).toBe('read-only');
    expect(config.telemetry.otlp.serviceName).toBe('mine');
  });

  it('no user file: the workspace file and defaults, as before', async () => {
    await writeWorkspace({ concurrency: 3 });
    const { config, user } = await loadConfig(ws.root, { userPath });
    expect(user.exists).toBe(false);
    expect(config).toEqual(configSchema.parse({ concurrency: 3 }));
  });
});

describe('a bad user file', () => {
  it('names the file and the field', async () => {
    await writeUser({ approval: { mode: 'yolo' } });
    const err = await loadError();
    expect(err.message).toContain(userPath);
    expect(err.message).toContain('field "approval.mode"');
  });

  it('names a misspelt field as unknown, at the top and nested', async () => {
    await writeUser({ modles: {} });
    expect((await loadError()).message).toContain('unknown field "modles"');
    await writeUser({ models: { tierz: {} } });
    expect((await loadError()).message).toMatch(/unknown field "tierz" in models/);
  });

  it('says that a project field belongs in the workspace file', async () => {
    await writeUser({ plugins: ['./tools/*.js'], approval: { mode: 'ask', rules: [] } });
    const message = (await loadError()).message;
    expect(message).toContain('unknown field "plugins"');
    expect(message).toContain(`"plugins" belongs in a workspace's .office.config.json`);
    expect(message).toContain(`"approval.rules" belongs in a workspace's .office.config.json`);
  });

  it('gives the line of a syntax error', async () => {
    await home.write('office/config.json', '{\n  "approval": { "mode": "ask" }\n  "models": {}\n}');
    const message = (await loadError()).message;
    expect(message).toContain(userPath);
    expect(message).toMatch(/not valid JSON at line 3/);
  });
});

describe('the variable a key is read from (models.providers.*.apiKeyEnv)', () => {
  it('is read instead of OPENAI_API_KEY / GEMINI_API_KEY when set', async () => {
    await writeUser({ models: { providers: { openai: { apiKeyEnv: 'WORK_OPENAI_KEY' } } } });
    const { config } = await loadConfig(ws.root, { userPath });
    const settings = resolveProviderSettings(config.models, {
      OPENAI_API_KEY: 'sk-not-this-one',
      WORK_OPENAI_KEY: 'sk-this-one',
      GOOGLE_API_KEY: 'g-key',
    });
    expect(settings.openai.apiKey).toBe('sk-this-one');
    // The Gemini default still reads GOOGLE_API_KEY as a fallback.
    expect(settings.gemini.apiKey).toBe('g-key');
  });

  it('must name a variable office keeps out of the commands it runs', async () => {
    await writeUser({ models: { providers: { gemini: { apiKeyEnv: 'PATH' } } } });
    const message = (await loadError()).message;
    expect(message).toContain('field "models.providers.gemini.apiKeyEnv"');
    expect(message).toContain('_KEY or _TOKEN');
  });
});

describe('where each value comes from', () => {
  it('default, user file, workspace file or env, per field', async () => {
    await writeUser({ models: { tiers: { small: ['openai:gpt-4o-mini'] }, timeoutMs: 5_000 } });
    await writeWorkspace({ models: { timeoutMs: 9_000 } });
    const loaded = await loadConfig(ws.root, { userPath });
    const origins = fieldOrigins(loaded.config, [
      ...loaded.layers,
      envLayer({ OLLAMA_HOST: 'http://gpu-box:11434', OPENAI_BASE_URL: '  ' }),
    ]);
    const of = (field: string) => origins.find((o) => o.field === field);
    expect(of('models.tiers.small')).toEqual({
      field: 'models.tiers.small',
      value: ['openai:gpt-4o-mini'],
      origin: 'user',
      source: userPath,
    });
    expect(of('models.timeoutMs')).toMatchObject({ value: 9_000, origin: 'workspace', source: loaded.path });
    expect(of('models.tiers.medium')).toMatchObject({ origin: 'default' });
    expect(of('models.tiers.medium')?.source).toBeUndefined();
    expect(of('models.providers.ollama.host')).toEqual({
      field: 'models.providers.ollama.host',
      value: 'http://gpu-box:11434',
      origin: 'env',
      source: 'OLLAMA_HOST',
    });
    // A blank variable sets nothing.
    expect(of('models.providers.openai.baseUrl')).toBeUndefined();
    // Every field of the effective configuration is listed once.
    expect(new Set(origins.map((o) => o.field)).size).toBe(origins.length);
    expect(of('maxIterations')).toMatchObject({ value: 3, origin: 'default' });
  });
});
