// The sandbox environment's PATH: a command finds the user's programs (their own `node` first), office's Node last.
import { describe, expect, it } from 'vitest';
import { SYSTEM_PATH, sandboxEnvironment } from '../../src/tools/sandbox-env.js';

const nodeBin = '/opt/office/node_modules/node/bin';

describe('sandbox PATH', () => {
  it("is the system directories, then office's Node", () => {
    const { env } = sandboxEnvironment({
      parentEnv: { PATH: '/home/me/bin:/usr/bin' },
      allowlist: [],
      home: '/h',
      nodeBin,
    });
    expect(env.PATH).toBe(`${SYSTEM_PATH}:${nodeBin}`);
  });

  it("is the user's PATH when allowlisted, then office's Node", () => {
    const { env } = sandboxEnvironment({
      parentEnv: { PATH: '/home/me/.nvm/versions/node/v20/bin:/usr/bin' },
      allowlist: ['PATH'],
      home: '/h',
      nodeBin,
    });
    expect(env.PATH).toBe(`/home/me/.nvm/versions/node/v20/bin:/usr/bin:${nodeBin}`);
  });
});
