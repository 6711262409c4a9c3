// Plan memory similarity ("Corporate Knowledge"): the entries nearest to a text, by the router's embed tier when a
// model answers (its vectors kept in an index of that model's own), else by hashed n-gram vectors.
import type { ModelRouter } from '../models/types.js';
import { decodeEntry, type MemoryEntry } from './entry.js';
import { HASH_MODEL_ID, hashEmbedding } from './hash-embedding.js';
import type { Hit } from './recall.js';
import { ENTRIES, type Namespace, type StoredItem, type VectorStore } from './vector-store.js';

const EMBED_BATCH = 32;

/** The least cosine a hit must reach, by where the vectors come from (their scales differ). */
export interface MinScores {
  /** For hashed n-gram vectors. */
  readonly hash: number;
  /** For the embed tier's vectors. */
  readonly model: number;
}

export interface Similarity {
  readonly hits: readonly Hit[];
  /** The embedding model the scores come from (`ollama:nomic-embed-text`, or `hash-ngram-v1`). */
  readonly model: string;
}

/** Similarity search over the entries of `store`, through `router`'s embed tier when it is enabled and answers. */
export function createSimilarity(store: VectorStore, router: ModelRouter | undefined) {
  /** Set once the embed tier failed in this process: later queries go straight to hashed vectors. */
  let embedUnavailable = false;

  async function hashHits(text: string, k: number, minScore: number): Promise<Hit[]> {
    const reader = await store.read(ENTRIES);
    if (!reader) return [];
    const found = await reader.query(hashEmbedding(text), k, { vector_model: { $eq: HASH_MODEL_ID } });
    return found.flatMap((f) => {
      const entry = decodeEntry(f.id, f.metadata);
      return entry && f.score >= minScore ? [{ entry, score: f.score }] : [];
    });
  }

  /** Similar entries by the embed tier's vectors, embedding entries that have none yet; undefined: no model. */
  async function modelHits(
    text: string,
    entries: readonly MemoryEntry[],
    k: number,
    minScore: number,
    taskId: string | undefined,
  ): Promise<Similarity | undefined> {
    if (!router?.enabled || embedUnavailable) return undefined;
    const embed = async (texts: readonly string[]) => {
      const r = await router.embed(texts, taskId === undefined ? {} : { taskId });
      if (!r.ok) return undefined;
      const provider = r.calls.findLast((c) => c.outcome === 'ok')?.provider ?? 'model';
      return { model: `${provider}:${r.model}`, vectors: r.vectors };
    };
    const query = await embed([text]);
    const vector = query?.vectors[0];
    if (!query || !vector) {
      embedUnavailable = true;
      return undefined;
    }
    const ns: Namespace = { kind: 'model', model: query.model };
    const existing = (await (await store.read(ns))?.items()) ?? [];
    const fits = existing.every((i) => i.vector.length === vector.length);
    const have = new Set(fits ? existing.map((i) => i.id) : []);
    const live = new Set(entries.map((e) => e.id));
    const missing = entries.filter((e) => !have.has(e.id));
    const stale = [...have].filter((id) => !live.has(id));
    if (missing.length > 0 || stale.length > 0 || !fits) {
      const added: StoredItem[] = [];
      for (let i = 0; i < missing.length; i += EMBED_BATCH) {
        const batch = missing.slice(i, i + EMBED_BATCH);
        const got = await embed(batch.map((e) => e.text));
        // Another model answered (the first one failed meanwhile), or vectors of another length: not comparable.
        if (!got || got.model !== query.model || got.vectors.some((v) => v.length !== vector.length)) {
          return undefined;
        }
        batch.forEach((e, j) => {
          added.push({ id: e.id, vector: got.vectors[j] as number[], metadata: {} });
        });
      }
      await store.write(async (w) => {
        if (!fits) await w.drop(ns);
        await w.upsert(ns, added);
        await w.remove(ns, stale);
      });
    }
    const byId = new Map(entries.map((e) => [e.id, e]));
    const found = (await (await store.read(ns))?.query(vector, k)) ?? [];
    return {
      model: query.model,
      hits: found.flatMap((f) => {
        const entry = byId.get(f.id);
        return entry && f.score >= minScore ? [{ entry, score: f.score }] : [];
      }),
    };
  }

  async function similar(
    text: string,
    entries: readonly MemoryEntry[],
    k: number,
    minScore: MinScores,
    taskId?: string,
  ): Promise<Similarity> {
    if (entries.length === 0) return { hits: [], model: HASH_MODEL_ID };
    const viaModel = await modelHits(text, entries, k, minScore.model, taskId);
    return viaModel ?? { hits: await hashHits(text, k, minScore.hash), model: HASH_MODEL_ID };
  }

  return { similar };
}
