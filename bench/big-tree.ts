// Benchmark of the code index on a tree of ~10,000 files (issue 11): pinned npm packages installed together by
// this script, their node_modules folder is the tree. Measures, each in its own child process with its peak RSS:
// the parse floor (one thread parsing every indexed file with @babel/parser, nothing else), a cold trace (no
// store), warm traces (unchanged tree), and a trace after one file is edited.
//
//   npm run build && node bench/big-tree.ts        (Node 24: node_modules/.bin first on PATH)
//
// Appends its section to bench/RESULTS.md; the tree lives in bench/.work/tree10k (installed once, ~15 s).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGES = [
  'webpack@5.97.1',
  'eslint@9.17.0',
  'date-fns@4.1.0',
  'lodash@4.17.21',
  'rxjs@7.8.2',
  'typeorm@0.3.20',
];
const FROM = 'Compiler.compile';
const TO = 'Compilation.seal';
const EDITED = 'webpack/lib/Compiler.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BASE = join(REPO, 'bench', '.work', 'tree10k');
const TREE = join(BASE, 'node_modules');
const SELF = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Measured {
  wall_ms: number;
  max_rss_mb: number;
  [key: string]: unknown;
}

const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Child: one trace through the compiled service, timed from before the import to the answer. */
async function childTrace(): Promise<void> {
  const started = performance.now();
  const url = pathToFileURL(join(REPO, 'dist', 'src', 'code', 'code-service.js')).href;
  const { createCodeIndexService } = await import(url);
  const result = await createCodeIndexService().trace({ dir: TREE, from: FROM, to: TO });
  process.stdout.write(
    JSON.stringify({
      wall_ms: Math.round(performance.now() - started),
      max_rss_mb: rssMb(),
      path:
        result.paths[0]?.hops
          .map(
            (h: { qualified_name: string; file: string; line: number }) =>
              `${h.qualified_name} ${h.file}:${h.line}`,
          )
          .join(' → ') ?? '',
      stats: result.stats,
    }),
  );
}

/** Child: the parse floor, every JS/TS file the index reads (same walk, same minified rule) parsed once by @babel/parser on this thread. */
async function childParse(): Promise<void> {
  const started = performance.now();
  const { parse } = await import('@babel/parser');
  const dist = (path: string) => import(pathToFileURL(join(REPO, 'dist', 'src', ...path.split('/'))).href);
  const { isMinified } = await dist('util/minified.js');
  const { walkFiles } = await dist('util/walk.js');
  const { ecmascriptExtensions } = await dist('code/ecmascript/parse.js');
  let files = 0;
  let failed = 0;
  const paths: string[] = await walkFiles(TREE, {
    extensions: ecmascriptExtensions,
    maxFileBytes: 2_000_000,
    gitignoreFrom: BASE,
  });
  for (const path of paths) {
    if (/\.d\.[cm]?ts$/.test(path)) continue;
    const text = readFileSync(join(TREE, path), 'utf8');
    if (isMinified(path, text)) continue;
    const ts = /\.(c|m)?tsx?$/.test(path);
    try {
      parse(text, {
        sourceType: 'unambiguous',
        errorRecovery: true,
        plugins: ts ? ['typescript', 'decorators'] : ['jsx'],
      });
    } catch {
      failed++;
    }
    files++;
  }
  process.stdout.write(
    JSON.stringify({ wall_ms: Math.round(performance.now() - started), max_rss_mb: rssMb(), files, failed }),
  );
}

function run(mode: string): Measured {
  const out = execFileSync(process.execPath, [SELF, mode], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out) as Measured;
}

const median = (list: readonly Measured[]): Measured =>
  [...list].sort((a, b) => a.wall_ms - b.wall_ms)[Math.floor(list.length / 2)]!;

function install(): void {
  if (existsSync(join(TREE, 'webpack', 'package.json'))) return;
  mkdirSync(join(BASE, '.git'), { recursive: true });
  writeFileSync(join(BASE, 'package.json'), '{ "private": true }\n');
  process.stderr.write(`installing ${PACKAGES.join(' ')} into ${BASE} ...\n`);
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...PACKAGES], {
    cwd: BASE,
    stdio: 'inherit',
  });
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'trace') return childTrace();
  if (mode === 'parse') return childParse();
  install();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const clear = () => rmSync(join(BASE, '.office'), { recursive: true, force: true });
  const edited = join(TREE, EDITED);
  const original = readFileSync(edited, 'utf8');
  const runs: Record<'parse' | 'cold' | 'warm' | 'edited', Measured[]> = {
    parse: [],
    cold: [],
    warm: [],
    edited: [],
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`run ${i + 1} of ${RUNS}\n`);
      runs.parse.push(run('parse'));
      clear();
      writeFileSync(edited, original);
      runs.cold.push(run('trace'));
      runs.warm.push(run('trace'));
      appendFileSync(edited, `\n// edited by the benchmark, run ${i + 1}\n`);
      runs.edited.push(run('trace'));
    }
  } finally {
    writeFileSync(edited, original);
  }
  const rows = (['parse', 'cold', 'warm', 'edited'] as const).map((key) => {
    const m = median(runs[key]);
    const label = {
      parse: `parse floor (@babel/parser, one thread, ${m.files} files)`,
      cold: 'cold trace (no store)',
      warm: 'warm trace (unchanged tree)',
      edited: `one file edited (${EDITED}), trace`,
    }[key];
    const stats = m.stats as { cache?: string; linked?: string[] } | undefined;
    const cache = stats ? `${stats.cache}${stats.linked ? `, linked ${stats.linked.join(', ')}` : ''}` : '';
    return `| ${label} | ${m.wall_ms} | ${runs[key].map((r) => r.wall_ms).join(' / ')} | ${m.max_rss_mb} | ${cache} |`;
  });
  const cold = median(runs.cold);
  const section = [
    '',
    `## 10k-file tree (bench/big-tree.ts), ${new Date().toISOString()}`,
    '',
    `- tree: node_modules of ${PACKAGES.join(', ')}; ${(cold.stats as { files: number }).files} files indexed`,
    `- query: \`office trace ${FROM} ${TO}\` → ${cold.path || '(no path)'}`,
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load at start ${load}, at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
    `- ${RUNS} runs each, median shown; wall time includes loading the modules`,
    '',
    '| run | wall ms (median) | every run | peak RSS MB | cache |',
    '|---|---:|---|---:|---|',
    ...rows,
    '',
  ].join('\n');
  appendFileSync(join(REPO, 'bench', 'RESULTS.md'), section);
  process.stdout.write(section);
}

await main();
