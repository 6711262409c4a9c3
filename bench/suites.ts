// Benchmark of office's call graph on the two public ground-truth suites (../shared/suites: PyCG's Python
// micro-benchmark, SWARM-CG's JavaScript suite), scored by the suites' own scorer (score.py), beside the figures
// of established analyzers that the suites' README records.
//
//   node bench/suites.ts                          (after `npm run build`; Node 24 first on PATH)
//   node bench/suites.ts --against <checkout>     (also another office checkout, built: before/after)
//
// For each suite and build: precision, recall, cases without a false or a missing edge, wall time, and every case
// that is not exact, grouped by feature (the suite's top folder), each with its false and missing edges. A case
// whose ground truth the suites' README names as faulty is marked so: there office may be right and the truth
// wrong. A section is appended to bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SUITES = resolve(REPO, '..', 'shared', 'suites');
const SHOWN = 1000;

/** Established analyzers on the same suites with the same filter (../shared/suites/README.md). */
const PUBLISHED: Record<string, readonly string[]> = {
  'pycg-micro': ['| PyCG | 0.978 | 0.940 | 114/119 | 110/119 |'],
  'swarm-js': [
    '| Jelly 0.13 | 0.895 | 0.932 | 98/126 | 111/126 |',
    '| js-callgraph 1.3 (DEMAND) | 0.887 | 0.771 | 106/126 | 81/126 |',
  ],
};

interface Score {
  readonly summary: Record<string, string>;
  readonly failures: readonly { readonly path: string; readonly detail: string }[];
  readonly wallMs: number;
}

function score(checkout: string, suite: string): Score {
  const started = performance.now();
  const run = spawnSync(
    'python3',
    [join(SUITES, 'score.py'), join(SUITES, suite), '--show-fail', String(SHOWN)],
    {
      cwd: checkout,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`score.py on ${suite} in ${checkout} failed: ${run.stderr.trim()}`);
  const lines = run.stdout.trim().split('\n');
  const last = lines.at(-1)!;
  const summary = Object.fromEntries([...last.matchAll(/(\S+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const failures = lines.slice(0, -1).map((line) => {
    const colon = line.indexOf(': ');
    return { path: line.slice(0, colon), detail: line.slice(colon + 2) };
  });
  return { summary, failures, wallMs };
}

/** Cases the suites' README names as having faulty ground truth, as `suite/feature/case`. */
function knownFaults(): Set<string> {
  const text = readFileSync(join(SUITES, 'README.md'), 'utf8');
  const section = text.slice(text.indexOf('Known ground-truth faults'));
  const faults = new Set<string>();
  let current = '';
  for (const part of section.slice(0, section.indexOf('\n\n')).split(/;|\n/)) {
    const suite = /(swarm-js|pycg-micro)/.exec(part)?.[1];
    if (suite) current = suite;
    for (const m of part.matchAll(/`([a-z_]+\/[a-z_]+)`/g)) faults.add(`${current}/${m[1]}`);
  }
  return faults;
}

function machine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${load}`;
}

function row(label: string, s: Score): string {
  const { summary: m } = s;
  return `| ${label} | ${m.precision} | ${m.recall} | ${m['cases-without-false-edges']}/${m.cases} | ${m['cases-without-missing-edges']}/${m.cases} | ${m.TP} / ${m.FP} / ${m.FN} | ${(s.wallMs / 1000).toFixed(0)} s |`;
}

function main(): void {
  const at = process.argv.indexOf('--against');
  const against = at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined;
  if (against !== undefined && !existsSync(join(against, 'dist'))) {
    console.error(
      `--against ${against}: not a built office checkout (no dist/); run npm run build there first`,
    );
    process.exit(2);
  }
  const faults = knownFaults();
  const out: string[] = [`## Public call-graph suites (bench/suites.ts), ${new Date().toISOString()}`, ''];
  out.push(
    `Machine: ${machine()} at the start. Scorer: ../shared/suites/score.py (internal edges only).`,
    '',
  );
  for (const suite of ['pycg-micro', 'swarm-js']) {
    console.error(`scoring ${suite}...`);
    const now = score(REPO, suite);
    const before = against ? score(against, suite) : undefined;
    out.push(`### ${suite}`, '');
    out.push(
      '| analyzer | precision | recall | cases with no false edge | cases with no missing edge | TP / FP / FN | wall |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    out.push(row('office (this build)', now));
    if (before) out.push(row(`office at ${against}`, before));
    for (const line of PUBLISHED[suite] ?? []) out.push(`${line.slice(0, -1)}| | |`);
    out.push('');
    const byFeature = new Map<string, string[]>();
    for (const failure of now.failures) {
      const [feature] = failure.path.split('/');
      const fault = faults.has(`${suite}/${failure.path}`)
        ? ' (ground truth named faulty in the suites README)'
        : '';
      const list = byFeature.get(feature!) ?? [];
      list.push(`  - \`${failure.path}\`${fault}: ${failure.detail}`);
      byFeature.set(feature!, list);
    }
    out.push(`Cases not exact (${now.failures.length}), by feature:`, '');
    for (const [feature, list] of [...byFeature].sort()) out.push(`- ${feature} (${list.length})`, ...list);
    out.push('');
  }
  const text = `${out.join('\n')}\n`;
  appendFileSync(join(REPO, 'bench', 'RESULTS.md'), `\n${text}`);
  process.stdout.write(text);
}

main();
