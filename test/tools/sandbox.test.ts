import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Interrupted, PathOutsideWorkspace, SandboxUnavailable } from '../../src/errors.js';
import { createSandbox, probeSandbox, type SandboxKind } from '../../src/tools/sandbox.js';
import { bwrapRemedy, probeBwrap } from '../../src/tools/sandbox-bwrap.js';
import { requires } from '../helpers/skip.js';

const bwrap = await probeBwrap();
const needsBwrap = requires(
  bwrap.ok,
  bwrap.ok ? '' : `bubblewrap cannot run here: ${bwrap.detail}; ${bwrapRemedy(bwrap)}`,
);

// .ci/run sets OFFICE_REQUIRE_BWRAP=1, so a machine where bubblewrap is missing or broken fails CI instead of
// skipping every test below that needs it.
it(
  'bubblewrap works where OFFICE_REQUIRE_BWRAP=1 says it must',
  requires(
    process.env.OFFICE_REQUIRE_BWRAP === '1',
    'OFFICE_REQUIRE_BWRAP is not 1: bubblewrap is optional on this machine (.ci/run requires it)',
  ),
  () => {
    expect(bwrap).toMatchObject({ ok: true });
  },
);

let workspace: string;
let outside: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-sandbox-ws-'));
  outside = await mkdtemp(join(tmpdir(), 'office-sandbox-outside-'));
  await writeFile(join(workspace, 'a.txt'), 'original\n');
  await mkdir(join(workspace, 'out'));
  await writeFile(join(outside, 'secret.txt'), 'the other project\n');
});

/** `sleep` arguments unique to this run, so the test finds its own processes in /proc and nothing else. */
const markers: string[] = [];
function newMarker(): string {
  const marker = `${1000 + Math.floor(Math.random() * 8000)}.${process.pid}${markers.length}`;
  markers.push(marker);
  return marker;
}

afterEach(async () => {
  // Should an assertion fail half-way, no sleeping grandchild is left behind.
  for (const marker of markers.splice(0)) {
    for (const pid of await processesWith(`sleep ${marker}`)) process.kill(pid, 'SIGKILL');
  }
  await rm(workspace, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** Pids of live (non-zombie) processes whose command line contains `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ');
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(marker) && state !== 'Z') found.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const nodeEval = (code: string) => ['node', '-e', code];

describe.each<{ kind: SandboxKind; needs: ReturnType<typeof requires> }>([
  { kind: 'process', needs: {} },
  { kind: 'bwrap', needs: needsBwrap },
])('both sandboxes: $kind', ({ kind, needs }) => {
  const make = (extra: Parameters<typeof createSandbox>[0] extends infer O ? Partial<O> : never = {}) =>
    createSandbox({ workspace, mode: kind, writeScopes: ['out'], ...extra });

  it('reports which sandbox runs commands', needs, async () => {
    const sandbox = await make();
    expect(sandbox.kind).toBe(kind);
  });

  it('a command cannot see OPENAI_API_KEY from the parent, even when allowlisted', needs, async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-test-parent-secret-value';
    process.env.OFFICE_SANDBOX_PROBE_VISIBLE = 'visible';
    try {
      const sandbox = await make({ envAllowlist: ['OPENAI_API_KEY', 'OFFICE_SANDBOX_PROBE_*'] });
      expect(sandbox.refusedEnv.map((r) => r.name)).toEqual(['OPENAI_API_KEY']);
      expect(sandbox.refusedEnv[0]?.reason).toContain('sandboxed commands never see secrets');
      const result = await sandbox.run(nodeEval('console.log(JSON.stringify(process.env))'), {
        cwd: workspace,
        timeoutMs: 20_000,
      });
      expect(result.exitCode).toBe(0);
      const env = JSON.parse(result.stdout) as Record<string, string>;
      expect(env.OPENAI_API_KEY).toBeUndefined();
      expect(JSON.stringify(env)).not.toContain('sk-test-parent-secret-value');
      expect(env.OFFICE_SANDBOX_PROBE_VISIBLE).toBe('visible');
      // bwrap's --chdir also sets PWD, which holds the working directory and nothing else; in process mode the
      // watchdog marks what the command starts with OFFICE_SANDBOX_RUN, an id that holds nothing.
      const names = Object.keys(env).filter(
        (name) => name !== 'PWD' && !(kind === 'process' && name === 'OFFICE_SANDBOX_RUN'),
      );
      expect(names.sort()).toEqual(['HOME', 'LANG', 'OFFICE_SANDBOX_PROBE_VISIBLE', 'PATH']);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
      delete process.env.OFFICE_SANDBOX_PROBE_VISIBLE;
    }
  });

  it('a wildcard allowlist passes plain names to a command, never secret-named ones', needs, async () => {
    const secrets = {
      OPENAI_API_KEY: 'sk-proj-wildcard-parent-0123456789',
      OPENAI_SESSION_TOKEN: 'session-0123456789',
      OFFICE_PROBE_DB_PASSWORD: 'pw-wildcard-0123456789',
      OFFICE_PROBE_CLIENT_SECRET: 'client-wildcard-0123456789',
    };
    const sandbox = await make({
      envAllowlist: ['OPENAI_*', 'OFFICE_PROBE_*'],
      parentEnv: { ...secrets, OPENAI_ORG_ID: 'org-visible', OFFICE_PROBE_REGION: 'eu-west-1' },
    });
    expect(sandbox.refusedEnv.map((r) => r.name).sort()).toEqual(Object.keys(secrets).sort());
    const result = await sandbox.run(nodeEval('console.log(JSON.stringify(process.env))'), {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const env = JSON.parse(result.stdout) as Record<string, string>;
    expect(env.OPENAI_ORG_ID).toBe('org-visible');
    expect(env.OFFICE_PROBE_REGION).toBe('eu-west-1');
    for (const [name, value] of Object.entries(secrets)) {
      expect(env[name], name).toBeUndefined();
      expect(result.stdout).not.toContain(value);
    }
  });

  it('HOME is a private, empty directory, not the user home', needs, async () => {
    const sandbox = await make();
    const result = await sandbox.run(['sh', '-c', 'echo "$HOME"; ls -A "$HOME" | wc -l'], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    const [home, count] = result.stdout.trim().split('\n');
    expect(home).not.toBe(homedir());
    expect(count?.trim()).toBe('0');
  });

  it('refuses a working directory outside the workspace', needs, async () => {
    const sandbox = await make();
    await expect(sandbox.run(['true'], { cwd: outside, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      PathOutsideWorkspace,
    );
    await expect(
      sandbox.run(['true'], { cwd: join(workspace, '..'), timeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(PathOutsideWorkspace);
  });

  it('runs in the requested directory and passes exit code and stderr through', needs, async () => {
    await mkdir(join(workspace, 'sub'));
    const sandbox = await make();
    const result = await sandbox.run(['sh', '-c', 'pwd; echo oops >&2; exit 3'], {
      cwd: join(workspace, 'sub'),
      timeoutMs: 20_000,
    });
    expect(result.stdout.trim().endsWith('/sub')).toBe(true);
    expect(result).toMatchObject({ exitCode: 3, stderr: 'oops\n', timedOut: false, truncated: false });
  });

  it('a timeout kills the whole process tree, a backgrounded grandchild included', {
    ...needs,
    timeout: 120_000,
  }, async () => {
    const sandbox = await make();
    const pidFile = join(workspace, 'out', 'pid');
    // The timeout counts from the command's start: on a loaded machine it can fire before the shell has started
    // its grandchild, and the kill would then prove nothing. The shell writes the grandchild's pid once it runs;
    // an attempt that ends without it is repeated with twice the time.
    for (let timeoutMs = 2_500; ; timeoutMs *= 2) {
      const marker = newMarker();
      await rm(pidFile, { force: true });
      const result = await sandbox.run(['sh', '-c', `sleep ${marker} & echo $! > out/pid; wait`], {
        cwd: workspace,
        timeoutMs,
      });
      expect(result.timedOut).toBe(true);
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (!(pid > 1)) {
        if (timeoutMs >= 40_000)
          throw new Error(`the shell never started its grandchild within ${timeoutMs} ms`);
        continue;
      }
      expect(result.exitCode).toBeNull();
      expect(result.stderr).toContain(`timed out after ${timeoutMs} ms`);
      expect(
        await waitFor(async () => (await processesWith(`sleep ${marker}`)).length === 0, 15_000),
        'the grandchild outlived the timeout',
      ).toBe(true);
      return;
    }
  });

  it('a background process left behind dies when the command exits', needs, async () => {
    const sandbox = await make();
    const marker = newMarker();
    const result = await sandbox.run(['sh', '-c', `sleep ${marker} >/dev/null 2>&1 & echo started`], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
    expect(await waitFor(async () => (await processesWith(`sleep ${marker}`)).length === 0, 5_000)).toBe(
      true,
    );
  });

  it('caps output, keeping its head and tail and marking the cut', needs, async () => {
    const sandbox = await make({ outputLimitBytes: 4096 });
    const result = await sandbox.run(
      nodeEval('process.stdout.write("START" + "x".repeat(200000) + "END"); process.stderr.write("short")'),
      { cwd: workspace, timeoutMs: 20_000 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('STARTxxx')).toBe(true);
    expect(result.stdout.endsWith('xxxEND')).toBe(true);
    expect(result.stdout).toMatch(/\[… \d+ bytes of output truncated by office …\]/);
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(4096 + 100);
    expect(result.stderr).toBe('short');
  });

  it('an aborted signal stops the command and its children', needs, async () => {
    const sandbox = await make();
    const marker = newMarker();
    const controller = new AbortController();
    const running = sandbox.run(['sh', '-c', `sleep ${marker} & wait`], {
      cwd: workspace,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    expect(await waitFor(async () => (await processesWith(`sleep ${marker}`)).length > 0, 10_000)).toBe(true);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(Interrupted);
    expect(await waitFor(async () => (await processesWith(`sleep ${marker}`)).length === 0, 5_000)).toBe(
      true,
    );
  });

  it('a missing program gives exit code 127 and says where it looked', needs, async () => {
    const sandbox = await make();
    const result = await sandbox.run(['no-such-program-office'], { cwd: workspace, timeoutMs: 20_000 });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('program "no-such-program-office" was not found on the sandbox PATH');
  });
});

describe('loopback server', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.end('reached');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const fetchIt = () =>
    nodeEval(
      `fetch("http://127.0.0.1:${port}/").then(async (r) => { console.log(await r.text()); }, (e) => { console.error("fetch failed:", e.cause?.code ?? e.message); process.exit(7); })`,
    );

  it('bwrap: a command cannot open a network connection, not even to loopback', needsBwrap, async () => {
    const before = hits;
    const sandbox = await createSandbox({ workspace, mode: 'bwrap' });
    const result = await sandbox.run(fetchIt(), { cwd: workspace, timeoutMs: 20_000 });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain('fetch failed');
    expect(hits).toBe(before);
  });

  it('process mode does not isolate the network (documented: that needs bwrap)', async () => {
    const before = hits;
    const sandbox = await createSandbox({ workspace, mode: 'process' });
    const result = await sandbox.run(fetchIt(), { cwd: workspace, timeoutMs: 20_000 });
    expect(result.stdout.trim()).toBe('reached');
    expect(hits).toBe(before + 1);
  });
});

describe('bwrap isolation', () => {
  it('a file outside the workspace is invisible, and so is the user home', needsBwrap, async () => {
    const sandbox = await createSandbox({ workspace, mode: 'bwrap' });
    const result = await sandbox.run(
      [
        'sh',
        '-c',
        `cat ${join(outside, 'secret.txt')}; echo "cat=$?"; ls ${homedir()} >/dev/null 2>&1; echo "home=$?"`,
      ],
      { cwd: workspace, timeoutMs: 20_000 },
    );
    expect(result.stdout).not.toContain('the other project');
    expect(result.stdout).toMatch(/cat=[1-9]/);
    expect(result.stdout).toMatch(/home=[1-9]/);
    expect(result.stderr).toContain('No such file or directory');
  });

  it('a command holds no capabilities, even when office runs as root', needsBwrap, async () => {
    const sandbox = await createSandbox({ workspace, mode: 'bwrap' });
    const result = await sandbox.run(['grep', '^CapEff', '/proc/self/status'], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(result.stdout).toMatch(/^CapEff:\s+0+\n$/);
  });

  it('the workspace is read-only, a write scope is writable', needsBwrap, async () => {
    const sandbox = await createSandbox({ workspace, mode: 'bwrap', writeScopes: ['out'] });
    const denied = await sandbox.run(['sh', '-c', 'echo changed > a.txt'], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain('Read-only file system');
    expect(await readFile(join(workspace, 'a.txt'), 'utf8')).toBe('original\n');
    const allowed = await sandbox.run(['sh', '-c', 'echo built > out/result.txt'], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(allowed.exitCode).toBe(0);
    expect(await readFile(join(workspace, 'out', 'result.txt'), 'utf8')).toBe('built\n');
  });

  it(
    '.git and .office stay read-only even when the whole workspace is a write scope',
    needsBwrap,
    async () => {
      await mkdir(join(workspace, '.git', 'hooks'), { recursive: true });
      await mkdir(join(workspace, '.office'));
      const sandbox = await createSandbox({ workspace, mode: 'bwrap', writeScopes: ['.'] });
      const result = await sandbox.run(
        [
          'sh',
          '-c',
          'echo ok > top.txt && echo evil > .git/hooks/pre-commit; echo "git=$?"; echo x >> .office/audit.jsonl; echo "office=$?"',
        ],
        { cwd: workspace, timeoutMs: 20_000 },
      );
      expect(await readFile(join(workspace, 'top.txt'), 'utf8')).toBe('ok\n');
      expect(result.stdout).toMatch(/git=[1-9]/);
      expect(result.stdout).toMatch(/office=[1-9]/);
      expect(await readdir(join(workspace, '.git', 'hooks'))).toEqual([]);
    },
  );
});

describe('process mode guarantees', () => {
  it('does not hide files outside the workspace (documented: that needs bwrap)', async () => {
    const sandbox = await createSandbox({ workspace, mode: 'process' });
    const result = await sandbox.run(['cat', join(outside, 'secret.txt')], {
      cwd: workspace,
      timeoutMs: 20_000,
    });
    expect(result.stdout).toBe('the other project\n');
    expect(sandbox.reason).toContain('no file or network isolation');
  });
});

describe('choosing a sandbox', () => {
  it('mode bwrap with no working bwrap fails at start, naming the cause and the fixes', async () => {
    const attempt = createSandbox({ workspace, mode: 'bwrap', bwrapPath: join(outside, 'no-such-bwrap') });
    await expect(attempt).rejects.toBeInstanceOf(SandboxUnavailable);
    await expect(attempt).rejects.toThrow(/bubblewrap is not installed .*no-such-bwrap/);
    await expect(attempt).rejects.toThrow(/apt-get install bubblewrap/);
    await expect(attempt).rejects.toThrow(/--sandbox process/);
  });

  it('mode auto with no working bwrap runs in process mode and says why', async () => {
    const sandbox = await createSandbox({
      workspace,
      mode: 'auto',
      bwrapPath: join(outside, 'no-such-bwrap'),
    });
    expect(sandbox.kind).toBe('process');
    expect(sandbox.reason).toContain('bubblewrap is not installed');
    expect(sandbox.reason).toContain('no file or network isolation');
  });

  it('a bwrap that cannot create namespaces is reported as such', async () => {
    const fakeBwrap = join(outside, 'bwrap');
    await writeFile(
      fakeBwrap,
      '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.8.0"; exit 0; }\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const probe = await probeSandbox({ mode: 'bwrap', bwrapPath: fakeBwrap });
    expect(probe.kind).toBeNull();
    expect(probe.reason).toContain(
      'cannot create its namespaces here: bwrap: No permissions to creating new namespace',
    );
    expect(probe.reason).toContain('enable unprivileged user namespaces');
  });

  it('mode auto picks bwrap where it works', needsBwrap, async () => {
    const sandbox = await createSandbox({ workspace, mode: 'auto' });
    expect(sandbox.kind).toBe('bwrap');
    expect((await probeSandbox()).kind).toBe('bwrap');
  });

  it('a write scope outside the workspace is refused at start', async () => {
    await expect(
      createSandbox({ workspace, mode: 'process', writeScopes: ['../elsewhere'] }),
    ).rejects.toBeInstanceOf(PathOutsideWorkspace);
  });
});
