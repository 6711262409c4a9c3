// Code indexer (code intelligence): walks a tree, hashes each file, and per language adapter reuses the last
// linked graph when the adapter's files (and the config files its link reads) are unchanged, else extracts the
// changed files' facts (in worker threads too when there are many) and links again; then merges every adapter's
// symbols and edges into one call graph.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { isMinified, summarizeMinified } from '../util/minified.js';
import { summarizeTooLarge } from '../util/too-large.js';
import { walkFiles } from '../util/walk.js';
import { findWorkspaceRoot } from '../util/workspace.js';
import {
  type AdapterEntry,
  adapterEntryFor,
  builtinAdapters,
  indexedExtensions,
  loadAdapter,
} from './adapters.js';
import {
  type CacheLocation,
  cacheLocation,
  readRefinementsCache,
  readSnapshotsCache,
  type Refinements,
  type Snapshot,
  writeSnapshotsCache,
} from './cache.js';
import { extractAhead, type PoolPolicy, type PoolReport } from './extract-pool.js';
import { FactsStore } from './facts-store.js';
import { CallGraph } from './graph.js';
import type { CallEdge, CodeSymbol, LanguageAdapter, LinkContext, LinkedGraph, SourceFile } from './model.js';
import type { IndexStats } from './service.js';

export interface IndexerOptions {
  /** Languages to read; the built-in registry by default. */
  readonly adapters?: readonly AdapterEntry[];
  /** Gitignore-syntax rules left out on top of .gitignore (config `code.exclude`). */
  readonly exclude?: readonly string[];
  /** Config `code.maxFileBytes`. */
  readonly maxFileBytes?: number;
  /** Config `code.indexMinified`: index minified JavaScript too. */
  readonly indexMinified?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** When uncached files are extracted in worker threads; `defaultPoolPolicy` by default. */
  readonly extractPool?: Partial<PoolPolicy>;
}

/** One adapter's share of an index, with what lazy refinement has done on it so far. */
export interface IndexPart {
  readonly adapter: LanguageAdapter;
  /**
   * Adapter version, every (path, hash) of its files and the adapter's digest of the config files its link
   * reads (`linkInputsDigest`): snapshots and refinements hold for exactly this.
   */
  readonly fingerprint: string;
  readonly symbols: readonly CodeSymbol[];
  readonly edges: readonly CallEdge[];
  /** Files of this part the adapter could not parse. */
  readonly problems: readonly string[];
  /** Whether the adapter's linked graph can refine (then `linked()` is worth calling). */
  readonly refinable: boolean;
  /** The adapter's linked graph; a part restored from the cache links on this first call. */
  linked(): Promise<LinkedGraph>;
  /** Adapter version and link-inputs digest: what a memo of refinement is kept under. */
  readonly memoKey: string;
  /** What refinement remembered for later trees: the linked graph's memo once linked, else the one read. */
  memo(): unknown;
  readonly refinedOutgoing: Set<string>;
  readonly refinedIncoming: Set<string>;
  /** Every edge refinement added, for the refinements cache. */
  readonly refinedEdges: CallEdge[];
}

export interface CodeIndex {
  /** Real absolute path of the indexed directory. */
  readonly root: string;
  readonly cache: CacheLocation;
  readonly graph: CallGraph;
  readonly parts: readonly IndexPart[];
  /** Which part owns each file (relative path). */
  readonly partOfFile: ReadonlyMap<string, IndexPart>;
  /** Where facts came from; handed to the next index of the same dir in this process. */
  readonly facts: FactsStore;
  readonly stats: IndexStats;
  /** Files that could not be read or parsed, and caches that could not be used or written. */
  readonly problems: string[];
  /** Where files were extracted, when the extraction pool ran. */
  readonly extraction?: PoolReport;
}

const READ_CONCURRENCY = 32;
const YIELD_EVERY_MS = 50;

/** Resolves and checks the directory to index. */
export async function indexRoot(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(`${dir} is not a directory; give the directory holding the code to index.`);
  }
  return realpath(dir);
}

/**
 * Builds the index of `dir`, reusing from `previous` (the last index of the same dir in this process) or from
 * the cache whatever is unchanged: a part whose files are all unchanged is neither extracted nor linked.
 */
export async function buildIndex(
  dir: string,
  options: IndexerOptions = {},
  previous?: CodeIndex,
): Promise<CodeIndex> {
  const started = performance.now();
  const root = await indexRoot(dir);
  const workspace = findWorkspaceRoot(root);
  const cache = cacheLocation(workspace, root);
  const entries = options.adapters ?? builtinAdapters;
  const problems: string[] = [];
  const sameDir = previous?.root === root ? previous : undefined;

  const maxFileBytes = options.maxFileBytes ?? 2_000_000;
  const tooLarge: { path: string; bytes: number }[] = [];
  const paths = await walkFiles(root, {
    extensions: indexedExtensions(entries),
    exclude: options.exclude ?? [],
    maxFileBytes,
    onTooLarge: (file) => tooLarge.push(file),
    gitignoreFrom: workspace,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const byEntry = new Map<AdapterEntry, string[]>();
  for (const path of paths) {
    const entry = adapterEntryFor(entries, path);
    if (entry) byEntry.set(entry, [...(byEntry.get(entry) ?? []), path]);
  }
  const minified: { path: string; bytes: number }[] = [];
  const sources = await readSources(root, [...byEntry.values()].flat(), problems, options.signal);
  if (!options.indexMinified) {
    for (const [path, source] of sources) {
      if (!isMinified(path, source.text)) continue;
      minified.push({ path, bytes: Buffer.byteLength(source.text) });
      sources.delete(path);
    }
  }
  const present = new Set(sources.keys());
  let done = 0;
  const progress = (files: number): void => {
    done += files;
    options.onProgress?.(done, sources.size);
  };
  options.onProgress?.(0, sources.size);

  const facts = new FactsStore(cache, sameDir?.facts, problems);
  let snapshots: Promise<Map<string, Snapshot>> | undefined;
  const loadSnapshots = (): Promise<Map<string, Snapshot>> =>
    (snapshots ??= readSnapshotsCache(cache).then((read) => {
      if (read.problem) problems.push(read.problem);
      return read.value;
    }));
  const refinements = readRefinementsCache(cache).then((read) => {
    if (read.problem) problems.push(read.problem);
    return read.value;
  });

  const planned: PlannedPart[] = [];
  for (const [entry, entryPaths] of byEntry) {
    options.signal?.throwIfAborted();
    const adapter = await loadAdapter(entry);
    const files = entryPaths.flatMap((path) => sources.get(path) ?? []);
    const inputs = linkInputsDigest(adapter, files, root, sources);
    const fingerprint = fingerprintOf(adapter, files, inputs);
    const reusable = sameDir?.parts.find((p) => p.adapter === adapter && p.fingerprint === fingerprint);
    const snapshot = reusable ? undefined : (await loadSnapshots()).get(adapter.id);
    const memoKey = `${adapter.version}\0${inputs}`;
    const refined = (await refinements).get(adapter.id);
    planned.push({ entry, adapter, files, fingerprint, reusable, snapshot, memoKey, refined });
  }
  const toLink = planned.filter((p) => !p.reusable && p.snapshot?.fingerprint !== p.fingerprint);
  const ahead = await extractAhead(toLink, facts, {
    ...options.extractPool,
    ...(options.signal ? { signal: options.signal } : {}),
    tick: () => progress(1),
  });

  const parts: IndexPart[] = [];
  let linkedNow = false;
  let reusedFiles = 0;
  for (const { adapter, files, fingerprint, reusable, snapshot, memoKey, refined } of planned) {
    options.signal?.throwIfAborted();
    // A memo kept under another adapter version or other config files is not handed over.
    const memo = refined?.memo?.key === memoKey ? refined.memo.value : undefined;
    const link = (tick: (file: SourceFile) => void) =>
      linkFiles(
        adapter,
        files,
        facts,
        linkContext(root, sources, memo, options.signal),
        tick,
        options.signal,
      );
    const keys = { fingerprint, memoKey, memo };
    if (reusable) {
      parts.push(reusable);
      reusedFiles += files.length;
      progress(files.length);
    } else if (snapshot?.fingerprint === fingerprint) {
      // Linked again only if a query needs refinement; its progress is not this index's.
      const later = once(
        async () => (await link(() => {})).linked,
        () => facts.save(present),
      );
      parts.push(newPart(adapter, keys, snapshot, later, refined));
      reusedFiles += files.length;
      progress(files.length);
    } else {
      const { linked, problems: unparsed } = await link((file) => {
        if (!ahead.ticked.has(file.path)) progress(1);
      });
      const made = {
        refinable: linked.refine !== undefined,
        problems: unparsed,
        symbols: linked.symbols,
        edges: linked.edges,
      };
      parts.push(newPart(adapter, keys, made, async () => linked, refined));
      linkedNow = true;
    }
    problems.push(...parts.at(-1)!.problems);
  }
  await facts.save(present);
  if (linkedNow) await saveSnapshots(cache, parts, problems);

  const graph = new CallGraph();
  const partOfFile = new Map<string, IndexPart>();
  for (const part of parts) graph.addSymbols(part.symbols);
  for (const part of parts) {
    graph.addEdges(part.edges);
    graph.addEdges(part.refinedEdges);
    for (const symbol of part.symbols) partOfFile.set(symbol.file, part);
  }
  const cacheState: IndexStats['cache'] =
    facts.extracted === 0 ? 'hit' : facts.reused + reusedFiles === 0 ? 'miss' : 'partial';
  return {
    root,
    cache,
    graph,
    parts,
    partOfFile,
    facts,
    problems,
    ...(ahead.report ? { extraction: ahead.report } : {}),
    stats: {
      files: present.size,
      symbols: graph.symbolCount,
      edges: graph.edgeCount,
      index_ms: Math.round(performance.now() - started),
      cache: cacheState,
      too_large: summarizeTooLarge(tooLarge, maxFileBytes),
      ...(minified.length > 0 ? { minified: summarizeMinified(minified) } : {}),
    },
  };
}

/** One adapter's share of the tree, and what is known of it before extracting anything. */
interface PlannedPart {
  readonly entry: AdapterEntry;
  readonly adapter: LanguageAdapter;
  readonly files: readonly SourceFile[];
  readonly fingerprint: string;
  /** The previous in-process index's part, when its files are unchanged. */
  readonly reusable: IndexPart | undefined;
  readonly snapshot: Snapshot | undefined;
  readonly memoKey: string;
  /** What the refinements cache holds for this adapter (for another tree, possibly). */
  readonly refined: Refinements | undefined;
}

async function readSources(
  root: string,
  paths: readonly string[],
  problems: string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, SourceFile>> {
  const sources = new Map<string, SourceFile>();
  await forEachLimited(paths, READ_CONCURRENCY, async (path) => {
    signal?.throwIfAborted();
    const absPath = join(root, path);
    try {
      const text = await readFile(absPath, 'utf8');
      sources.set(path, { path, absPath, text, hash: createHash('sha256').update(text).digest('hex') });
    } catch (err) {
      problems.push(`${path}: not readable (${(err as Error).message})`);
    }
  });
  return sources;
}

/** Facts of every file (cached or extracted), then the adapter's link over those it could parse. */
async function linkFiles(
  adapter: LanguageAdapter,
  files: readonly SourceFile[],
  facts: FactsStore,
  ctx: LinkContext,
  tick: (file: SourceFile) => void,
  signal: AbortSignal | undefined,
): Promise<{ linked: LinkedGraph; problems: string[] }> {
  const parsed: { file: SourceFile; facts: unknown }[] = [];
  const problems: string[] = [];
  let turned = performance.now();
  for (const file of files) {
    // Extracting here runs on the main thread: let the event loop turn every ~50 ms, so that Ctrl-C (the abort
    // below), progress output and the terminal UI's spinner keep going on a large tree.
    if (performance.now() - turned > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turned = performance.now();
    }
    signal?.throwIfAborted();
    const result = await facts.factsOf(file, adapter);
    if ('facts' in result) parsed.push({ file, facts: result.facts });
    else problems.push(result.problem);
    tick(file);
  }
  const linked = await adapter.link(parsed, ctx);
  return { linked, problems };
}

function linkContext(
  root: string,
  sources: ReadonlyMap<string, SourceFile>,
  memo: unknown,
  signal: AbortSignal | undefined,
): LinkContext {
  return {
    root,
    readText: (path) => sources.get(path)?.text ?? readFileSync(join(root, path), 'utf8'),
    ...(memo !== undefined ? { memo } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** What the adapter's `link` reads besides the files (config files), as a digest; empty when it declares none. */
function linkInputsDigest(
  adapter: LanguageAdapter,
  files: readonly SourceFile[],
  root: string,
  sources: ReadonlyMap<string, SourceFile>,
): string {
  if (!adapter.linkInputsDigest) return '';
  return adapter.linkInputsDigest(
    files.map((file) => file.path),
    linkContext(root, sources, undefined, undefined),
  );
}

function fingerprintOf(adapter: LanguageAdapter, files: readonly SourceFile[], linkInputs: string): string {
  const hash = createHash('sha256').update(`${adapter.id}@${adapter.version}\n`);
  if (linkInputs !== '') hash.update(`link-inputs\0${linkInputs}\n`);
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(`${file.path}\0${file.hash}\n`);
  }
  return hash.digest('hex');
}

function newPart(
  adapter: LanguageAdapter,
  { fingerprint, memoKey, memo }: { fingerprint: string; memoKey: string; memo: unknown },
  snapshot: Pick<Snapshot, 'refinable' | 'problems'> & Pick<LinkedGraph, 'symbols' | 'edges'>,
  link: () => Promise<LinkedGraph>,
  refined: Refinements | undefined,
): IndexPart {
  const valid = refined?.fingerprint === fingerprint && snapshot.refinable;
  let graph: LinkedGraph | undefined;
  return {
    adapter,
    fingerprint,
    symbols: snapshot.symbols,
    edges: snapshot.edges,
    problems: snapshot.problems,
    refinable: snapshot.refinable,
    linked: async () => {
      graph = await link();
      return graph;
    },
    memoKey,
    memo: () => (graph?.memo ? graph.memo() : memo),
    refinedOutgoing: new Set(valid ? refined.outgoing : []),
    refinedIncoming: new Set(valid ? refined.incoming : []),
    refinedEdges: valid ? [...refined.edges] : [],
  };
}

/** `link` once, on first use, then `after` (saving any facts extracted on the way). */
function once(link: () => Promise<LinkedGraph>, after: () => Promise<void>): () => Promise<LinkedGraph> {
  let linked: Promise<LinkedGraph> | undefined;
  return () => {
    linked ??= link().then(async (graph) => {
      await after();
      return graph;
    });
    return linked;
  };
}

async function saveSnapshots(
  cache: CacheLocation,
  parts: readonly IndexPart[],
  problems: string[],
): Promise<void> {
  const snapshots = new Map<string, Snapshot>(
    parts.map((part) => [
      part.adapter.id,
      {
        fingerprint: part.fingerprint,
        refinable: part.refinable,
        problems: [...part.problems],
        symbols: [...part.symbols],
        edges: [...part.edges],
      },
    ]),
  );
  await writeSnapshotsCache(cache, snapshots).catch((err: Error) => {
    problems.push(`could not write the code cache ${cache.graphPath} (${err.message})`);
  });
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
