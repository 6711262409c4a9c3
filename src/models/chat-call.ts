// Model Selector structured chat on one candidate: cache, call (or replay), zod check, one repair round, records.
import { callWithRetries, type RecordBase, recordOf } from './attempts.js';
import { OUTPUT_ALLOWANCE_TOKENS } from './budget.js';
import { chatRequestHash } from './cache.js';
import { estimateTokens } from './prices.js';
import type { ChatReply, Provider } from './providers/provider.js';
import { recordExchange } from './replay.js';
import type { RouterServices } from './router.js';
import type { Candidate } from './settings.js';
import { parseStructuredReply, repairPrompt } from './structured.js';
import type { GenerateRequest, ModelCallOutcome } from './types.js';

export type CandidateOutcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly reason: string; readonly terminal: boolean };

interface ChatAnswer<T> {
  readonly value: T;
  readonly provider: string;
  readonly model: string;
}

/** A cached, still valid answer of this candidate to this exact request; logged as a cache hit. */
export async function chatFromCache<T>(input: {
  readonly svc: RouterServices;
  readonly base: RecordBase;
  readonly candidate: Candidate;
  readonly request: GenerateRequest<T>;
  readonly jsonSchema: Record<string, unknown>;
}): Promise<ChatAnswer<T> | undefined> {
  const { svc, base, candidate, request } = input;
  if (!svc.cache) return undefined;
  const key = chatRequestHash({
    ...candidateOf(candidate),
    system: request.system,
    prompt: request.prompt,
    jsonSchema: input.jsonSchema,
  });
  const entry = await svc.cache.get(key);
  const parsed = entry?.kind === 'chat' ? parseStructuredReply(entry.text, request.schema) : undefined;
  if (!parsed?.ok) return undefined;
  await svc.log(recordOf(base, svc.timing.now(), 'ok', { cache_hit: true }));
  return { value: parsed.value, provider: candidate.provider, model: candidate.model };
}

function candidateOf(c: Candidate): { provider: string; model: string } {
  return { provider: c.provider, model: c.model };
}

export async function chatCandidate<T>(input: {
  readonly svc: RouterServices;
  readonly base: RecordBase;
  readonly candidate: Candidate;
  readonly provider: Provider;
  readonly all: readonly Candidate[];
  readonly request: GenerateRequest<T>;
  readonly jsonSchema: Record<string, unknown>;
}): Promise<CandidateOutcome<ChatAnswer<T>>> {
  const { svc, base, candidate, provider, request, jsonSchema } = input;
  const { system } = request;
  const hashOf = (c: Candidate, prompt: string) =>
    chatRequestHash({ ...candidateOf(c), system, prompt, jsonSchema });
  const key = hashOf(candidate, request.prompt);
  const schema = request.schema;

  const invoke = async (prompt: string): Promise<ChatReply> => {
    if (svc.replay) {
      const source = await svc.replay();
      const others = input.all.filter((c) => c !== candidate).map((c) => hashOf(c, prompt));
      const ex = source.take('chat', [hashOf(candidate, prompt), ...others], request.role);
      return {
        text: ex.text,
        ...(ex.tokens_in === undefined ? {} : { tokensIn: ex.tokens_in }),
        ...(ex.tokens_out === undefined ? {} : { tokensOut: ex.tokens_out }),
        answeredBy: { provider: ex.provider, model: ex.model },
      };
    }
    return provider.chat({
      model: candidate.model,
      system,
      prompt,
      jsonSchema,
      schemaName: request.schemaName,
      timeoutMs: svc.models.timeoutMs,
    });
  };

  const ask = async (prompt: string) => {
    const estimate = svc.estimate(candidate, system + prompt, OUTPUT_ALLOWANCE_TOKENS);
    const result = await callWithRetries(svc.context(base, candidate, provider, estimate), () =>
      invoke(prompt),
    );
    if (result.ok && svc.recordTo) {
      const reply = result.value;
      await recordExchange(svc.recordTo, {
        v: 1,
        kind: 'chat',
        role: request.role,
        tier: base.tier,
        provider: reply.answeredBy?.provider ?? candidate.provider,
        model: reply.answeredBy?.model ?? candidate.model,
        hash: hashOf(candidate, prompt),
        system,
        prompt,
        schema_name: request.schemaName,
        text: reply.text,
        ...(reply.tokensIn === undefined ? {} : { tokens_in: reply.tokensIn }),
        ...(reply.tokensOut === undefined ? {} : { tokens_out: reply.tokensOut }),
      });
    }
    return result;
  };

  const logReply = async (
    prompt: string,
    reply: ChatReply,
    latencyMs: number,
    outcome: ModelCallOutcome,
    error?: string,
  ) => {
    const by = reply.answeredBy;
    const answering: Candidate = by
      ? { provider: by.provider, model: by.model, id: `${by.provider}:${by.model}` }
      : candidate;
    const tokensIn = reply.tokensIn ?? estimateTokens(system + prompt);
    const tokensOut = reply.tokensOut ?? estimateTokens(reply.text);
    await svc.log(
      recordOf(
        { ...base, provider: answering.provider, model: answering.model },
        svc.timing.now() - latencyMs,
        outcome,
        {
          tokens_in: tokensIn,
          tokens_out: tokensOut,
          tokens_estimated: reply.tokensIn === undefined || reply.tokensOut === undefined,
          cost_usd: svc.cost(answering, tokensIn, tokensOut),
          latency_ms: latencyMs,
          ...(reply.promptTrimmed ? { prompt_trimmed: true } : {}),
          ...(error === undefined ? {} : { error }),
        },
      ),
    );
    return answering;
  };

  const first = await ask(request.prompt);
  if (!first.ok) return first;
  const parsed = parseStructuredReply(first.value.text, schema);
  if (parsed.ok) {
    const by = await logReply(request.prompt, first.value, first.latencyMs, 'ok');
    await svc.cache?.putChat(key, first.value.text).catch(() => undefined);
    return { ok: true, value: { value: parsed.value, provider: by.provider, model: by.model } };
  }
  await logReply(request.prompt, first.value, first.latencyMs, 'invalid_output', parsed.error);

  const fix = repairPrompt(request.prompt, first.value.text, parsed.error, request.schemaName);
  const second = await ask(fix);
  if (!second.ok) return second;
  const repaired = parseStructuredReply(second.value.text, schema);
  if (repaired.ok) {
    const by = await logReply(fix, second.value, second.latencyMs, 'ok');
    await svc.cache?.putChat(key, second.value.text).catch(() => undefined);
    return { ok: true, value: { value: repaired.value, provider: by.provider, model: by.model } };
  }
  await logReply(fix, second.value, second.latencyMs, 'invalid_output', repaired.error);
  return {
    ok: false,
    reason: `invalid output after one repair round (${repaired.error.split('\n')[0]})`,
    terminal: false,
  };
}
