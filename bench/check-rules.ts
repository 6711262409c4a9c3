// Benchmark of `office check`: ten call-path rules on zod's src (node_modules/zod/src, 332 files), warm — the code
// index cached on disk by a first (cold) run — timed in child processes.
//
//   node bench/check-rules.ts                                   (after `npm run build`; Node 24 first on PATH)
//   CHECK_BENCH_ENGINE=<another office checkout, built> node bench/check-rules.ts
//
// 1. The real binary: `office check --format json` on a copy of the tree; wall time from spawn to exit, peak RSS
//    (GNU time), and the report's own split (index_ms: loading the warm index and its graph; check_ms: the rules).
// 2. With CHECK_BENCH_ENGINE: the same pipeline in one child process — the graph from that checkout's code index
//    (`dist/src/code/code-service.js`, its `graph()`), the rules, report and text from this build — so that the
//    rules can be timed on a tree this build's index cannot load.
// A run that fails (a crash, out of memory, past BENCH_TIMEOUT_S) is recorded as such. Results are appended to
// bench/RESULTS.md; scratch copies go to bench/.work/.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const WORK = join(REPO, 'bench', '.work', 'check-rules');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 180);
const SOURCE = join(REPO, 'node_modules', 'zod', 'src');

/** Ten rules over zod's layers (v3, v4 core/classic/mini, locales); what matters here is their cost, not verdicts. */
const RULES = [
  { name: 'v3-not-v4', rule: 'forbid', from: 'v3/**', to: 'v4/**' },
  { name: 'core-not-classic', rule: 'forbid', from: 'v4/core/**', to: 'v4/classic/**' },
  { name: 'core-not-mini', rule: 'forbid', from: 'v4/core/**', to: 'v4/mini/**' },
  { name: 'locales-leaf', rule: 'forbid', from: 'v4/locales/**', to: ['v4/classic/**', 'v4/mini/**'] },
  { name: 'mini-not-classic', rule: 'forbid', from: 'v4/mini/**', to: 'v4/classic/**' },
  { name: 'classic-v3-via-core', rule: 'forbid', from: 'v4/classic/**', to: 'v3/**', via: 'v4/core/**' },
  {
    name: 'parse-reports-issues',
    rule: 'require',
    from: 'v3/types.ts:ZodType.parse',
    to: 'v3/helpers/parseUtil.ts:addIssueToContext',
  },
  { name: 'core-parse-errors', rule: 'require', from: 'v4/core/parse.ts:_parse', to: 'v4/core/errors.ts' },
  {
    name: 'issues-through-types',
    rule: 'only-through',
    from: 'v3/**',
    to: 'v3/helpers/parseUtil.ts:addIssueToContext',
    through: 'v3/types.ts',
  },
  {
    name: 'parse-depth',
    rule: 'max-depth',
    from: 'v3/types.ts:ZodType.parse',
    to: 'v3/helpers/parseUtil.ts:addIssueToContext',
    max: 4,
  },
];

interface Run {
  readonly ok: boolean;
  readonly wallMs: number;
  readonly rssMb?: number;
  readonly indexMs?: number;
  readonly checkMs?: number;
  readonly statuses?: string;
  readonly failure?: string;
}

/** A fresh copy of zod's src with the rules in its config (and its own .git marker, so it is a workspace). */
function freshTree(name: string): string {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(SOURCE, dir, { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.office.config.json'), `${JSON.stringify({ checks: RULES }, null, 2)}\n`);
  return dir;
}

function measured(command: string, args: readonly string[], cwd: string): Run {
  const time = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = spawnSync(
    time ? '/usr/bin/time' : command,
    time ? ['-f', '%M', command, ...args] : [...args],
    {
      cwd,
      encoding: 'utf8',
      timeout: TIMEOUT_S * 1000,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  const wallMs = Math.round(performance.now() - started);
  const rssLine = time ? child.stderr.trim().split('\n').at(-1) : undefined;
  const rssMb = rssLine && /^\d+$/.test(rssLine) ? Math.round(Number(rssLine) / 1024) : undefined;
  const base = { wallMs, ...(rssMb !== undefined ? { rssMb } : {}) };
  if (child.error || (child.status !== 0 && child.status !== 1)) {
    const why = child.error
      ? `${child.error.message}`
      : /heap out of memory/.test(child.stderr)
        ? 'JavaScript heap out of memory'
        : `exit ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`;
    return { ok: false, ...base, failure: why };
  }
  try {
    const report = JSON.parse(child.stdout) as {
      stats: { index_ms: number; check_ms: number };
      rules: { name: string; status: string }[];
    };
    return {
      ok: true,
      ...base,
      indexMs: report.stats.index_ms,
      checkMs: report.stats.check_ms,
      statuses: report.rules.map((r) => `${r.name} ${r.status}`).join(', '),
    };
  } catch {
    return { ok: false, ...base, failure: `no JSON report on stdout (exit ${child.status})` };
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

function describe(label: string, cold: Run, warm: readonly Run[]): string[] {
  if (!cold.ok) {
    return [
      `| ${label} | did not finish cold: ${cold.failure} after ${cold.wallMs} ms (peak RSS ${cold.rssMb ?? '?'} MB) | | | | |`,
    ];
  }
  const done = warm.filter((r) => r.ok);
  if (done.length === 0) return [`| ${label} | warm runs failed: ${warm[0]?.failure} | | | | |`];
  return [
    `| ${label} | ${median(done.map((r) => r.wallMs))} | ${median(done.map((r) => r.indexMs!))} | ${median(
      done.map((r) => r.checkMs!),
    )} | ${median(done.map((r) => r.rssMb ?? 0))} | ${done.map((r) => r.wallMs).join(' / ')} (cold ${cold.wallMs}) |`,
  ];
}

/** Child mode: another checkout's index gives the graph; this build's rules judge it. Prints a report's JSON. */
async function child(engine: string, dir: string): Promise<void> {
  const mod = (path: string) => import(pathToFileURL(path).href);
  const { createCodeIndexService } = await mod(join(engine, 'dist', 'src', 'code', 'code-service.js'));
  const { loadConfig } = await mod(join(REPO, 'dist', 'src', 'config', 'load.js'));
  const { checkRules } = await mod(join(REPO, 'dist', 'src', 'check', 'check-rules.js'));
  const { graphViewOf } = await mod(join(REPO, 'dist', 'src', 'check', 'graph-view.js'));
  const { buildReport } = await mod(join(REPO, 'dist', 'src', 'check', 'report.js'));
  const { formatCheckText } = await mod(join(REPO, 'dist', 'src', 'check', 'format-text.js'));
  const { config } = await loadConfig(dir);
  const started = performance.now();
  const graph = await createCodeIndexService().graph(dir);
  const indexed = performance.now();
  const result = checkRules(graphViewOf(graph), config.checks);
  const checked = performance.now();
  const report = buildReport({
    result,
    stats: {
      files: 0,
      symbols: graph.symbols.length,
      calls: graph.edges.length,
      index_ms: Math.round(indexed - started),
      check_ms: Math.round(checked - indexed),
      cache: null,
    },
    lineText: () => '',
  });
  formatCheckText(report);
  process.stdout.write(JSON.stringify(report));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, process.argv[4]!);
    return;
  }
  mkdirSync(WORK, { recursive: true });
  const rows: string[] = [];
  const notes: string[] = [];

  const own = freshTree('zod-this-build');
  const officeArgs = [join(REPO, 'bin', 'office.js'), 'check', '--dir', own, '--format', 'json'];
  const cold = measured(process.execPath, officeArgs, own);
  const warm = cold.ok ? Array.from({ length: RUNS }, () => measured(process.execPath, officeArgs, own)) : [];
  rows.push(...describe('`office check --format json` (this build: index and rules)', cold, warm));
  const verdicts = warm.find((r) => r.ok)?.statuses;
  if (verdicts) notes.push(`- verdicts (this build): ${verdicts}`);

  const engine = process.env.CHECK_BENCH_ENGINE;
  if (engine) {
    const other = freshTree('zod-other-engine');
    const args = [SELF, '--child', engine, other];
    const engineCold = measured(process.execPath, args, other);
    const engineWarm = engineCold.ok
      ? Array.from({ length: RUNS }, () => measured(process.execPath, args, other))
      : [];
    rows.push(
      ...describe(
        `graph from the index of ${engine}, rules of this build (one process)`,
        engineCold,
        engineWarm,
      ),
    );
    const engineVerdicts = engineWarm.find((r) => r.ok)?.statuses;
    if (engineVerdicts) notes.push(`- verdicts (graph from ${engine}): ${engineVerdicts}`);
  }

  const text = [
    '',
    `## office check: ten rules on zod's src, warm (bench/check-rules.ts), ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )} at the end. One cold run fills the index cache, then ${RUNS} warm runs; medians. Wall time from`,
    "spawn to exit; index ms and rules ms are the report's own split (index: the warm index and its whole graph).",
    '',
    '| what | wall ms | index ms | rules ms | peak RSS MB | every warm run ms |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    ...notes,
    '',
  ].join('\n');
  appendFileSync(join(REPO, 'bench', 'RESULTS.md'), text);
  process.stdout.write(text);
}

await main();
