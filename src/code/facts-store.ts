// Facts of each source file (code intelligence): from the last index in memory, else the code store, else what
// the extraction pool extracted for it, else the adapter's `extract`. Facts are read from the store one file at a
// time, only for the parts of the tree that must be linked again.
import { type Extracted, extractOne } from './extract-pool.js';
import type { LanguageAdapter, SourceFile } from './model.js';
import type { CodeStore, StoredFacts } from './store.js';

export class FactsStore {
  readonly #store: CodeStore | undefined;
  /** Facts the last index of the same dir in this process used (looked up or extracted). */
  readonly #previous: ReadonlyMap<string, StoredFacts>;
  /** Adapter, version and hash of each file's facts in the store, read on first need. */
  #keys: ReadonlyMap<string, Omit<StoredFacts, 'facts'>> | undefined;
  /** Facts looked up or extracted by this index. */
  readonly #used = new Map<string, StoredFacts>();
  /** Facts extracted by this index and not yet written to the store. */
  readonly #unsaved = new Map<string, StoredFacts>();
  /** Extracted ahead of `factsOf` (by the pool), keyed by path; taken by `factsOf` as if it had extracted them. */
  readonly #ahead = new Map<string, { adapter: LanguageAdapter; hash: string; result: Extracted }>();
  #extracted = 0;
  #reused = 0;

  constructor(store: CodeStore | undefined, previous: FactsStore | undefined) {
    this.#store = store;
    this.#previous = previous?.handOver() ?? new Map();
  }

  /** What the next index of the same dir may start from: the facts used here and those handed here. */
  handOver(): ReadonlyMap<string, StoredFacts> {
    return new Map([...this.#previous, ...this.#used]);
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
  uncached(sources: readonly SourceFile[], adapter: LanguageAdapter): SourceFile[] {
    return sources.filter(
      (source) =>
        !isFor(this.#previous.get(source.path), source, adapter) &&
        !isFor(this.#storedKeys().get(source.path), source, adapter),
    );
  }

  /** Hands over what the pool extracted for `source`: the next `factsOf` of it takes this instead of extracting. */
  extractedAhead(source: SourceFile, adapter: LanguageAdapter, result: Extracted): void {
    this.#ahead.set(source.path, { adapter, hash: source.hash, result });
  }

  /** The file's facts, or why the adapter could not parse it. */
  factsOf(
    source: SourceFile,
    adapter: LanguageAdapter,
  ): { readonly facts: unknown } | { readonly problem: string } {
    const known = this.#previous.get(source.path);
    let cached: StoredFacts | undefined;
    if (isFor(known, source, adapter)) cached = known;
    else if (isFor(this.#storedKeys().get(source.path), source, adapter))
      cached = this.#store?.facts(source.path);
    if (isFor(cached, source, adapter)) {
      this.#used.set(source.path, cached);
      this.#reused++;
      return { facts: cached.facts };
    }
    const ahead = this.#ahead.get(source.path);
    this.#ahead.delete(source.path);
    const result =
      ahead?.adapter === adapter && ahead.hash === source.hash ? ahead.result : extractOne(adapter, source);
    if ('facts' in result) {
      const entry = { adapter: adapter.id, version: adapter.version, hash: source.hash, facts: result.facts };
      this.#used.set(source.path, entry);
      this.#unsaved.set(source.path, entry);
      this.#extracted++;
    }
    return result;
  }

  /**
   * What the store must change to hold the facts of the files `present`: facts extracted since the last call, and
   * the paths of stored facts whose file is gone. Taking them marks them written.
   */
  takeChanges(present: ReadonlySet<string>): { facts: Map<string, StoredFacts>; goneFacts: string[] } {
    const facts = new Map([...this.#unsaved].filter(([path]) => present.has(path)));
    this.#unsaved.clear();
    // Stored facts of a file gone matter only when something is written anyway, or when the store was read here.
    if (facts.size === 0 && this.#keys === undefined) return { facts, goneFacts: [] };
    const goneFacts = [...this.#storedKeys().keys()].filter((path) => !present.has(path));
    this.#keys = undefined;
    return { facts, goneFacts };
  }

  #storedKeys(): ReadonlyMap<string, Omit<StoredFacts, 'facts'>> {
    this.#keys ??= this.#store?.factKeys() ?? new Map();
    return this.#keys;
  }
}

/** Whether `cached` holds facts of this adapter version for the source's content. */
function isFor<T extends Omit<StoredFacts, 'facts'>>(
  cached: T | undefined,
  source: SourceFile,
  adapter: LanguageAdapter,
): cached is T {
  return (
    cached !== undefined &&
    cached.adapter === adapter.id &&
    cached.version === adapter.version &&
    cached.hash === source.hash
  );
}
