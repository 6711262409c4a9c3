// Model Selector embeddings on one candidate: cache, call (or replay), a shape check, records.
import { callWithRetries, type RecordBase, recordOf } from './attempts.js';
import { embedRequestHash } from './cache.js';
import type { CandidateOutcome } from './chat-call.js';
import { estimateTokens } from './prices.js';
import type { EmbedReply, Provider } from './providers/provider.js';
import { recordExchange } from './replay.js';
import type { RouterServices } from './router.js';
import type { Candidate } from './settings.js';

/** A cached answer of this candidate to these exact texts; logged as a cache hit. */
export async function embedFromCache(input: {
  readonly svc: RouterServices;
  readonly base: RecordBase;
  readonly candidate: Candidate;
  readonly texts: readonly string[];
}): Promise<{ readonly model: string; readonly vectors: number[][] } | undefined> {
  const { svc, base, candidate, texts } = input;
  if (!svc.cache) return undefined;
  const entry = await svc.cache.get(
    embedRequestHash({ provider: candidate.provider, model: candidate.model, texts }),
  );
  if (entry?.kind !== 'embed' || shapeError(entry.vectors, texts.length) !== undefined) return undefined;
  await svc.log(recordOf(base, svc.timing.now(), 'ok', { cache_hit: true }));
  return { model: candidate.model, vectors: entry.vectors };
}

export async function embedCandidate(input: {
  readonly svc: RouterServices;
  readonly base: RecordBase;
  readonly candidate: Candidate;
  readonly provider: Provider;
  readonly all: readonly Candidate[];
  readonly texts: readonly string[];
}): Promise<CandidateOutcome<{ readonly model: string; readonly vectors: number[][] }>> {
  const { svc, base, candidate, provider, texts } = input;
  const hashOf = (c: Candidate) => embedRequestHash({ provider: c.provider, model: c.model, texts });
  const key = hashOf(candidate);

  const invoke = async (): Promise<EmbedReply> => {
    if (svc.replay) {
      const source = await svc.replay();
      const hashes = [key, ...input.all.filter((c) => c !== candidate).map(hashOf)];
      const ex = source.take('embed', hashes, 'embed');
      return {
        vectors: ex.vectors,
        ...(ex.tokens_in === undefined ? {} : { tokensIn: ex.tokens_in }),
        answeredBy: { provider: ex.provider, model: ex.model },
      };
    }
    return provider.embed({ model: candidate.model, texts, timeoutMs: svc.models.timeoutMs });
  };

  const joined = texts.join('\n');
  const result = await callWithRetries(
    svc.context(base, candidate, provider, svc.estimate(candidate, joined, 0)),
    invoke,
  );
  if (!result.ok) return result;
  const reply = result.value;
  const answering: Candidate = reply.answeredBy
    ? { ...reply.answeredBy, id: `${reply.answeredBy.provider}:${reply.answeredBy.model}` }
    : candidate;
  const tokensIn = reply.tokensIn ?? estimateTokens(joined);
  const problem = shapeError(reply.vectors, texts.length);
  await svc.log(
    recordOf(
      { ...base, provider: answering.provider, model: answering.model },
      svc.timing.now() - result.latencyMs,
      problem ? 'invalid_output' : 'ok',
      {
        tokens_in: tokensIn,
        tokens_estimated: reply.tokensIn === undefined,
        cost_usd: svc.cost(answering, tokensIn, 0),
        latency_ms: result.latencyMs,
        ...(problem ? { error: problem } : {}),
      },
    ),
  );
  if (problem) return { ok: false, reason: problem, terminal: false };
  if (svc.recordTo) {
    await recordExchange(svc.recordTo, {
      v: 1,
      kind: 'embed',
      role: 'embed',
      tier: base.tier,
      provider: answering.provider,
      model: answering.model,
      hash: key,
      texts: [...texts],
      vectors: reply.vectors,
      ...(reply.tokensIn === undefined ? {} : { tokens_in: reply.tokensIn }),
    });
  }
  await svc.cache?.putEmbed(key, reply.vectors).catch(() => undefined);
  return { ok: true, value: { model: answering.model, vectors: reply.vectors } };
}

/** Why `vectors` is not one non-empty, finite, same-length vector per text; undefined when it is. */
function shapeError(vectors: readonly (readonly number[])[], count: number): string | undefined {
  if (vectors.length !== count) return `${vectors.length} vectors for ${count} texts`;
  const dim = vectors[0]?.length ?? 0;
  if (dim === 0) return 'empty vectors';
  if (vectors.some((v) => v.length !== dim || v.some((x) => !Number.isFinite(x)))) {
    return 'vectors of different lengths or with non-numbers';
  }
  return undefined;
}
