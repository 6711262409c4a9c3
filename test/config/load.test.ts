// Configuration loading: comments allowed, defaults filled in, and every mistake named by its field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfigText, loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError, EXIT } from '../../src/errors.js';
import { configSchema } from '../../src/schemas/config.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

function configError(text: string): ConfigError {
  try {
    parseConfig(text, '/ws/.office.config.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('configuration', () => {
  it('uses the defaults when there is no file', async () => {
    const { config, exists } = await loadConfig(ws.root);
    expect(exists).toBe(false);
    expect(config).toEqual(configSchema.parse({}));
    expect(config.maxIterations).toBe(3);
  });

  it('reads comments and trailing commas, and fills in what is missing', async () => {
    await ws.write(
      '.office.config.json',
      '// mine\n{\n  "concurrency": 2, /* two */\n  "retry": { "attempts": 5, },\n}\n',
    );
    const { config, exists } = await loadConfig(ws.root);
    expect(exists).toBe(true);
    expect(config.concurrency).toBe(2);
    expect(config.retry).toEqual({ attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 });
  });

  it('names a field with the wrong type, and the file', () => {
    const err = configError('{ "concurrency": "four" }');
    expect(err.message).toContain('/ws/.office.config.json');
    expect(err.message).toContain('field "concurrency"');
    expect(err.exitCode).toBe(EXIT.usage);
  });

  it('names a nested field that is out of range by its full path', () => {
    expect(configError('{ "retry": { "attempts": 0 } }').message).toContain('field "retry.attempts"');
    expect(configError('{ "approval": { "mode": "yolo" } }').message).toContain('field "approval.mode"');
  });

  it('names an unknown field, at the top and nested', () => {
    expect(configError('{ "concurency": 2 }').message).toContain('unknown field "concurency"');
    expect(configError('{ "models": { "tierz": {} } }').message).toMatch(/unknown field "tierz" in models/);
  });

  it('names every wrong field at once', () => {
    const message = configError('{ "concurrency": 0, "plugins": "x.js", "colour": true }').message;
    expect(message).toContain('field "concurrency"');
    expect(message).toContain('field "plugins"');
    expect(message).toContain('unknown field "colour"');
  });

  it('gives the line of a syntax error', () => {
    expect(configError('{\n  "concurrency": 2\n  "maxIterations": 3\n}').message).toMatch(
      /not valid JSON at line 3/,
    );
  });

  it('writes a default file (office config init) that reads back as the defaults', () => {
    expect(parseConfig(defaultConfigText(), 'default')).toEqual(configSchema.parse({}));
  });
});
