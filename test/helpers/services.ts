// Test helper: real Redis and PostgreSQL from Debian's packages (`apt-get install redis-server postgresql`), each
// started for one test file on loopback, on a free port, in a temporary folder, and stopped after it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest installed PostgreSQL's programs (Debian keeps them in /usr/lib/postgresql/<version>/bin). */
function postgresBin(): string | undefined {
  if (process.env.OFFICE_PG_BIN) return process.env.OFFICE_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    if (existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

const PG_BIN = postgresBin();
const REDIS = onPath('redis-server');

/** Why the services cannot run here, or undefined when both are installed. */
export const servicesMissing: string | undefined =
  !PG_BIN || !REDIS
    ? `${[!REDIS ? 'redis-server' : '', !PG_BIN ? 'PostgreSQL (initdb)' : ''].filter(Boolean).join(' and ')} not installed (apt-get install -y redis-server postgresql)`
    : undefined;

/** .ci/run sets OFFICE_REQUIRE_SERVICES=1: there missing services fail the run instead of skipping the tests. */
export const servicesRequired = process.env.OFFICE_REQUIRE_SERVICES === '1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Waits until `child` prints `ready` (on stdout or stderr), or fails with what it printed. */
function waitForLine(child: ChildProcess, ready: RegExp, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${seen}`));
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill(signal);
  });
}

export interface RunningService {
  readonly url: string;
  stop(): Promise<void>;
}

/** redis-server on a free loopback port, persisting nothing, in a temporary folder. */
export async function startRedis(): Promise<RunningService> {
  if (!REDIS) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const dir = await mkdtemp(join(tmpdir(), 'office-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      REDIS,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitForLine(child, /Ready to accept connections/, 'redis-server');
    } catch (err) {
      await stopChild(child, 'SIGKILL');
      if (attempt < 2) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      async stop() {
        await stopChild(child, 'SIGTERM');
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * A PostgreSQL cluster of its own (initdb, trust authentication on loopback only) on a free port, in a temporary
 * folder. initdb refuses to run as root: as root, the cluster is made and run as Debian's `postgres` user.
 */
export async function startPostgres(): Promise<RunningService> {
  if (!PG_BIN) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'office-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (program: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, program), ...args]]
      : [join(PG_BIN, program), args];
  const data = join(dir, 'data');
  await run(...as('initdb', ['-D', data, '-U', 'office', '--auth=trust', '-E', 'UTF8', '--no-sync']), {
    timeout: 60_000,
  });
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const [program, args] = as('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ]);
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await waitForLine(child, /database system is ready to accept connections/, 'postgres');
    } catch (err) {
      await stopChild(child, 'SIGKILL');
      if (attempt < 2) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `postgres://office@127.0.0.1:${port}/postgres`,
      async stop() {
        // pg_ctl's "fast" shutdown: the postmaster ends its backends, then itself.
        await run(...as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']), { timeout: 30_000 }).catch(
          () => undefined,
        );
        await stopChild(child, 'SIGTERM');
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/** A fresh database in the cluster at `url` (one per test), returned as its URL. */
export async function freshDatabase(url: string, name: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
