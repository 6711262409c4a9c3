// Benchmark of what a user waits for: CLI start-up, the whole offline `office run` on the README example
// (decompose → plan → validate → approve → execute → review), and `office trace` on a real Python tree.
//
//   npm run build && node bench/run-loop.ts       (Node 24: node_modules/.bin first on PATH)
//
// Every measurement is the real binary in a child process, timed from spawn to exit; peak RSS from GNU time.
// Results are appended to bench/RESULTS.md; scratch copies go to bench/.work/.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin', 'office.js');
const WORK = join(REPO, 'bench', '.work');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Timed {
  readonly wall_ms: number;
  readonly rss_mb: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function office(args: readonly string[], cwd: string): Timed {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: {
      ...process.env,
      NO_COLOR: '1',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      OPENAI_API_KEY: '',
      GEMINI_API_KEY: '',
    },
  });
  const wall = Math.round(performance.now() - started);
  const lines = run.stderr.trimEnd().split('\n');
  const rss = Number(lines.at(-1));
  return {
    wall_ms: wall,
    rss_mb: Math.round(rss / 1024),
    code: run.status,
    stdout: run.stdout,
    stderr: lines.slice(0, -1).join('\n'),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

/** A scratch workspace holding a copy of `source` as `<subdir>` (a Python package keeps its own name). */
function fresh(name: string, source: string, subdir = 'src'): string {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  cpSync(source, join(dir, subdir), { recursive: true });
  return dir;
}

function check(t: Timed, what: string): Timed {
  if (t.code !== 0) throw new Error(`${what} exited ${t.code}:\n${t.stderr}`);
  return t;
}

const rows: string[] = [];
const notes: string[] = [];
const row = (what: string, runs: Timed[]) =>
  rows.push(
    `| ${what} | ${median(runs.map((r) => r.wall_ms))} | ${runs.map((r) => r.wall_ms).join(' / ')} | ${median(runs.map((r) => r.rss_mb))} |`,
  );

// Start-up: no parser, SDK or UI may load for these.
row(
  '`office --version`',
  Array.from({ length: RUNS }, () => check(office(['--version'], REPO), '--version')),
);
row(
  '`office --help`',
  Array.from({ length: RUNS }, () => check(office(['--help'], REPO), '--help')),
);

// The README example through the whole loop, offline: cold (no .office/) and warm (index cached).
const request = 'trace checkout to chargeCard in ./src';
const cold: Timed[] = [];
const warm: Timed[] = [];
for (let i = 0; i < RUNS; i++) {
  const ws = fresh('loop', join(REPO, 'test', 'fixtures', 'ts-shop', 'src'));
  cold.push(check(office(['run', '--offline', '--json', request], ws), 'cold run'));
  warm.push(check(office(['run', '--offline', '--json', request], ws), 'warm run'));
}
row(`\`office run --offline "${request}"\` on ts-shop, cold`, cold);
row(`the same, warm (index cached)`, warm);
const ws = join(WORK, 'loop');
const viaRun = JSON.parse(warm.at(-1)?.stdout ?? '{}').result;
const viaTrace = JSON.parse(
  check(office(['trace', 'checkout', 'chargeCard', '--dir', 'src', '--json'], ws), 'trace').stdout,
);
const strip = (r: { stats?: unknown }) => ({ ...r, stats: undefined });
notes.push(
  `- \`office run … --json\` result and \`office trace checkout chargeCard --dir src --json\` are ${
    JSON.stringify(strip(viaRun)) === JSON.stringify(strip(viaTrace)) ? 'identical' : '**different**'
  } (stats aside: index time and cache state differ by run).`,
);

// A real Python tree nobody here wrote: pip as Debian ships it.
const pip = '/usr/lib/python3/dist-packages/pip';
if (existsSync(pip)) {
  const from = '_internal/commands/install.py:InstallCommand.run';
  const to = '_vendor/resolvelib/resolvers.py:Resolution.resolve';
  const pyCold: Timed[] = [];
  const pyWarm: Timed[] = [];
  let answer = '';
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const dir = fresh('pip', pip, 'pip');
    pyCold.push(check(office(['trace', from, to, '--dir', 'pip', '--json'], dir), 'pip cold'));
    const again = check(office(['trace', from, to, '--dir', 'pip', '--json'], dir), 'pip warm');
    pyWarm.push(again);
    const result = JSON.parse(again.stdout);
    answer = `${result.status}: ${result.paths[0].hops.map((h: { qualified_name: string; file: string; line: number; edge: string | null }) => `${h.qualified_name} (${h.file}:${h.line}${h.edge ? `, ${h.edge}` : ''})`).join(' → ')}; index ${JSON.stringify(result.stats)}`;
  }
  row(`\`office trace ${from} ${to}\` on pip (${pip}), cold`, pyCold);
  row('the same, warm', pyWarm);
  notes.push(`- pip answer: ${answer}`);
} else {
  notes.push(`- ${pip} is not on this machine: the Python measurement was skipped.`);
}

const header = [
  '',
  `## Start-up and the whole loop (bench/run-loop.ts), ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end. ${RUNS} runs each (3 for pip); wall time from spawn to exit of the real binary.`,
  '',
  '| what | median ms | every run ms | peak RSS MB |',
  '|---|---:|---|---:|',
];
const text = [...header, ...rows, '', ...notes, ''].join('\n');
appendFileSync(join(REPO, 'bench', 'RESULTS.md'), text);
process.stdout.write(text);
