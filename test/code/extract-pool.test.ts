// Extraction in worker threads: the pool gives the facts main-thread extraction gives, for every language and a
// mixed tree; a worker that fails hands its files back; no thread outlives the pool. Worker threads cannot load the
// TypeScript sources vitest runs, so these tests run the compiled code (dist/, built by `pretest`) in a child
// process, as the CLI runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { poolSize, workerThreadsUsable } from '../../src/code/extract-pool.js';
import { buildIndex } from '../../src/code/indexer.js';
import { FIXTURES, REPO_ROOT } from '../helpers/workspace.js';

const DIST = join(REPO_ROOT, 'dist', 'src', 'code');
const LANGUAGES = ['ts-shop', 'js-shop', 'py-shop', 'go-shop', 'java-shop'] as const;
/** Every worker the pool may start, with every file sent to workers (none extracted by the main thread). */
const ALL_IN_WORKERS = { workers: 2, minBytes: 0, mainThreadAdapters: [], mainThreadExtracts: false };

/** Run by the child: `index` builds an index of a dir; `pool` extracts files with the pool directly. */
const CHILD = `
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
const dist = process.env.DIST_CODE;
const { buildIndex } = await import(dist + '/indexer.js');
const { extractInPool } = await import(dist + '/extract-pool.js');
const { builtinAdapters, loadAdapter } = await import(dist + '/adapters.js');
const request = JSON.parse(process.argv[2]);
/** Each adapter's check of facts handed back to link: facts failing it are extracted again, silently. */
const schemas = {
  ecmascript: (await import(dist + '/ecmascript/facts.js')).ecmascriptFactsSchema,
  python: (await import(dist + '/treesitter/python/facts.js')).pyFactsSchema,
  go: (await import(dist + '/treesitter/go/facts.js')).goFactsSchema,
  java: (await import(dist + '/treesitter/java/facts.js')).javaFactsSchema,
};

if (request.mode === 'index') {
  const progress = [];
  const index = await buildIndex(request.dir, {
    extractPool: request.policy,
    onProgress: (done, total) => progress.push([done, total]),
  });
  const byId = (a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(index.cache.storePath, { readOnly: true });
  const cachedFacts = Object.fromEntries(
    db.prepare('SELECT path, adapter, data FROM facts').all()
      .map((row) => [row.path, { adapter: row.adapter, facts: JSON.parse(row.data) }]),
  );
  db.close();
  process.stdout.write(JSON.stringify({
    extraction: index.extraction ?? null,
    unusable: Object.entries(cachedFacts)
      .filter(([, file]) => !schemas[file.adapter].safeParse(file.facts).success)
      .map(([path]) => path),
    extracted: index.facts.extracted,
    problems: index.problems,
    symbols: [...index.graph.symbols()].sort(byId),
    edges: index.parts.flatMap((part) => part.linkedHere?.edges ?? []).sort(byId),
    progress,
    cachedFacts,
  }));
} else {
  const adapter = await loadAdapter(builtinAdapters.find((entry) => entry.id === request.adapter));
  // The worker is told this id: a wrong one is a worker that cannot load its adapter.
  const sent = { ...adapter, id: request.sendAs ?? adapter.id };
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (adapter.extensions.some((ext) => path.endsWith(ext))) files.push(path);
    }
  };
  walk(request.dir);
  const jobs = [];
  for (let copy = 0; copy < (request.copies ?? 1); copy++) {
    for (const path of files) {
      const file = { path: copy + '/' + relative(request.dir, path), absPath: path, text: readFileSync(path, 'utf8'), hash: '' };
      jobs.push({ file, adapter: sent });
    }
  }
  const controller = new AbortController();
  const results = {};
  let outcome;
  try {
    const report = await extractInPool(jobs, {
      workers: request.workers,
      mainThreadExtracts: request.mainThreadExtracts ?? false,
      signal: controller.signal,
      ...(request.workerEntry ? { workerEntry: new URL(request.workerEntry) } : {}),
      onExtracted: (job, result) => {
        results[job.file.path] = result;
        if (request.abortAfter !== undefined && Object.keys(results).length >= request.abortAfter) controller.abort();
      },
    });
    outcome = { report };
  } catch (err) {
    outcome = { error: err.name };
  }
  const local = Object.fromEntries(jobs.map((job) => [job.file.path, JSON.parse(JSON.stringify({ facts: adapter.extract(job.file) }))]));
  process.stdout.write(JSON.stringify({ ...outcome, jobs: jobs.length, results, local }));
}
`;

let workspace: string;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  if (!existsSync(join(DIST, 'extract-worker.js'))) {
    throw new Error(`${DIST}/extract-worker.js is missing: run \`npm run build\` first (npm test does).`);
  }
  workspace = await mkdtemp(join(tmpdir(), 'office-extract-pool-'));
  await mkdir(join(workspace, '.git'));
  await writeFile(join(workspace, 'child.mjs'), CHILD);
});

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await rm(workspace, { recursive: true, force: true });
});

/**
 * Runs the child with `request` and returns what it printed. It must exit by itself: a worker thread left
 * running would keep it alive, and it is then killed and the test fails.
 */
function runChild(request: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(workspace, 'child.mjs'), JSON.stringify(request)], {
      env: { ...process.env, DIST_CODE: pathToFileURL(DIST).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code !== 0) {
        reject(
          new Error(
            `child ended with ${signal ?? `exit code ${code}`} (a stray thread keeps it alive)\n${stderr}`,
          ),
        );
      } else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

async function copyFixture(name: string, to: string): Promise<void> {
  await cp(join(FIXTURES, name), to, { recursive: true });
}

/** Indexes `dir` on the main thread only, then again (cache removed) with every file extracted in workers. */
async function indexBothWays(dir: string) {
  const main = await runChild({ mode: 'index', dir, policy: { workers: 0 } });
  await rm(join(workspace, '.office'), { recursive: true, force: true });
  const pooled = await runChild({ mode: 'index', dir, policy: ALL_IN_WORKERS });
  return { main, pooled };
}

describe('extraction pool (compiled, in a child process)', () => {
  it.each(LANGUAGES)('extracts the same facts in workers as on the main thread: %s', async (fixture) => {
    const dir = join(workspace, fixture);
    await copyFixture(fixture, dir);
    const { main, pooled } = await indexBothWays(dir);
    const files = Object.keys(main.cachedFacts as object).length;
    expect(files).toBeGreaterThan(3);
    expect(main.extraction).toBeNull();
    expect(pooled.extraction).toMatchObject({ inWorkers: files, onMain: 0, failedWorkers: 0 });
    expect(pooled.cachedFacts).toEqual(main.cachedFacts);
    expect(pooled.symbols).toEqual(main.symbols);
    expect(pooled.edges).toEqual(main.edges);
    expect(pooled.problems).toEqual(main.problems);
    expect(pooled.extracted).toBe(files);
    expect(main.extracted).toBe(files);
    // Linking takes the workers' facts as they are, without extracting the files again.
    expect(pooled.unusable).toEqual([]);
  });

  it('indexes a mixed-language tree with each file extracted by its own adapter, in workers', async () => {
    const dir = join(workspace, 'mixed');
    for (const fixture of LANGUAGES) await copyFixture(fixture, join(dir, fixture));
    const { main, pooled } = await indexBothWays(dir);
    const cached = pooled.cachedFacts as Record<string, { adapter: string }>;
    const adapterOf = (path: string) =>
      /\.(py)$/.test(path)
        ? 'python'
        : /\.go$/.test(path)
          ? 'go'
          : /\.java$/.test(path)
            ? 'java'
            : 'ecmascript';
    expect(new Set(Object.values(cached).map((file) => file.adapter))).toEqual(
      new Set(['ecmascript', 'python', 'go', 'java']),
    );
    for (const [path, file] of Object.entries(cached)) expect(file.adapter).toBe(adapterOf(path));
    expect(pooled.extraction).toMatchObject({ inWorkers: Object.keys(cached).length, failedWorkers: 0 });
    expect(pooled.cachedFacts).toEqual(main.cachedFacts);
    expect(pooled.symbols).toEqual(main.symbols);
    expect(pooled.edges).toEqual(main.edges);
  });

  it('ticks progress once per file while workers extract, up to the total', async () => {
    const dir = join(workspace, 'py-shop');
    await copyFixture('py-shop', dir);
    const { pooled } = await indexBothWays(dir);
    const progress = pooled.progress as [number, number][];
    const total = Object.keys(pooled.cachedFacts as object).length;
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
    expect(progress.every(([, of]) => of === total)).toBe(true);
  });

  it('keeps the main thread alone below the size threshold', async () => {
    const dir = join(workspace, 'py-shop');
    await copyFixture('py-shop', dir);
    const small = await runChild({ mode: 'index', dir, policy: { workers: 2, mainThreadAdapters: [] } });
    expect(small.extraction).toBeNull();
    const tsDir = join(workspace, 'ts-shop');
    await copyFixture('ts-shop', tsDir);
    const jsOnly = await runChild({ mode: 'index', dir: tsDir, policy: { minBytes: 0 } });
    expect(jsOnly.extraction).toBeNull();
  });

  it('extracts on the main thread the files of a worker that cannot load its adapter', async () => {
    const dir = join(workspace, 'ts-shop');
    await copyFixture('ts-shop', dir);
    const run = await runChild({
      mode: 'pool',
      dir,
      adapter: 'ecmascript',
      sendAs: 'no-such-language',
      workers: 2,
    });
    expect(run.report).toEqual({ workers: 2, inWorkers: 0, onMain: run.jobs, failedWorkers: 2 });
    expect(run.results).toEqual(run.local);
  });

  it('extracts on the main thread the files a worker held when it died', async () => {
    const dir = join(workspace, 'py-shop');
    await copyFixture('py-shop', dir);
    const dying = join(workspace, 'dying-worker.mjs');
    await writeFile(
      dying,
      `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', () => process.exit(3));
`,
    );
    const run = await runChild({
      mode: 'pool',
      dir,
      adapter: 'python',
      workers: 1,
      workerEntry: pathToFileURL(dying).href,
    });
    expect(run.report).toEqual({ workers: 1, inWorkers: 0, onMain: run.jobs, failedWorkers: 1 });
    expect(run.results).toEqual(run.local);
  });

  it('lets a worker finish loading before it is stopped, and stops it by asking, not by terminating it', async () => {
    // Terminating a worker while it loads can abort the whole process (V8, nodejs/node#53238). Here the main
    // thread extracts every file before the slow worker is ready: the pool must still wait for it, then ask it
    // to stop, and the worker ends by itself.
    const dir = join(workspace, 'py-shop');
    await copyFixture('py-shop', dir);
    const log = join(workspace, 'slow-worker.log');
    const slow = join(workspace, 'slow-worker.mjs');
    await writeFile(
      slow,
      `import { appendFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
await new Promise((resolve) => setTimeout(resolve, 1500));
appendFileSync(${JSON.stringify(log)}, 'loaded\\n');
parentPort.on('message', (message) => {
  appendFileSync(${JSON.stringify(log)}, message.type + '\\n');
  if (message.type === 'stop') parentPort.close();
});
parentPort.postMessage({ type: 'ready' });
`,
    );
    const run = await runChild({
      mode: 'pool',
      dir,
      adapter: 'python',
      workers: 1,
      mainThreadExtracts: true,
      workerEntry: pathToFileURL(slow).href,
    });
    expect(run.report).toEqual({ workers: 1, inWorkers: 0, onMain: run.jobs, failedWorkers: 0 });
    expect(run.results).toEqual(run.local);
    expect(await readFile(log, 'utf8')).toBe('loaded\nstop\n');
  });

  it('spreads files over several workers and gives each file its facts once', async () => {
    const dir = join(workspace, 'java-shop');
    await copyFixture('java-shop', dir);
    const run = await runChild({ mode: 'pool', dir, adapter: 'java', workers: 2, copies: 40 });
    expect(run.report).toEqual({ workers: 2, inWorkers: run.jobs, onMain: 0, failedWorkers: 0 });
    expect(Object.keys(run.results as object)).toHaveLength(run.jobs as number);
    expect(run.results).toEqual(run.local);
  });

  it('stops when aborted, and leaves no worker running', async () => {
    const dir = join(workspace, 'go-shop');
    await copyFixture('go-shop', dir);
    const run = await runChild({ mode: 'pool', dir, adapter: 'go', workers: 2, copies: 40, abortAfter: 1 });
    expect(run.error).toBe('AbortError');
    expect(Object.keys(run.results as object).length).toBeLessThan(run.jobs as number);
  });
});

describe('extraction pool (sources under vitest)', () => {
  it('is not usable from the TypeScript sources, so the index extracts on the main thread', async () => {
    expect(workerThreadsUsable()).toBe(false);
    await copyFixture('py-shop', join(workspace, 'py-shop'));
    const index = await buildIndex(join(workspace, 'py-shop'), { extractPool: ALL_IN_WORKERS });
    expect(index.extraction).toBeUndefined();
    expect(index.facts.extracted).toBe(index.stats.files);
  });

  it('starts workers only for at least two files past the byte threshold', () => {
    const policy = { workers: 4, minBytes: 3_000_000, mainThreadAdapters: [], mainThreadExtracts: true };
    expect(poolSize(500, 2_999_999, policy)).toBe(0);
    expect(poolSize(1, 10_000_000, policy)).toBe(0);
    expect(poolSize(2, 3_000_000, policy)).toBe(2);
    expect(poolSize(500, 3_000_000, policy)).toBe(4);
    expect(poolSize(500, 3_000_000, { ...policy, workers: 0 })).toBe(0);
  });
});
