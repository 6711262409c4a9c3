// Extraction pool (code intelligence): extracts the facts of many files in worker threads while the main thread
// extracts too, so that a cold index of a large tree uses more than one core. A worker that fails hands its files
// back to the main thread: the pool never fails an index that the main thread alone would have built.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type AdapterEntry, builtinAdapters } from './adapters.js';
import type { FactsStore } from './facts-store.js';
import type { LanguageAdapter, SourceFile } from './model.js';

/** What extracting one file gave: its facts, or why the adapter could not parse it. */
export type Extracted = { readonly facts: unknown } | { readonly problem: string };

/** Extracts one file, turning a parse failure into the problem the index reports for it. */
export function extractOne(adapter: LanguageAdapter, file: SourceFile): Extracted {
  try {
    return { facts: adapter.extract(file) };
  } catch (err) {
    return { problem: `${file.path}: could not be parsed (${(err as Error).message})` };
  }
}

/** When a tree's uncached files are worth a pool, and how the work is shared. */
export interface PoolPolicy {
  /** Worker threads to start; 0 keeps every file on the main thread. */
  readonly workers: number;
  /** A pool starts from this many bytes of source to extract, counting only files a worker may take. */
  readonly minBytes: number;
  /** Adapters whose files stay on the main thread: a worker extracting them makes the index slower. */
  readonly mainThreadAdapters: readonly string[];
  /** Whether the main thread extracts too (besides the files only it takes) while the workers run. */
  readonly mainThreadExtracts: boolean;
}

/**
 * Measured on a 2-core machine (bench/RESULTS.md, "Extraction in worker threads"). A worker is ready 200-300 ms
 * after it starts, and until then the main thread extracts alone. Python (tree-sitter, WASM) indexed ~7% slower
 * with a worker at 1 MB of source, and 8-16% faster at 2.3-5.5 MB: hence 2 MB. JS/TS (Babel) indexed 9-40%
 * slower with a worker on every tree measured (1.2-5.2 MB): Babel on one thread already keeps ~1.5 cores busy
 * (V8 compiles and collects garbage on background threads), and facts from a worker are checked again on the
 * main thread before linking. So JS/TS stays on the main thread; whether it gains on 4 or more cores is not
 * measured.
 */
export const defaultPoolPolicy: PoolPolicy = {
  workers: Math.max(1, Math.min(availableParallelism() - 1, 4)),
  minBytes: 2_000_000,
  mainThreadAdapters: ['ecmascript'],
  mainThreadExtracts: true,
};

/** Workers to start for `files` files of `bytes` bytes that a worker may take: 0 when the main thread alone is as fast. */
export function poolSize(files: number, bytes: number, policy: PoolPolicy): number {
  if (policy.workers <= 0 || files < 2 || bytes < policy.minBytes) return 0;
  return Math.min(policy.workers, files);
}

const WORKER_ENTRY = new URL('./extract-worker.js', import.meta.url);

/** One adapter's files about to be linked. */
export interface PartToExtract {
  readonly entry: AdapterEntry;
  readonly adapter: LanguageAdapter;
  readonly files: readonly SourceFile[];
}

/**
 * Extracts in the pool the files of `parts` whose facts `facts` does not hold, when worker threads are usable and
 * the policy says they are worth it, handing the results to `facts` for `factsOf` to take as if it had extracted
 * them; otherwise leaves everything to `factsOf`. `tick` is called once per file extracted here, whose paths are
 * returned so that linking does not count them again.
 */
export async function extractAhead(
  parts: readonly PartToExtract[],
  facts: FactsStore,
  options: Partial<PoolPolicy> & { readonly signal?: AbortSignal; readonly tick: () => void },
): Promise<{ ticked: ReadonlySet<string>; report?: PoolReport }> {
  const ticked = new Set<string>();
  const { signal, tick, ...overrides } = options;
  const policy: PoolPolicy = { ...defaultPoolPolicy, ...overrides };
  // A worker loads adapters by id from the built-in registry: other adapters (a caller's own) stay here.
  const eligible = parts.filter((part) => builtinAdapters.includes(part.entry));
  const forWorkers = eligible.filter((part) => !policy.mainThreadAdapters.includes(part.adapter.id));
  if (forWorkers.length === 0 || policy.workers <= 0 || !workerThreadsUsable()) return { ticked };
  const jobs: ExtractJob[] = [];
  for (const part of eligible) {
    const mainThread = !forWorkers.includes(part);
    for (const file of facts.uncached(part.files, part.adapter)) {
      jobs.push({ file, adapter: part.adapter, mainThread });
    }
  }
  const forPool = jobs.filter((job) => !job.mainThread);
  const bytes = forPool.reduce((sum, job) => sum + Buffer.byteLength(job.file.text), 0);
  const workers = poolSize(forPool.length, bytes, policy);
  if (workers === 0) return { ticked };
  const report = await extractInPool(jobs, {
    workers,
    mainThreadExtracts: policy.mainThreadExtracts,
    ...(signal ? { signal } : {}),
    onExtracted: (job, result) => {
      facts.extractedAhead(job.file, job.adapter, result);
      ticked.add(job.file.path);
      tick();
    },
  });
  return { ticked, report };
}

/**
 * Whether this module can start extraction workers: only when it runs compiled. Under a loader that runs the
 * TypeScript sources (vitest), a worker thread would get plain Node, which cannot load `extract-worker.ts`.
 */
export function workerThreadsUsable(): boolean {
  return import.meta.url.endsWith('.js');
}

/** One file to extract, with the adapter the main thread uses for it (a worker loads the built-in of that id). */
export interface ExtractJob {
  readonly file: SourceFile;
  readonly adapter: LanguageAdapter;
  /** Extracted on the main thread only (while the workers take the others). */
  readonly mainThread?: boolean;
}

export interface PoolOptions {
  readonly workers: number;
  /** Whether the main thread takes files a worker could take; it always takes the others. True by default. */
  readonly mainThreadExtracts?: boolean;
  readonly signal?: AbortSignal;
  /** Called on the main thread for each job, wherever it was extracted, in no particular order. */
  readonly onExtracted: (job: ExtractJob, result: Extracted) => void;
  /** The worker module; the built-in `extract-worker.js` by default (tests hand in one that crashes). */
  readonly workerEntry?: URL;
}

/** Where the files were extracted. */
export interface PoolReport {
  readonly workers: number;
  readonly inWorkers: number;
  readonly onMain: number;
  /** Workers that crashed or could not load an adapter; their files were extracted on the main thread. */
  readonly failedWorkers: number;
}

/** Sent to a worker: the files of one batch, or that it is of no more use and should end by itself. */
export type WorkerMessage =
  | {
      readonly type: 'batch';
      readonly batch: number;
      readonly jobs: ReadonlyArray<SourceFile & { readonly adapter: string }>;
    }
  | { readonly type: 'stop' };

/** Sent by a worker: ready to take batches, a batch's results (JSON of `Extracted[]` in job order), or failure. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly batch: number; readonly results: string }
  | { readonly type: 'failed'; readonly reason: string };

/** What a worker is given at start: the adapters to load before it says it is ready. */
export interface WorkerStart {
  readonly adapters: readonly string[];
}

/** A batch is cut at this much source or this many files: big enough that messaging is noise, small enough to balance. */
const BATCH_BYTES = 128 * 1024;
const BATCH_FILES = 32;
/** Batches handed to each worker at once, so that it never waits for the main thread to hand it the next. */
const IN_FLIGHT = 2;
/** A worker asked to stop that has not ended after this long is terminated. */
const STOP_GRACE_MS = 5_000;
/** A worker to be stopped that has not finished loading after this long is terminated (it hangs: it loads in ~0.3 s). */
const LOAD_GRACE_MS = 30_000;

/** `promise`'s outcome, or 'late' when it has not settled within `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Extracts every job once, in `workers` worker threads and on the main thread, handing each result to
 * `onExtracted`. Resolves when all are done with every worker terminated; rejects only when `signal` aborts
 * (or `onExtracted` throws), again with every worker terminated.
 */
export async function extractInPool(jobs: readonly ExtractJob[], options: PoolOptions): Promise<PoolReport> {
  // Smallest first, taken from the end: the largest files go out first, so the last ones to finish are small.
  const queue = jobs.filter((job) => !job.mainThread).sort((a, b) => a.file.text.length - b.file.text.length);
  /** Files only the main thread takes, and those of failed workers: the main thread takes these first. */
  const mainOnly = jobs.filter((job) => job.mainThread);
  const arrived: { job: ExtractJob; result: Extracted }[] = [];
  let remaining = jobs.length;
  let liveWorkers = 0;
  let inWorkers = 0;
  let onMain = 0;
  let failedWorkers = 0;
  let wake: (() => void) | undefined;
  const changed = (): void => {
    wake?.();
    wake = undefined;
  };
  const { signal } = options;
  signal?.addEventListener('abort', changed);

  const takeBatch = (): ExtractJob[] => {
    const batch: ExtractJob[] = [];
    let bytes = 0;
    while (queue.length > 0 && bytes < BATCH_BYTES && batch.length < BATCH_FILES) {
      const job = queue.pop()!;
      batch.push(job);
      bytes += job.file.text.length;
    }
    return batch;
  };

  const adapters = [...new Set(queue.map((job) => job.adapter.id))];
  const started = queue.length > 1 ? startWorkers(Math.max(0, options.workers)) : [];
  try {
    while (remaining > 0) {
      signal?.throwIfAborted();
      for (const { job, result } of arrived.splice(0)) {
        options.onExtracted(job, result);
        remaining--;
      }
      const shares = options.mainThreadExtracts !== false || liveWorkers === 0;
      const job = mainOnly.pop() ?? (shares ? queue.pop() : undefined);
      if (job) {
        options.onExtracted(job, extractOne(job.adapter, job.file));
        onMain++;
        remaining--;
        // Lets the workers' replies in between files: they are handled only when the event loop turns.
        await new Promise((resolve) => setImmediate(resolve));
      } else if (remaining > 0 && arrived.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
    return { workers: started.length, inWorkers, onMain, failedWorkers };
  } finally {
    signal?.removeEventListener('abort', changed);
    await Promise.all(started.map((slot) => slot.close()));
  }

  function startWorkers(count: number): { close(): Promise<void> }[] {
    const slots: { close(): Promise<void> }[] = [];
    for (let i = 0; i < count; i++) {
      const slot = startWorker();
      if (slot) slots.push(slot);
    }
    return slots;
  }

  function startWorker(): { close(): Promise<void> } | undefined {
    let worker: Worker;
    try {
      const start: WorkerStart = { adapters };
      worker = new Worker(options.workerEntry ?? WORKER_ENTRY, { workerData: start });
    } catch {
      failedWorkers++;
      return undefined;
    }
    liveWorkers++;
    const inFlight = new Map<number, ExtractJob[]>();
    let nextBatch = 0;
    let ready = false;
    let closed = false;
    /** Settles once the worker has said whether its adapters loaded, or has ended. */
    let loaded!: () => void;
    const started = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let stopped: Promise<void> | undefined;

    /**
     * Ends the worker without `terminate()` while it loads: V8 aborts the whole process when an isolate is
     * terminated as a module's top-level await settles (nodejs/node#53238), and the tree-sitter runtime awaits
     * its WASM at the top level. So the worker is first let finish loading, then asked to stop, and it ends by
     * itself; only one that does not end within a grace period is terminated.
     */
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        if ((await within(LOAD_GRACE_MS, Promise.race([started, ended]))) === 'late') {
          await worker.terminate();
          return;
        }
        const message: WorkerMessage = { type: 'stop' };
        worker.postMessage(message);
        if ((await within(STOP_GRACE_MS, ended)) === 'late') await worker.terminate();
      })();
      return stopped;
    };

    const topUp = (): void => {
      while (ready && !closed && inFlight.size < IN_FLIGHT && queue.length > 0) {
        const jobsOfBatch = takeBatch();
        const batch = nextBatch++;
        inFlight.set(batch, jobsOfBatch);
        const message: WorkerMessage = {
          type: 'batch',
          batch,
          jobs: jobsOfBatch.map(({ file, adapter }) => ({
            path: file.path,
            absPath: file.absPath,
            text: file.text,
            hash: file.hash,
            adapter: adapter.id,
          })),
        };
        worker.postMessage(message);
      }
    };
    /** The worker is of no more use: its unfinished files go to the main thread. */
    const fail = (): void => {
      if (closed) return;
      closed = true;
      failedWorkers++;
      liveWorkers--;
      for (const batch of inFlight.values()) mainOnly.push(...batch);
      inFlight.clear();
      void stop();
      changed();
    };

    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready' || reply.type === 'failed') loaded();
      if (closed) return;
      if (reply.type === 'ready') {
        ready = true;
        topUp();
        return;
      }
      if (reply.type === 'failed') return fail();
      const batch = inFlight.get(reply.batch);
      let results: Extracted[];
      try {
        results = JSON.parse(reply.results) as Extracted[];
      } catch {
        return fail();
      }
      if (!batch || results.length !== batch.length) return fail();
      inFlight.delete(reply.batch);
      batch.forEach((job, i) => {
        arrived.push({ job, result: results[i]! });
      });
      inWorkers += batch.length;
      topUp();
      changed();
    });
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', fail);
    return {
      async close() {
        closed = true;
        await stop();
      },
    };
  }
}
