// Code indexer (code intelligence): walks a tree, hashes each file whose size or mtime changed since the last index
// (the others are not even read), and per language adapter reuses the linked graph in the code store when the
// adapter's files (and the config files its link reads) are unchanged, else extracts the changed files' facts (in
// worker threads too when there are many) and links again, writing the result to the store in one transaction.
// The index's graph reads stored parts row by row as queries reach them.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { isMinified, summarizeMinified } from '../util/minified.js';
import { summarizeTooLarge } from '../util/too-large.js';
import { type WalkedFile, walkFileStats } from '../util/walk.js';
import { findWorkspaceRoot } from '../util/workspace.js';
import {
  type AdapterEntry,
  adapterEntryFor,
  builtinAdapters,
  indexedExtensions,
  loadAdapter,
} from './adapters.js';
import { type CacheLocation, cacheLocation, type Refinements, refinementsSchema } from './cache.js';
import { extractAhead, type PoolPolicy, type PoolReport } from './extract-pool.js';
import { FactsStore } from './facts-store.js';
import { CallGraph, type IndexGraph } from './graph.js';
import type { CallEdge, CodeSymbol, LanguageAdapter, LinkContext, LinkedGraph, SourceFile } from './model.js';
import type { IndexStats } from './service.js';
import { LayeredGraph } from './stored-graph.js';
import { CodeStore, type StoredFile, type StoredPart, type StoreWrite } from './store.js';

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
   * reads (`linkInputsDigest`): stored graphs and refinements hold for exactly this.
   */
  readonly fingerprint: string;
  /** The part's files (relative paths). */
  readonly files: readonly string[];
  /** Symbols and edges linked by this process; none when the part is read from the code store. */
  readonly linkedHere?: { readonly symbols: readonly CodeSymbol[]; readonly edges: readonly CallEdge[] };
  /** How many symbols and edges the store holds for the part, when it is read from there. */
  readonly storedCounts?: { readonly symbols: number; readonly edges: number };
  /** Files of this part the adapter could not parse. */
  readonly problems: readonly string[];
  /** Whether the adapter's linked graph can refine (then `linked()` is worth calling). */
  readonly refinable: boolean;
  /** The only symbols refinement may add edges for, when the adapter says (`LinkedGraph.refineScope`). */
  readonly refineScope?: {
    readonly outgoingFrom: ReadonlySet<string>;
    readonly incomingTo: ReadonlySet<string>;
  };
  /** The adapter's linked graph; a part read from the store links on this first call. */
  linked(): Promise<LinkedGraph>;
  /** Adapter version and link-inputs digest: what a memo of refinement is kept under. */
  readonly memoKey: string;
  /** What refinement remembered for later trees: the linked graph's memo once linked, else the one read. */
  memo(): unknown;
  readonly refinedOutgoing: Set<string>;
  readonly refinedIncoming: Set<string>;
  /** Every edge refinement added, for the store. */
  readonly refinedEdges: CallEdge[];
}

export interface CodeIndex {
  /** Real absolute path of the indexed directory. */
  readonly root: string;
  readonly cache: CacheLocation;
  /** The code store, when it could be opened. */
  readonly store?: CodeStore;
  readonly graph: IndexGraph;
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

const YIELD_EVERY_MS = 50;
/**
 * A file modified this recently may change again within the same mtime tick without its size changing: its mtime
 * is not trusted by the next index, which reads and hashes it again (git's "racily clean" entries).
 */
const RACY_MS = 2_000;

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
 * the code store whatever is unchanged: a part whose files are all unchanged is neither extracted nor linked, and
 * its graph is read from the store as queries need it.
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
  const store = sameDir?.store ?? openStore(cache, problems);

  const maxFileBytes = options.maxFileBytes ?? 2_000_000;
  const tooLarge: { path: string; bytes: number }[] = [];
  const walked = await walkFileStats(root, {
    extensions: indexedExtensions(entries),
    exclude: options.exclude ?? [],
    maxFileBytes,
    onTooLarge: (file) => tooLarge.push(file),
    gitignoreFrom: workspace,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const byEntry = new Map<AdapterEntry, WalkedFile[]>();
  for (const file of walked) {
    const entry = adapterEntryFor(entries, file.path);
    if (!entry) continue;
    const list = byEntry.get(entry);
    if (list) list.push(file);
    else byEntry.set(entry, [file]);
  }
  const scanned = await scanSources(root, [...byEntry.values()].flat(), store, problems, options.signal);
  const { sources } = scanned;
  const minified: { path: string; bytes: number }[] = [];
  if (!options.indexMinified) {
    for (const path of scanned.minified) {
      minified.push({ path, bytes: scanned.sizes.get(path) ?? 0 });
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

  const facts = new FactsStore(store, sameDir?.facts);
  const refinements = readRefinements(store, problems);
  /**
   * Writes what this index learnt so far (file stats, facts; at the end, the parts linked and which languages the
   * tree still has) in one transaction. An unchanged tree writes nothing: no write lock is taken.
   */
  const persist = (end?: Pick<StoreWrite, 'parts' | 'adapters'>): void => {
    if (!store) return;
    const change: StoreWrite = { ...scanned.changes, ...facts.takeChanges(present), ...end };
    scanned.changes = {};
    const changed =
      change.files?.size || change.goneFiles?.length || change.facts?.size || change.goneFacts?.length;
    if (!changed && !change.parts?.length) return;
    try {
      store.write(change);
    } catch (err) {
      problems.push(`could not write the code store ${store.path} (${(err as Error).message})`);
    }
  };

  const planned: PlannedPart[] = [];
  for (const [entry, entryFiles] of byEntry) {
    options.signal?.throwIfAborted();
    const adapter = await loadAdapter(entry);
    const files = entryFiles.flatMap((file) => sources.get(file.path) ?? []);
    const inputs = linkInputsDigest(adapter, files, root, sources);
    const fingerprint = fingerprintOf(adapter, files, inputs);
    const reusable = sameDir?.parts.find((p) => p.adapter === adapter && p.fingerprint === fingerprint);
    const stored = reusable ? undefined : readStore(store, problems, (s) => s.part(adapter.id), undefined);
    const memoKey = `${adapter.version}\0${inputs}`;
    const refined = refinements.get(adapter.id);
    planned.push({ entry, adapter, files, fingerprint, reusable, stored, memoKey, refined });
  }
  const toLink = planned.filter((p) => !p.reusable && p.stored?.fingerprint !== p.fingerprint);

  const parts: IndexPart[] = [];
  let reusedFiles = 0;
  const linkedNow: NonNullable<StoreWrite['parts']>[number][] = [];
  let extraction: PoolReport | undefined;
  try {
    const ahead = await extractAhead(toLink, facts, {
      ...options.extractPool,
      ...(options.signal ? { signal: options.signal } : {}),
      tick: () => progress(1),
    });
    extraction = ahead.report;
    for (const { adapter, files, fingerprint, reusable, stored, memoKey, refined } of planned) {
      options.signal?.throwIfAborted();
      // A memo kept under another adapter version or other config files is not handed over.
      const memo = refined?.memo?.key === memoKey ? refined.memo.value : undefined;
      // The facts are written before linking: the solve's heap makes a large write several times slower after.
      const link = (tick: (file: SourceFile) => void) =>
        linkFiles(adapter, files, facts, linkContext(root, sources, memo, options.signal), {
          tick,
          beforeLink: () => persist(),
          signal: options.signal,
        });
      const keys = { fingerprint, memoKey, memo, files: files.map((file) => file.path) };
      if (reusable) {
        parts.push(reusable);
        reusedFiles += files.length;
        progress(files.length);
      } else if (stored?.fingerprint === fingerprint) {
        // Linked again only if a query needs refinement; its progress is not this index's.
        const later = once(async () => (await link(() => {})).linked);
        const storedCounts = { symbols: stored.symbols, edges: stored.edges };
        parts.push(newPart(adapter, keys, { ...stored, storedCounts }, later, refined));
        reusedFiles += files.length;
        progress(files.length);
      } else {
        const { linked, problems: unparsed } = await link((file) => {
          if (!ahead.ticked.has(file.path)) progress(1);
        });
        const head = {
          refinable: linked.refine !== undefined,
          ...(linked.refine && linked.refineScope ? { refineScope: linked.refineScope } : {}),
          problems: unparsed,
        };
        const linkedHere = { symbols: linked.symbols, edges: linked.edges };
        parts.push(newPart(adapter, keys, { ...head, linkedHere }, async () => linked, refined));
        linkedNow.push({ part: { adapter: adapter.id, fingerprint, ...head }, ...storableGraph(linkedHere) });
      }
      problems.push(...parts.at(-1)!.problems);
    }
  } catch (err) {
    // Ctrl-C or a failure mid-index: the facts extracted so far are kept, so that the next index resumes there.
    persist();
    throw err;
  }
  persist({ parts: linkedNow, adapters: planned.map((p) => p.adapter.id) });

  const graph = graphOf(parts, store);
  const partOfFile = new Map<string, IndexPart>();
  for (const part of parts) for (const file of part.files) partOfFile.set(file, part);
  for (const part of parts) graph.addEdges(part.refinedEdges);
  const cacheState: IndexStats['cache'] =
    facts.extracted === 0 ? 'hit' : facts.reused + reusedFiles === 0 ? 'miss' : 'partial';
  return {
    root,
    cache,
    ...(store ? { store } : {}),
    graph,
    parts,
    partOfFile,
    facts,
    problems,
    ...(extraction ? { extraction } : {}),
    stats: {
      files: present.size,
      symbols: graph.symbolCount,
      edges: graph.edgeCount,
      index_ms: Math.round(performance.now() - started),
      cache: cacheState,
      ...(linkedNow.length > 0 ? { linked: linkedNow.map((linked) => linked.part.adapter) } : {}),
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
  /** What the store holds for the adapter. */
  readonly stored: StoredPart | undefined;
  readonly memoKey: string;
  /** What the store holds of refinement for this adapter (for another tree, possibly). */
  readonly refined: Refinements | undefined;
}

type StoredPartHead = Pick<StoredPart, 'fingerprint' | 'refinable' | 'problems' | 'refineScope'>;

/** Opens the dir's code store (creating its folder), removing the JSON cache files of earlier versions. */
function openStore(cache: CacheLocation, problems: string[]): CodeStore | undefined {
  try {
    mkdirSync(dirname(cache.storePath), { recursive: true });
  } catch (err) {
    problems.push(
      `could not create the code cache folder ${dirname(cache.storePath)} (${(err as Error).message})`,
    );
    return undefined;
  }
  const opened = CodeStore.open(cache.storePath, cache.root);
  if (opened.problem) problems.push(opened.problem);
  if (opened.store) for (const legacy of cache.legacyPaths) rmSync(legacy, { force: true });
  return opened.store;
}

/** What `read` gives of the store; `fallback` (and a problem naming why) when the store is absent or fails. */
function readStore<T>(
  store: CodeStore | undefined,
  problems: string[],
  read: (store: CodeStore) => T,
  fallback: T,
): T {
  if (!store) return fallback;
  try {
    return read(store);
  } catch (err) {
    problems.push(`could not read the code store ${store.path} (${(err as Error).message})`);
    return fallback;
  }
}

function readRefinements(store: CodeStore | undefined, problems: string[]): Map<string, Refinements> {
  const refinements = new Map<string, Refinements>();
  for (const [adapter, data] of readStore(store, problems, (s) => s.refinements(), new Map())) {
    const parsed = refinementsSchema.safeParse(data);
    if (parsed.success) refinements.set(adapter, parsed.data);
    else problems.push(`${store?.path} holds refinements of another version for ${adapter}; refining again`);
  }
  return refinements;
}

/** What the store changes for the files' stat rows: new or changed rows, and rows of files gone. */
interface StatChanges {
  files?: Map<string, StoredFile>;
  goneFiles?: string[];
}

/**
 * Each file's source, hashed: a file whose size and mtime match the store's row keeps that row's hash and is read
 * only if a query needs its text; any other is read and hashed now. Also which files are minified, and the stat
 * rows to write.
 */
async function scanSources(
  root: string,
  files: readonly WalkedFile[],
  store: CodeStore | undefined,
  problems: string[],
  signal: AbortSignal | undefined,
): Promise<{
  sources: Map<string, SourceFile>;
  minified: string[];
  sizes: Map<string, number>;
  changes: StatChanges;
}> {
  const known = readStore(store, problems, (s) => s.files(), new Map<string, StoredFile>());
  const sources = new Map<string, SourceFile>();
  const minified: string[] = [];
  const sizes = new Map<string, number>();
  const changed = new Map<string, StoredFile>();
  const now = Date.now();
  let turned = performance.now();
  for (const file of files) {
    if (performance.now() - turned > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turned = performance.now();
    }
    signal?.throwIfAborted();
    const absPath = join(root, file.path);
    sizes.set(file.path, file.size);
    const row = known.get(file.path);
    if (row && row.mtime === file.mtimeMs && row.size === file.size) {
      sources.set(file.path, lazySource(file.path, absPath, row.hash));
      if (row.minified) minified.push(file.path);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(absPath, 'utf8');
    } catch (err) {
      problems.push(`${file.path}: not readable (${(err as Error).message})`);
      continue;
    }
    const hash = createHash('sha256').update(text).digest('hex');
    const isMin = isMinified(file.path, text);
    sources.set(file.path, { path: file.path, absPath, text, hash });
    if (isMin) minified.push(file.path);
    const mtime = now - file.mtimeMs < RACY_MS ? -1 : file.mtimeMs;
    if (row?.mtime !== mtime || row.size !== file.size || row.hash !== hash || row.minified !== isMin)
      changed.set(file.path, { size: file.size, mtime, hash, minified: isMin });
  }
  const goneFiles = [...known.keys()].filter((path) => !sizes.has(path));
  return { sources, minified, sizes, changes: { files: changed, goneFiles } };
}

/** A source whose text is read on first use: an unchanged file is hashed already and often not needed at all. */
function lazySource(path: string, absPath: string, hash: string): SourceFile {
  let text: string | undefined;
  return {
    path,
    absPath,
    hash,
    get text(): string {
      text ??= readFileSync(absPath, 'utf8');
      return text;
    },
  };
}

/** A linked graph as the store keeps it: what a CallGraph keeps of it (symbols once by id, edges between them once). */
function storableGraph(linked: NonNullable<IndexPart['linkedHere']>): {
  symbols: CodeSymbol[];
  edges: CallEdge[];
} {
  const graph = new CallGraph(linked.symbols, linked.edges);
  return { symbols: [...graph.symbols()], edges: [...graph.edges()] };
}

/** The index's graph: parts linked here in memory, the others read from the store. */
function graphOf(parts: readonly IndexPart[], store: CodeStore | undefined): IndexGraph {
  const memory = new CallGraph();
  for (const part of parts) if (part.linkedHere) memory.addSymbols(part.linkedHere.symbols);
  for (const part of parts) if (part.linkedHere) memory.addEdges(part.linkedHere.edges);
  const stored = parts.filter((part) => part.storedCounts);
  if (stored.length === 0 || !store) return memory;
  const counts = { symbols: 0, edges: 0 };
  for (const part of stored) {
    counts.symbols += part.storedCounts!.symbols;
    counts.edges += part.storedCounts!.edges;
  }
  return new LayeredGraph(memory, store, new Set(stored.map((part) => part.adapter.id)), counts);
}

/** Facts of every file (cached or extracted), then the adapter's link over those it could parse. */
async function linkFiles(
  adapter: LanguageAdapter,
  files: readonly SourceFile[],
  facts: FactsStore,
  ctx: LinkContext,
  hooks: {
    readonly tick: (file: SourceFile) => void;
    /** Called with every file's facts at hand, before the adapter links them. */
    readonly beforeLink: () => void;
    readonly signal: AbortSignal | undefined;
  },
): Promise<{ linked: LinkedGraph; problems: string[] }> {
  const { tick, signal } = hooks;
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
    const result = facts.factsOf(file, adapter);
    if ('facts' in result) parsed.push({ file, facts: result.facts });
    else problems.push(result.problem);
    tick(file);
  }
  hooks.beforeLink();
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
  {
    fingerprint,
    memoKey,
    memo,
    files,
  }: { fingerprint: string; memoKey: string; memo: unknown; files: readonly string[] },
  made: Omit<StoredPartHead, 'fingerprint'> & Pick<IndexPart, 'linkedHere' | 'storedCounts'>,
  link: () => Promise<LinkedGraph>,
  refined: Refinements | undefined,
): IndexPart {
  const valid = refined?.fingerprint === fingerprint && made.refinable;
  let graph: LinkedGraph | undefined;
  return {
    adapter,
    fingerprint,
    files,
    ...(made.linkedHere ? { linkedHere: made.linkedHere } : {}),
    ...(made.storedCounts ? { storedCounts: made.storedCounts } : {}),
    problems: made.problems,
    refinable: made.refinable,
    ...(made.refineScope
      ? {
          refineScope: {
            outgoingFrom: new Set(made.refineScope.outgoingFrom),
            incomingTo: new Set(made.refineScope.incomingTo),
          },
        }
      : {}),
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

/** `link` once, on first use. */
function once(link: () => Promise<LinkedGraph>): () => Promise<LinkedGraph> {
  let linked: Promise<LinkedGraph> | undefined;
  return () => {
    linked ??= link();
    return linked;
  };
}
