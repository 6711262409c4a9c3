// Benchmark behind the choice of HTTP framework for `office serve`: the same two routes (a POST with a zod-checked
// JSON body answering 202, and a GET with a path parameter) on Hono with its Node adapter and on Fastify, each
// served by a child process on loopback and loaded by autocannon from this one; plus each framework's import time.
//
//   npm i --no-save fastify@5 && node bench/http-framework.ts    (Node 24 first on PATH; loopback only, ~1 minute)
//
// Fastify is not a dependency of office (Hono won: see RESULTS.md), hence the --no-save install.
//
// Results are appended to bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { z } from 'zod';

const SELF = fileURLToPath(import.meta.url);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;

const bodySchema = z.strictObject({
  request: z.string().min(1),
  options: z.strictObject({ max_iterations: z.int().min(1).max(20).optional() }).optional(),
});

/** Child: serves the two routes with `framework` on a free loopback port and prints the port. */
async function serve(framework: string): Promise<void> {
  let n = 0;
  const accepted = () => ({ task_id: `t${++n}`, status_url: `/v1/tasks/t${n}` });
  if (framework === 'hono') {
    const { Hono } = await import('hono');
    const { serve: honoServe } = await import('@hono/node-server');
    const app = new Hono();
    app.post('/v1/tasks', async (c) => {
      const parsed = bodySchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message }, 400);
      return c.json(accepted(), 202);
    });
    app.get('/v1/tasks/:id', (c) => c.json({ task_id: c.req.param('id'), status: 'running' }));
    const server = honoServe({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      process.stdout.write(`${info.port}\n`),
    );
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  } else {
    // Held in a variable: fastify is installed only for this benchmark (--no-save), so it has no types here.
    const fastifyModule: string = 'fastify';
    const { default: Fastify } = await import(fastifyModule);
    const app = Fastify();
    app.post(
      '/v1/tasks',
      async (req: { body: unknown }, reply: { code(status: number): { send(value: unknown): unknown } }) => {
        const parsed = bodySchema.safeParse(req.body);
        if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues[0]?.message });
        return reply.code(202).send(accepted());
      },
    );
    app.get('/v1/tasks/:id', async (req: { params: { id: string } }) => ({
      task_id: req.params.id,
      status: 'running',
    }));
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    process.stdout.write(`${new URL(address).port}\n`);
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  }
}

interface Row {
  framework: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(framework: string): Promise<Row[]> {
  const child = spawn(process.execPath, [SELF, 'serve', framework], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (s: string) => resolve(Number(s.trim())));
    child.once('exit', (code) => reject(new Error(`${framework} server exited ${code}`)));
  });
  const rows: Row[] = [];
  try {
    for (const route of ['POST /v1/tasks', 'GET /v1/tasks/:id'] as const) {
      const post = route.startsWith('POST');
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${post ? '/v1/tasks' : '/v1/tasks/abc'}`,
        method: post ? 'POST' : 'GET',
        connections: CONNECTIONS,
        duration: SECONDS,
        ...(post
          ? {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                request: 'trace checkout to chargeCard',
                options: { max_iterations: 2 },
              }),
            }
          : {}),
      });
      rows.push({
        framework,
        route,
        rps: Math.round(result.requests.average),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
      });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return rows;
}

/** Median wall time of importing the framework (and its Node adapter) in a fresh process. */
function importMs(framework: string): number {
  const code =
    framework === 'hono'
      ? "await import('hono'); await import('@hono/node-server');"
      : "await import('fastify');";
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2] ?? 0);
}

async function main(): Promise<void> {
  const baseline = Math.round(
    (() => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      return performance.now() - t;
    })(),
  );
  const rows: Row[] = [];
  const imports: Record<string, number> = {};
  for (const framework of ['hono', 'fastify']) {
    imports[framework] = importMs(framework);
    rows.push(...(await load(framework)));
  }
  const lines = [
    '',
    '# HTTP framework for `office serve`: Hono vs Fastify',
    '',
    'Written by `node bench/http-framework.ts`. The same two routes on each framework (POST with a zod-checked',
    `JSON body answering 202; GET with a path parameter), served by a child process on 127.0.0.1 and loaded by`,
    `autocannon from the parent: ${CONNECTIONS} connections, ${SECONDS} s per route. Import time: median of 5 fresh`,
    `processes importing the framework (and Hono's Node adapter), a bare \`node -e 0\` taking ${baseline} ms.`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    `- load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
    '',
    '| framework | route | req/s | p50 ms | p99 ms | errors | import ms |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.framework} | ${r.route} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${imports[r.framework]} |`,
    ),
    '',
  ];
  appendFileSync(RESULTS, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[2] === 'serve') await serve(process.argv[3] ?? 'hono');
else await main();
