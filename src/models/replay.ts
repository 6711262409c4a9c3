// Model Selector record and replay: every exchange as a JSON line, and answers served back from such a file
// (reproducible CI runs and end-to-end tests without a provider).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { appendLineLocked } from '../util/files.js';
import { providerNames } from './providers/provider.js';

const usage = {
  tokens_in: z.number().optional(),
  tokens_out: z.number().optional(),
};

const chatExchangeSchema = z.looseObject({
  v: z.literal(1),
  kind: z.literal('chat'),
  role: z.string(),
  tier: z.string(),
  provider: z.enum(providerNames),
  model: z.string(),
  hash: z.string(),
  system: z.string(),
  prompt: z.string(),
  schema_name: z.string(),
  text: z.string(),
  ...usage,
});

const embedExchangeSchema = z.looseObject({
  v: z.literal(1),
  kind: z.literal('embed'),
  role: z.string(),
  tier: z.string(),
  provider: z.enum(providerNames),
  model: z.string(),
  hash: z.string(),
  texts: z.array(z.string()),
  vectors: z.array(z.array(z.number())),
  ...usage,
});

const exchangeSchema = z.discriminatedUnion('kind', [chatExchangeSchema, embedExchangeSchema]);
export type Exchange = z.infer<typeof exchangeSchema>;
export type ChatExchange = z.infer<typeof chatExchangeSchema>;
export type EmbedExchange = z.infer<typeof embedExchangeSchema>;

/** Appends one exchange; several processes may record to one file. */
export async function recordExchange(path: string, exchange: Exchange): Promise<void> {
  await appendLineLocked(path, JSON.stringify(exchange));
}

/** Thrown when a replay file holds no answer for a request: the run fails clearly instead of calling out. */
export class ReplayMiss extends Error {
  override readonly name = 'ReplayMiss';
}

/**
 * Answers from a recorded file. A request is matched by hash first (any candidate of its tier, its own
 * first; an unused exchange before a used one), then by role: the next exchange of that role not yet used.
 */
export class ReplaySource {
  private readonly used = new Set<Exchange>();

  private constructor(
    readonly path: string,
    private readonly exchanges: readonly Exchange[],
  ) {}

  static async load(path: string): Promise<ReplaySource> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new ReplayMiss(`cannot read the replay file ${path} (${(err as Error).message})`);
    }
    const exchanges: Exchange[] = [];
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new ReplayMiss(
          `${path}:${i + 1} is not JSON; a replay file holds one recorded exchange per line`,
        );
      }
      const result = exchangeSchema.safeParse(parsed);
      if (!result.success) {
        throw new ReplayMiss(
          `${path}:${i + 1} is not a recorded exchange (${z.prettifyError(result.error)})`,
        );
      }
      exchanges.push(result.data);
    }
    return new ReplaySource(path, exchanges);
  }

  take<K extends Exchange['kind']>(
    kind: K,
    hashes: readonly string[],
    role: string,
  ): Extract<Exchange, { kind: K }> {
    const ofKind = this.exchanges.filter((e): e is Extract<Exchange, { kind: K }> => e.kind === kind);
    for (const hash of hashes) {
      const matches = ofKind.filter((e) => e.hash === hash);
      const hit = matches.find((e) => !this.used.has(e)) ?? matches[0];
      if (hit) return this.use(hit);
    }
    const next = ofKind.find((e) => e.role === role && !this.used.has(e));
    if (next) return this.use(next);
    throw new ReplayMiss(
      `the replay file ${this.path} has no recorded ${kind} answer left for role "${role}" (request ${hashes[0]?.slice(0, 12) ?? '?'}); record the run again to refresh it`,
    );
  }

  private use<E extends Exchange>(e: E): E {
    this.used.add(e);
    return e;
  }
}
