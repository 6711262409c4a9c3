// Load test of `office serve` on loopback: 200 concurrent submissions of a template task (the README's trace) by
// autocannon, then waits for every task to finish. Reports p50/p95 latency of POST /v1/tasks and of task completion
// (created → finished, queueing included), and counts lost tasks (accepted but never finished, or not succeeded).
//
//   npm run build && node bench/serve-load.ts       (Node 24 first on PATH; loopback only; bounded: 200 requests)
//
// Results are appended to bench/RESULTS.md; the workspace is bench/.work/serve-load/.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(REPO, 'bench', '.work', 'serve-load');
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 200);
const REQUEST = 'trace checkout to chargeCard in ./shop/src';
const DEADLINE_MS = 10 * 60_000;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'ts-shop'), join(WORK, 'shop'), { recursive: true });
  const server = spawn(
    process.execPath,
    [join(REPO, 'bin', 'office.js'), 'serve', '--port', '0', '--offline', '--dir', WORK],
    {
      cwd: WORK,
      env: { ...process.env, OLLAMA_HOST: 'http://127.0.0.1:9', NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m?.[1]) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`office serve exited ${code}: ${log}`)));
  });
  const concurrency = 4;
  try {
    const ids = new Set<string>();
    const postLatencies: number[] = [];
    let next = 0;
    const started = performance.now();
    let instance: autocannon.Instance | undefined;
    const answered = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          url: `${url}/v1/tasks`,
          connections: SUBMISSIONS,
          amount: SUBMISSIONS,
          timeout: 60,
          requests: [
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ request: REQUEST }),
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                headers: { ...req.headers, 'idempotency-key': `load-${next++}` },
              }),
              onResponse: (status: number, body: string) => {
                if (status === 202) ids.add(JSON.parse(body).task_id);
              },
            },
          ],
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    });
    instance?.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
      postLatencies.push(ms),
    );
    const result = await answered;
    const submitSeconds = (performance.now() - started) / 1000;

    // Every accepted task must finish; the list is read until none is queued or running (bounded).
    const deadline = Date.now() + DEADLINE_MS;
    let rows: { task_id: string; state: string; status: string }[] = [];
    for (;;) {
      const page = (await (await fetch(`${url}/v1/tasks?limit=500`)).json()) as { tasks: typeof rows };
      rows = page.tasks;
      if (rows.every((r) => r.state === 'finished' || r.state === 'waiting')) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const allSeconds = (performance.now() - started) / 1000;
    const completion: number[] = [];
    let succeeded = 0;
    for (const id of ids) {
      const doc = (await (await fetch(`${url}/v1/tasks/${id}/document`)).json()) as {
        status: string;
        created_at: string;
        finished_at?: string;
      };
      if (doc.status === 'succeeded') succeeded++;
      if (doc.finished_at) completion.push(Date.parse(doc.finished_at) - Date.parse(doc.created_at));
    }
    const lost = SUBMISSIONS - succeeded;
    const lines = [
      '',
      '# Load test: `office serve` on loopback',
      '',
      `Written by \`node bench/serve-load.ts\`. ${SUBMISSIONS} concurrent submissions (autocannon, ${SUBMISSIONS} connections,`,
      `one request each, each with its own Idempotency-Key) of the template task "${REQUEST}" (no model) to`,
      `\`office serve --offline\` on 127.0.0.1, which runs ${concurrency} tasks at once (server.concurrency) on one`,
      'warm code index. Completion latency is the stored created_at → finished_at of each task (queueing included).',
      '',
      `- date: ${new Date().toISOString()}`,
      `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      `- load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')} (the machine is shared with other work)`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| submissions accepted (202) | ${result['2xx']} of ${SUBMISSIONS} (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}) |`,
      `| distinct tasks created | ${ids.size} |`,
      `| POST /v1/tasks latency p50 / p95 / max | ${percentile(postLatencies, 50).toFixed(0)} / ${percentile(postLatencies, 95).toFixed(0)} / ${Math.max(...postLatencies).toFixed(0)} ms |`,
      `| all 200 submissions answered in | ${submitSeconds.toFixed(1)} s |`,
      `| task completion p50 / p95 / max | ${percentile(completion, 50)} / ${percentile(completion, 95)} / ${Math.max(...completion)} ms |`,
      `| all tasks finished after | ${allSeconds.toFixed(1)} s (${(succeeded / allSeconds).toFixed(1)} tasks/s) |`,
      `| tasks succeeded | ${succeeded} |`,
      `| lost tasks (accepted, not succeeded) | ${lost} |`,
      '',
    ];
    appendFileSync(join(REPO, 'bench', 'RESULTS.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (lost > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

await main();
