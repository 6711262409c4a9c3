// Plan memory storage ("Corporate Knowledge" on disk): vectra LocalIndexes under .office/memory/, one for the
// entries (with their hashed vectors) and one per embedding model, written atomically under one cross-process lock.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexData, LocalIndex, MetadataFilter } from 'vectra';
import { z } from 'zod';
import { withFileLock, writeFileAtomic } from '../util/files.js';
import { officeDir } from '../util/workspace.js';

export type Metadata = Record<string, string | number | boolean>;

export interface StoredItem {
  readonly id: string;
  readonly vector: number[];
  readonly metadata: Metadata;
}

export interface Scored {
  readonly id: string;
  readonly score: number;
  readonly metadata: Metadata;
}

/** A namespace: the entries (and their hashed vectors), or the vectors one embedding model made of them. */
export type Namespace = { readonly kind: 'entries' } | { readonly kind: 'model'; readonly model: string };
export const ENTRIES: Namespace = { kind: 'entries' };

/** index.json as vectra writes it; anything else is an unreadable index. */
const indexDataSchema = z.object({
  version: z.number(),
  metadata_config: z.object({ indexed: z.array(z.string()).optional() }),
  items: z.array(
    z.object({
      id: z.string(),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      vector: z.array(z.number()),
      norm: z.number(),
      metadataFile: z.string().optional(),
    }),
  ),
});

class UnreadableIndex extends Error {}

interface Vectra {
  open(folder: string): LocalIndex;
}

let loaded: Promise<Vectra> | undefined;

/**
 * vectra, loaded on first use (its import takes about a second), with two replacements: a storage whose
 * upsertFile is an atomic temp-file-and-rename (vectra's own rewrites index.json in place, so a crash
 * mid-write would leave it truncated), and a codec that checks index.json's shape instead of trusting it.
 */
function vectra(): Promise<Vectra> {
  loaded ??= import('vectra').then((v) => {
    class AtomicFileStorage extends v.LocalFileStorage {
      override async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
        await writeFileAtomic(filePath, content);
      }
    }
    class CheckedJsonCodec extends v.JsonCodec {
      override deserializeIndex(buffer: Buffer): IndexData {
        let json: unknown;
        try {
          json = JSON.parse(buffer.toString('utf8'));
        } catch (err) {
          throw new UnreadableIndex(`not valid JSON: ${(err as Error).message}`);
        }
        const parsed = indexDataSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new UnreadableIndex(`${issue?.path.join('.') || 'index'}: ${issue?.message ?? 'invalid'}`);
        }
        return parsed.data as IndexData;
      }
    }
    const storage = new AtomicFileStorage();
    const codec = new CheckedJsonCodec();
    return { open: (folder: string) => new v.LocalIndex(folder, undefined, storage, codec) };
  });
  return loaded;
}

/** Read access to one loaded index. */
export interface IndexReader {
  items(): Promise<StoredItem[]>;
  /** The `k` items nearest to `vector` by cosine; none when the index holds vectors of another length. */
  query(vector: number[], k: number, filter?: MetadataFilter): Promise<Scored[]>;
}

/** Changes made under the memory lock; each touched index is written once, atomically, at the end. */
export interface IndexWriter {
  items(ns: Namespace): Promise<StoredItem[]>;
  upsert(ns: Namespace, items: readonly StoredItem[]): Promise<void>;
  remove(ns: Namespace, ids: Iterable<string>): Promise<void>;
  /** Deletes a namespace whole (a model's vectors that no longer fit). */
  drop(ns: Namespace): Promise<void>;
}

export class VectorStore {
  readonly dir: string;

  constructor(
    private readonly workspace: string,
    private readonly warn: (message: string) => void,
  ) {
    this.dir = join(officeDir(workspace), 'memory');
  }

  folderOf(ns: Namespace): string {
    return ns.kind === 'entries'
      ? join(this.dir, 'entries')
      : join(this.dir, 'vectors', encodeURIComponent(ns.model));
  }

  /** The embedding models that have vectors here. */
  async models(): Promise<string[]> {
    const names = await readdir(join(this.dir, 'vectors')).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith('.')).map((n) => decodeURIComponent(n));
  }

  /** Opens a namespace for reading; undefined when it does not exist (or was unreadable and set aside). */
  async read(ns: Namespace): Promise<IndexReader | undefined> {
    const index = (await vectra()).open(this.folderOf(ns));
    if (!(await index.isIndexCreated())) return undefined;
    try {
      await index.getIndexStats();
    } catch (err) {
      if (!(err instanceof UnreadableIndex)) throw err;
      await this.lock(() => this.setAside(ns, err.message));
      return undefined;
    }
    return {
      items: async () => (await index.listItems()).map(toStored),
      query: async (vector, k, filter) => {
        const first = (await index.listItems())[0];
        if (k <= 0 || !first || first.vector.length !== vector.length) return [];
        const found = await index.queryItems(vector, '', k, filter);
        return found.map((r) => ({ id: r.item.id, score: r.score, metadata: r.item.metadata as Metadata }));
      },
    };
  }

  /** Runs `change` holding the memory lock, on freshly loaded indexes, then writes each touched one atomically. */
  async write<T>(change: (writer: IndexWriter) => Promise<T>): Promise<T> {
    return this.lock(async () => {
      const { open } = await vectra();
      const touched = new Map<string, LocalIndex>();
      const updating = async (ns: Namespace): Promise<LocalIndex> => {
        const folder = this.folderOf(ns);
        const known = touched.get(folder);
        if (known) return known;
        await removeOrphans(folder);
        let index = open(folder);
        try {
          if (await index.isIndexCreated()) await index.beginUpdate();
        } catch (err) {
          if (!(err instanceof UnreadableIndex)) throw err;
          await this.setAside(ns, err.message);
          index = open(folder);
        }
        if (!(await index.isIndexCreated())) {
          await index.createIndex({ version: 1 });
          await index.beginUpdate();
        }
        touched.set(folder, index);
        return index;
      };
      const writer: IndexWriter = {
        items: async (ns) => (await (await updating(ns)).listItems()).map(toStored),
        upsert: async (ns, items) => {
          const index = await updating(ns);
          for (const item of items) await index.upsertItem({ ...item, metadata: { ...item.metadata } });
        },
        remove: async (ns, ids) => {
          await (await updating(ns)).deleteItems(ids);
        },
        drop: async (ns) => {
          const folder = this.folderOf(ns);
          touched.get(folder)?.cancelUpdate();
          touched.delete(folder);
          await rm(folder, { recursive: true, force: true });
        },
      };
      let result: T;
      try {
        result = await change(writer);
      } catch (err) {
        for (const index of touched.values()) index.cancelUpdate();
        throw err;
      }
      for (const index of touched.values()) await index.endUpdate();
      return result;
    });
  }

  /** Bytes of everything under .office/memory/. */
  async size(): Promise<number> {
    return sizeOf(this.dir);
  }

  /** One lock for all of memory; writes are short, so a lock left by a killed process is taken over after 5 s. */
  private lock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(join(this.dir, 'memory'), fn, { staleMs: 5_000 });
  }

  /** Moves an unreadable index.json to .office/corrupt/ and says where; the caller starts a fresh one. */
  private async setAside(ns: Namespace, detail: string): Promise<void> {
    const folder = this.folderOf(ns);
    const path = join(folder, 'index.json');
    const corrupt = join(officeDir(this.workspace), 'corrupt');
    const name = ns.kind === 'entries' ? 'entries' : encodeURIComponent(ns.model);
    const aside = join(corrupt, `memory-${name}-index.json.${Date.now()}`);
    await mkdir(corrupt, { recursive: true });
    try {
      await rename(path, aside);
    } catch (err) {
      // Another process set it aside (or repaired it) first.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.warn(
      `plan memory index ${path} could not be read (${detail}); it was moved to ${aside} and a fresh index started`,
    );
  }
}

/**
 * Removes temp files a killed writer left next to index.json. Only called under the memory lock, when no other
 * process can be writing one.
 */
async function removeOrphans(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (/^\.index\.json\..+\.tmp$/.test(name)) await rm(join(folder, name), { force: true });
  }
}

function toStored(item: { id: string; vector: number[]; metadata: Record<string, unknown> }): StoredItem {
  return { id: item.id, vector: item.vector, metadata: item.metadata as Metadata };
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  const names = await readdir(path).catch(() => [] as string[]);
  let total = 0;
  for (const name of names) total += await sizeOf(join(path, name));
  return total;
}
