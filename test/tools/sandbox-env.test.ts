// The sandbox environment as a decision: which variables a command sees for an allowlist, which it never sees, and
// its PATH (the user's programs first, their own `node` among them; office's Node last).
import { describe, expect, it } from 'vitest';
import { SYSTEM_PATH, sandboxEnvironment } from '../../src/tools/sandbox-env.js';

const parentEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/dev',
  OPENAI_API_KEY: 'sk-proj-parent-key-0123456789abcdef',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  OPENAI_ORG_ID: 'org-visible',
  OPENAI_PROJECT_TOKEN: 'tok-0123456789',
  SHOP_REGION: 'eu-west-1',
  SHOP_DB_PASSWORD: 'pw-0123456789',
  SHOP_SIGNING_SECRET: 'whsec-0123456789',
  SHOP_Stripe_Secret_Key: 'rk-0123456789',
  SHOP_ADMIN_PASSWD: 'passwd-0123456789',
  SHOP_ssh_key: 'ssh-0123456789',
  UNRELATED_SETTING: 'not allowlisted',
};

function build(allowlist: string[]) {
  return sandboxEnvironment({ parentEnv, allowlist, home: '/home/office', nodeBin: '/opt/node/bin' });
}

describe('sandboxEnvironment with wildcard allowlists', () => {
  it('passes the plain names a wildcard matches, and never one whose name marks a secret', () => {
    const { env, refused } = build(['OPENAI_*', 'SHOP_*']);
    expect(env).toEqual({
      PATH: `${SYSTEM_PATH}:/opt/node/bin`,
      HOME: '/home/office',
      LANG: 'C.UTF-8',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_ORG_ID: 'org-visible',
      SHOP_REGION: 'eu-west-1',
    });
    expect(refused.map((r) => r.name).sort()).toEqual([
      'OPENAI_API_KEY',
      'OPENAI_PROJECT_TOKEN',
      'SHOP_ADMIN_PASSWD',
      'SHOP_DB_PASSWORD',
      'SHOP_SIGNING_SECRET',
      'SHOP_Stripe_Secret_Key',
      'SHOP_ssh_key',
    ]);
    expect(refused.find((r) => r.name === 'OPENAI_API_KEY')?.reason).toBe(
      'matched "OPENAI_*", but its name marks a secret; sandboxed commands never see secrets',
    );
  });

  it('a catch-all wildcard still keeps every secret out', () => {
    const { env, refused } = build(['*']);
    const values = Object.values(env).join('\n');
    for (const [name, value] of Object.entries(parentEnv)) {
      if (refused.some((r) => r.name === name)) expect(values).not.toContain(value);
    }
    expect(refused).toHaveLength(7);
    expect(env.UNRELATED_SETTING).toBe('not allowlisted');
    // HOME stays the private one even when "*" matches the parent's.
    expect(env.HOME).toBe('/home/office');
  });

  it('refuses a secret name allowlisted exactly, and says why', () => {
    const { env, refused } = build(['SHOP_DB_PASSWORD', 'SHOP_REGION']);
    expect(env.SHOP_DB_PASSWORD).toBeUndefined();
    expect(env.SHOP_REGION).toBe('eu-west-1');
    expect(refused).toEqual([
      {
        name: 'SHOP_DB_PASSWORD',
        reason:
          'its name marks a secret (*_KEY, *_TOKEN, *SECRET*, *PASSWORD*); sandboxed commands never see secrets',
      },
    ]);
  });
});

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
