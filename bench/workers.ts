// Benchmark of `office worker`: template tasks per second with 1, 2 and 4 worker processes on one BullMQ queue
// (a real Redis) with task state in a real PostgreSQL, both started here from Debian's packages.
//
//   npm run build && node bench/workers.ts       (Node 24: node_modules/.bin first on PATH)
//
// Each round: a fresh database and queue, N `office worker --concurrency 1` processes started and ready, then TASKS
// tasks submitted at once (the README's trace on test/fixtures/ts-shop, offline: decompose, plan, validate, approve,
// index, trace, review); timed from the first submission until the last task is stored as succeeded. Results are
// appended to bench/RESULTS.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin', 'office.js');
const WORK = join(REPO, 'bench', '.work', 'workers');
const TASKS = Number(process.env.BENCH_TASKS ?? 40);
const REQUEST = 'trace checkout to chargeCard in ./shop/src';
const { createTask } = await import(join(REPO, 'dist/src/cli/commands/run.js'));
const { openWorkspace } = await import(join(REPO, 'dist/src/cli/wiring.js'));
const { openTaskQueue } = await import(join(REPO, 'dist/src/queue/task-queue.js'));
const { workerConfigSchema } = await import(join(REPO, 'dist/src/schemas/backends.js'));
// The tests' helper that starts Redis and PostgreSQL from Debian's packages (Node runs the .ts file as it is).
const services: typeof import('../test/helpers/services.js') = await import(
  join(REPO, 'test/helpers/services.ts')
);
const { freshDatabase, startPostgres, startRedis } = services;

function startWorker(
  cwd: string,
  env: Record<string, string>,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '1', '--offline'], {
    cwd,
    env: { ...process.env, ...env, NO_COLOR: '1', OLLAMA_HOST: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('taking tasks')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${seen}`)));
  });
  return { child, ready };
}

async function round(
  workers: number,
  redisUrl: string,
  pgUrl: string,
): Promise<{ seconds: number; perSecond: number }> {
  const dir = join(WORK, `w${workers}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'ts-shop'), join(dir, 'shop'), { recursive: true });
  const queueName = `bench-${workers}-${Date.now()}`;
  writeFileSync(join(dir, '.office.config.json'), `${JSON.stringify({ worker: { queueName } })}\n`);
  const store = await freshDatabase(pgUrl, `bench_${workers}_${Date.now()}`);
  const env = { OFFICE_STORE: store, OFFICE_QUEUE: redisUrl };
  const started = Array.from({ length: workers }, () => startWorker(dir, env));
  try {
    await Promise.all(started.map((w) => w.ready));
    const ws = await openWorkspace(dir, { store });
    const queue = openTaskQueue(redisUrl, workerConfigSchema.parse({ queueName }));
    const t0 = performance.now();
    for (let i = 0; i < TASKS; i++) {
      const taskId = await createTask(ws, REQUEST, { yes: false, offline: true, cwd: '' }, { priority: 100 });
      await queue.enqueue(taskId, 100);
    }
    for (;;) {
      const { tasks } = await ws.store.list();
      const done = tasks.filter(
        (t: { status: string }) => t.status !== 'running' && t.status !== 'interrupted',
      );
      if (done.length === TASKS) {
        const failed = done.filter((t: { status: string }) => t.status !== 'succeeded');
        if (failed.length > 0) throw new Error(`${failed.length} tasks did not succeed`);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    await queue.close();
    await ws.close();
    return { seconds, perSecond: TASKS / seconds };
  } finally {
    for (const w of started) w.child.kill('SIGTERM');
    await Promise.all(
      started.map((w) => new Promise((r) => (w.child.exitCode !== null ? r(0) : w.child.once('exit', r)))),
    );
  }
}

const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
const rows: string[] = [];
const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ');
try {
  for (const n of [1, 2, 4]) {
    const r = await round(n, redis.url, postgres.url);
    rows.push(`| ${n} | ${TASKS} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(2)} |`);
    process.stderr.write(
      `${n} worker(s): ${TASKS} tasks in ${r.seconds.toFixed(1)} s (${r.perSecond.toFixed(2)}/s)\n`,
    );
  }
} finally {
  await Promise.all([redis.stop(), postgres.stop()]);
}
const cpu = cpus();
const text = `
# Workers benchmark

Written by \`node bench/workers.ts\`: ${TASKS} offline template tasks (\`${REQUEST}\` on test/fixtures/ts-shop:
decompose, plan, validate, approve, index, trace, review) submitted at once to a BullMQ queue on a local Redis,
task state in a local PostgreSQL (both Debian packages, started by the benchmark, fsync off), run by N
\`office worker --concurrency 1\` processes on this machine. Timed from the first submission until every task is
stored as succeeded. The code index cache is the workspace's, shared by the workers.

## Machine

- date: ${new Date().toISOString()}
- nproc: ${cpu.length} (${cpu[0]?.model.trim() ?? 'unknown'})
- memory: ${Math.round(totalmem() / 2 ** 30)} GiB
- node: ${process.version}
- load average at start: ${loadBefore}; at the end: ${loadavg()
  .map((n) => n.toFixed(2))
  .join(', ')}

## Results

| workers | tasks | seconds | tasks/s |
|---:|---:|---:|---:|
${rows.join('\n')}
`;
appendFileSync(join(REPO, 'bench', 'RESULTS.md'), text);
process.stdout.write(text);
