// Facts of each source file (code intelligence): from the last index in memory, else the cache file, else what
// the extraction pool extracted for it, else the adapter's `extract`; loads the cache file only when some part of
// the tree actually needs facts.
import type { CachedFile, CacheLocation } from './cache.js';
import { readFactsCache, writeFactsCache } from './cache.js';
import { type Extracted, extractOne } from './extract-pool.js';
import type { LanguageAdapter, SourceFile } from './model.js';

export class FactsStore {
  readonly #cache: CacheLocation;
  readonly #problems: string[];
  #known: Promise<ReadonlyMap<string, CachedFile>> | undefined;
  #unusableCache = false;
  /** Facts looked up or extracted by this index. */
  readonly #used = new Map<string, CachedFile>();
  /** Extracted ahead of `factsOf` (by the pool), keyed by path; taken by `factsOf` as if it had extracted them. */
  readonly #ahead = new Map<string, { adapter: LanguageAdapter; hash: string; result: Extracted }>();
  #extracted = 0;
  #reused = 0;

  constructor(cache: CacheLocation, previous: FactsStore | undefined, problems: string[]) {
    this.#cache = cache;
    this.#problems = problems;
    this.#known = previous?.handOver();
  }

  /** What the next index of the same dir may start from: facts loaded and extracted here, if any were loaded. */
  handOver(): Promise<ReadonlyMap<string, CachedFile>> | undefined {
    const used = this.#used;
    return this.#known?.then((known) => new Map([...known, ...used]));
  }

  /** Files extracted by this index. */
  get extracted(): number {
    return this.#extracted;
  }

  /** Files whose cached facts this index used. */
  get reused(): number {
    return this.#reused;
  }

  /** The files among `sources` that `factsOf` would extract: no facts of this adapter version for their content. */
  async uncached(sources: readonly SourceFile[], adapter: LanguageAdapter): Promise<SourceFile[]> {
    const known = await this.#load();
    return sources.filter((source) => !isCachedFor(known.get(source.path), source, adapter));
  }

  /** Hands over what the pool extracted for `source`: the next `factsOf` of it takes this instead of extracting. */
  extractedAhead(source: SourceFile, adapter: LanguageAdapter, result: Extracted): void {
    this.#ahead.set(source.path, { adapter, hash: source.hash, result });
  }

  /** The file's facts, or why the adapter could not parse it. */
  async factsOf(
    source: SourceFile,
    adapter: LanguageAdapter,
  ): Promise<{ readonly facts: unknown } | { readonly problem: string }> {
    const cached = (await this.#load()).get(source.path);
    if (isCachedFor(cached, source, adapter)) {
      this.#used.set(source.path, cached);
      this.#reused++;
      return { facts: cached.facts };
    }
    const ahead = this.#ahead.get(source.path);
    this.#ahead.delete(source.path);
    const result =
      ahead?.adapter === adapter && ahead.hash === source.hash ? ahead.result : extractOne(adapter, source);
    if ('facts' in result) {
      this.#used.set(source.path, {
        adapter: adapter.id,
        version: adapter.version,
        hash: source.hash,
        facts: result.facts,
      });
      this.#extracted++;
    }
    return result;
  }

  /**
   * Writes the cache file when it differs from what the tree needs: new facts, files gone, or an unreadable
   * file. Facts of files this index did not need (their part was unchanged) are kept as they were.
   */
  async save(present: ReadonlySet<string>): Promise<void> {
    if (!this.#known) return;
    const known = await this.#known;
    const gone = [...known.keys()].some((path) => !present.has(path));
    if (this.#extracted === 0 && !gone && !this.#unusableCache) return;
    const content = new Map<string, CachedFile>();
    for (const path of [...present].sort()) {
      const entry = this.#used.get(path) ?? known.get(path);
      if (entry) content.set(path, entry);
    }
    await writeFactsCache(this.#cache, content).catch((err: Error) => {
      this.#problems.push(`could not write the code cache ${this.#cache.factsPath} (${err.message})`);
    });
  }

  #load(): Promise<ReadonlyMap<string, CachedFile>> {
    this.#known ??= readFactsCache(this.#cache).then((read) => {
      if (read.problem) {
        this.#problems.push(read.problem);
        this.#unusableCache = true;
      }
      return read.value;
    });
    return this.#known;
  }
}

function isCachedFor(
  cached: CachedFile | undefined,
  source: SourceFile,
  adapter: LanguageAdapter,
): cached is CachedFile {
  return (
    cached !== undefined &&
    cached.adapter === adapter.id &&
    cached.version === adapter.version &&
    cached.hash === source.hash
  );
}
