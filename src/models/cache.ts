// Model Selector response cache: validated replies under .office/cache/models/, keyed by a hash of the request.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/files.js';
import { officeDir } from '../util/workspace.js';

/** sha256 of what decides a chat answer: provider, model, system prompt, prompt and JSON Schema. */
export function chatRequestHash(input: {
  readonly provider: string;
  readonly model: string;
  readonly system: string;
  readonly prompt: string;
  readonly jsonSchema: unknown;
}): string {
  return sha256(['chat', input.provider, input.model, input.system, input.prompt, input.jsonSchema]);
}

export function embedRequestHash(input: {
  readonly provider: string;
  readonly model: string;
  readonly texts: readonly string[];
}): string {
  return sha256(['embed', input.provider, input.model, input.texts]);
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

const entrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    version: z.literal(1),
    kind: z.literal('chat'),
    created_ms: z.number(),
    text: z.string(),
  }),
  z.strictObject({
    version: z.literal(1),
    kind: z.literal('embed'),
    created_ms: z.number(),
    vectors: z.array(z.array(z.number())),
  }),
]);
export type CacheEntry = z.infer<typeof entrySchema>;

export function modelCacheDir(workspace: string): string {
  return join(officeDir(workspace), 'cache', 'models');
}

/** A file per entry, written atomically; TTL 0 means entries never expire. Unreadable entries are misses. */
export class ResponseCache {
  constructor(
    private readonly dir: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  async get(key: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathFor(key), 'utf8');
    } catch {
      return undefined;
    }
    let entry: CacheEntry;
    try {
      entry = entrySchema.parse(JSON.parse(text));
    } catch {
      return undefined;
    }
    if (this.ttlSeconds > 0 && this.now() - entry.created_ms > this.ttlSeconds * 1000) return undefined;
    return entry;
  }

  async putChat(key: string, text: string): Promise<void> {
    await this.write(key, { version: 1, kind: 'chat', created_ms: this.now(), text });
  }

  async putEmbed(key: string, vectors: number[][]): Promise<void> {
    await this.write(key, { version: 1, kind: 'embed', created_ms: this.now(), vectors });
  }

  private async write(key: string, entry: CacheEntry): Promise<void> {
    await writeFileAtomic(this.pathFor(key), JSON.stringify(entry));
  }

  private pathFor(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
