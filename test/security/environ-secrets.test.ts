// API keys in office's environment: a command in --sandbox process runs as the same user and can read
// /proc/<pid>/environ of every process above it. Office's own processes (and the launcher on an old Node) must
// show it no secret there; non-secret variables stay readable, which proves the reading worked.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killStrayOffices, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

// Assembled at run time, so this file holds nothing a secret scanner would flag.
const SECRETS = {
  OPENAI_API_KEY: `${'sk'}-office-test-${'parentKey'}-4f7a9c2e`,
  GITHUB_TOKEN: `${'gh'}p_officeTestToken${'0123456789abcdef'}`,
  DB_PASSWORD: 'office-test-hunter-pw',
};
const VISIBLE = 'office-visible-marker-5e1d';

/** Walks from the command's parent to pid 1, writing each process's command line and environment. */
const WALK = `pid=$PPID
while [ "$pid" -gt 1 ]; do
  echo "== $pid $(tr '\\0' ' ' < /proc/$pid/cmdline)"
  tr '\\0' '\\n' < /proc/$pid/environ
  echo
  pid=$(sed 's/^.*) [A-Za-z] //; s/ .*$//' /proc/$pid/stat)
done > ancestors.txt
`;

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('walk.sh', WALK);
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

interface Ancestor {
  readonly header: string;
  readonly environ: string;
}

async function ancestors(): Promise<Ancestor[]> {
  const text = await ws.read('ancestors.txt');
  return text
    .split(/^== /m)
    .filter(Boolean)
    .map((section) => {
      const newline = section.indexOf('\n');
      return { header: section.slice(0, newline), environ: section.slice(newline + 1) };
    });
}

async function runWalk(node?: string): Promise<Ancestor[]> {
  const run = await runOffice(
    ['run', '--offline', '--yes', '--sandbox', 'process', '--json', 'run sh walk.sh'],
    {
      cwd: ws.root,
      env: { ...SECRETS, OFFICE_PROBE_VISIBLE: VISIBLE },
      ...(node ? { node } : {}),
    },
  );
  expect(run.code, run.stderr).toBe(0);
  return ancestors();
}

function expectNoSecrets(chain: readonly Ancestor[]): void {
  for (const { header, environ } of chain) {
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(environ, `${name} readable in /proc environ of ${header}`).not.toContain(value);
    }
  }
}

/** A Node older than 22.12 on this machine, which makes bin/office.js start office as its child. */
function oldNode(): string | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(path)) continue;
    const [major = 0, minor = 0] = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' })
      .trim()
      .split('.')
      .map(Number);
    if (major < 22 || (major === 22 && minor < 12)) return path;
  }
  return undefined;
}
const old = oldNode();

describe('a command in process mode reading /proc/<ancestor>/environ', () => {
  it.runIf(process.platform === 'linux')('finds no secret in office or above it', async () => {
    const chain = await runWalk();
    const office = chain.filter((a) => a.header.includes('bin/office.js'));
    // Not vacuous: the walk reached office, and read its environment.
    expect(office).toHaveLength(1);
    expect(office[0]?.environ).toContain(`OFFICE_PROBE_VISIBLE=${VISIBLE}`);
    expectNoSecrets(chain);
  });

  it.runIf(process.platform === 'linux' && old !== undefined)(
    `finds none in the launcher either, when an old Node starts office (${old ?? 'no Node < 22.12 here'})`,
    async () => {
      const chain = await runWalk(old);
      const office = chain.filter((a) => a.header.includes('bin/office.js'));
      expect(office).toHaveLength(2);
      for (const process of office) expect(process.environ).toContain(`OFFICE_PROBE_VISIBLE=${VISIBLE}`);
      expectNoSecrets(chain);
    },
  );
});

describe('a plugin that needs a key', () => {
  it('reads it through env(), while process.env no longer holds it', async () => {
    await ws.write(
      'tools/key-check.js',
      `export function officeTools({ defineTool, z, env }) {
  return [defineTool({
    name: 'key_check',
    description: 'Says where the token can be read.',
    risk: 'read',
    input: z.strictObject({}),
    async run() {
      return { from_env: env().GITHUB_TOKEN?.length ?? 0, from_process_env: process.env.GITHUB_TOKEN ?? null };
    },
  })];
}
`,
    );
    await ws.write(
      'templates/key.json',
      JSON.stringify({
        id: 'key',
        description: 'test fixture',
        rank: 5,
        phrasings: ['check the key'],
        patterns: ['^check the key$'],
        subtasks: [
          { id: 'key', goal: 'Check the key', steps: [{ step_id: 'k', action: 'key_check', inputs: {} }] },
        ],
      }),
    );
    await ws.write(
      '.office.config.json',
      JSON.stringify({ plugins: ['./tools/*.js'], templates: ['./templates'] }),
    );
    const run = await runOffice(['run', '--offline', '--json', 'check the key'], {
      cwd: ws.root,
      env: SECRETS,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).result).toEqual({
      from_env: SECRETS.GITHUB_TOKEN.length,
      from_process_env: null,
    });
  });
});
