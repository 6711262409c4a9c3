// Environment block scrubbing: which bytes of `NAME=value\0…` hold the values to blank, and what capturing the
// secrets of an environment leaves behind.
import { describe, expect, it } from 'vitest';
import { captureSecrets, officeEnv, secretValues } from '../../src/config/secrets.js';
import { secretEnvNames, valueRanges } from '../../src/util/environ-block.js';

describe('valueRanges', () => {
  it('finds the value of each named variable, and nothing of the others', () => {
    const block = Buffer.from(
      'PATH=/bin\0OPENAI_API_KEY=sk-1\0EMPTY_TOKEN=\0X=OPENAI_API_KEY=no\0DB_PASSWORD=pw\0',
    );
    const ranges = valueRanges(block, new Set(['OPENAI_API_KEY', 'EMPTY_TOKEN', 'DB_PASSWORD']));
    expect(ranges.map((r) => block.toString('utf8', r.offset, r.offset + r.length))).toEqual(['sk-1', 'pw']);
  });

  it('copes with a block cut off without its last NUL', () => {
    const block = Buffer.from('A=1\0GITHUB_TOKEN=ghp_x');
    const [range] = valueRanges(block, new Set(['GITHUB_TOKEN']));
    expect(block.toString('utf8', range?.offset, (range?.offset ?? 0) + (range?.length ?? 0))).toBe('ghp_x');
  });
});

describe('captureSecrets', () => {
  it('moves secret-named variables out of an environment into office keeping', () => {
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/bin',
      OPENAI_API_KEY: 'sk-captured-value-1234',
      AWS_SECRET_ACCESS_KEY: 'captured-aws-secret',
      OLLAMA_HOST: 'http://127.0.0.1:1',
    };
    expect(secretEnvNames(env).sort()).toEqual(['AWS_SECRET_ACCESS_KEY', 'OPENAI_API_KEY']);
    captureSecrets(env);
    expect(env).toEqual({ PATH: '/usr/bin', OLLAMA_HOST: 'http://127.0.0.1:1' });
    expect(officeEnv().OPENAI_API_KEY).toBe('sk-captured-value-1234');
    expect(secretValues()).toEqual(expect.arrayContaining(['sk-captured-value-1234', 'captured-aws-secret']));
  });
});
