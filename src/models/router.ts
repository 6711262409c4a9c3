// Model Selector ("Model Selector"): role → tier → ordered candidates; keys, circuits, cache, budgets, retries,
// structured output with one repair round, record/replay; every attempt and refusal becomes a ModelCallRecord.
import { officeEnv } from '../config/secrets.js';
import { randomBytes } from 'node:crypto';
import type { ModelsConfig } from '../schemas/config.js';
import { type CandidateContext, type RecordBase, recordOf, type Timing } from './attempts.js';
import { CircuitBreakers } from './breaker.js';
import {
  addDailySpend,
  type BudgetDecision,
  checkBudget,
  readDailySpend,
  spendLedgerPath,
  utcDay,
} from './budget.js';
import { ResponseCache, modelCacheDir } from './cache.js';
import { embedCandidate, embedFromCache } from './embed-call.js';
import { jsonSchemaFor } from './json-schema.js';
import { costUsd, estimateTokens, priceFor } from './prices.js';
import { createProvider } from './providers/create.js';
import type { Provider, ProviderName, ProviderSettings } from './providers/provider.js';
import { ReplaySource } from './replay.js';
import { DEFAULT_RETRY, type RetrySettings } from './retry.js';
import {
  type Candidate,
  candidatesFor,
  type Env,
  hasKey,
  parseTierOverrides,
  missingKeyReason,
  resolveProviderSettings,
  type TierOverrides,
} from './settings.js';
import { type CandidateOutcome, chatCandidate, chatFromCache } from './chat-call.js';
import {
  type EmbedResult,
  type GenerateRequest,
  type GenerateResult,
  type ModelCallRecord,
  type ModelRouter,
  ROLE_TIER,
} from './types.js';

export interface ModelRouterOptions {
  /** The parsed configuration (only `models` is read). */
  readonly config: { readonly models: ModelsConfig };
  /** Hosts and keys; defaults to office's environment (process.env and the secrets taken out of it). */
  readonly env?: Env;
  /** Workspace root: the cache and the spend ledger live under its .office/. */
  readonly workspace: string;
  /** Receives every record as it happens (the loop stores them with the task). */
  readonly onCall?: (record: ModelCallRecord) => void;
  readonly offline?: boolean;
  /** Raw `--model TIER=PROVIDER:MODEL[,...]` values; a bad one throws a UsageError here. */
  readonly modelOverrides?: readonly string[];
  /** Appends every exchange to this JSON-lines file. */
  readonly recordResponsesTo?: string;
  /** Answers from this JSON-lines file instead of any provider (no key, cache or budget involved). */
  readonly replayResponsesFrom?: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly retry?: Partial<RetrySettings>;
  /** Tokens and dollars already spent, by task id (a resumed task keeps its budget). */
  readonly spentByTask?: Readonly<Record<string, { readonly tokens: number; readonly usd: number }>>;
}

/** What a chat or embed call of one candidate needs from the router. */
export interface RouterServices {
  readonly models: ModelsConfig;
  readonly recordTo: string | undefined;
  readonly replay: (() => Promise<ReplaySource>) | undefined;
  readonly cache: ResponseCache | undefined;
  readonly timing: Timing;
  readonly context: (
    base: RecordBase,
    candidate: Candidate,
    provider: Provider,
    estimate: { readonly tokens: number; readonly usd: number },
  ) => CandidateContext;
  readonly log: (record: ModelCallRecord) => Promise<void>;
  readonly estimate: (
    candidate: Candidate,
    inputText: string,
    outputTokens: number,
  ) => { tokens: number; usd: number };
  readonly cost: (candidate: Candidate, tokensIn: number, tokensOut: number) => number;
}

export function createModelRouter(options: ModelRouterOptions): ModelRouter {
  const models = options.config.models;
  const overrides: TierOverrides = parseTierOverrides(options.modelOverrides ?? []);
  const settings: ProviderSettings = resolveProviderSettings(models, options.env ?? officeEnv());
  const timing: Timing = {
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
  const retry: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
  const breakers = new CircuitBreakers(models.breaker, timing.now);
  const ledger = spendLedgerPath(options.workspace);
  const replayPath = options.replayResponsesFrom;
  let replaySource: Promise<ReplaySource> | undefined;
  const replay = replayPath ? () => (replaySource ??= ReplaySource.load(replayPath)) : undefined;
  const cache =
    models.cache.enabled && !replay
      ? new ResponseCache(modelCacheDir(options.workspace), models.cache.ttlSeconds, timing.now)
      : undefined;
  const spent = new Map<string, { tokens: number; usd: number }>(
    Object.entries(options.spentByTask ?? {}).map(([k, v]) => [k, { tokens: v.tokens, usd: v.usd }]),
  );
  const providers = new Map<ProviderName, Provider>();
  const providerFor = (name: ProviderName) => {
    let p = providers.get(name);
    if (!p) {
      p = createProvider(name, settings);
      providers.set(name, p);
    }
    return p;
  };
  const hasCandidates =
    Object.values(overrides).some((l) => l.length > 0) ||
    Object.values(models.tiers).some((l) => l.length > 0);
  let requests = 0;
  // Request ids are unique across runs, so records of many tasks can be summed without merging requests.
  const runId = randomBytes(4).toString('hex');

  const estimate = (c: Candidate, inputText: string, outputTokens: number) => {
    const tokensIn = estimateTokens(inputText);
    return {
      tokens: tokensIn + outputTokens,
      usd: costUsd(priceFor(c.provider, c.model, models.prices), tokensIn, outputTokens),
    };
  };

  const services = (calls: ModelCallRecord[]): RouterServices => {
    const log = async (record: ModelCallRecord) => {
      calls.push(record);
      options.onCall?.(record);
      if (record.cache_hit || (record.tokens_in === 0 && record.tokens_out === 0)) return;
      const key = record.task_id ?? '';
      const s = spent.get(key) ?? { tokens: 0, usd: 0 };
      s.tokens += record.tokens_in + record.tokens_out;
      s.usd += record.cost_usd;
      spent.set(key, s);
      if (record.cost_usd > 0 && !replay) {
        await addDailySpend(ledger, utcDay(timing.now()), record.cost_usd, timing.now()).catch(() => {
          // Spend could not be written (disk, lock): the call itself succeeded; the next one re-reads the ledger.
        });
      }
    };
    const budgetFor =
      (base: RecordBase, est: { tokens: number; usd: number }) => async (): Promise<BudgetDecision> => {
        if (replay) return { ok: true };
        const s = spent.get(base.task_id ?? '') ?? { tokens: 0, usd: 0 };
        const limits = models.budget;
        const dayUsd =
          est.usd > 0 && limits.perDayUsd !== undefined
            ? await readDailySpend(ledger, utcDay(timing.now()))
            : 0;
        return checkBudget(limits, { taskUsd: s.usd, taskTokens: s.tokens, dayUsd }, est);
      };
    return {
      models,
      recordTo: options.recordResponsesTo,
      replay,
      cache,
      timing,
      log,
      estimate,
      cost: (c, tokensIn, tokensOut) =>
        costUsd(priceFor(c.provider, c.model, models.prices), tokensIn, tokensOut),
      context: (base, candidate, provider, est) => ({
        base,
        hostKey: `${candidate.provider}@${provider.host}`,
        candidateKey: candidate.id,
        breakers,
        retry,
        timing,
        checkBudget: budgetFor(base, est),
        log,
      }),
    };
  };

  /**
   * Goes through the tier's candidates until one answers: a cached answer first (no key, circuit or budget
   * needed), then a call; records candidates without a key and circuits open.
   */
  async function route<R>(
    role: keyof typeof ROLE_TIER,
    taskId: string | undefined,
    each: {
      cached: (svc: RouterServices, base: RecordBase, candidate: Candidate) => Promise<R | undefined>;
      call: (
        svc: RouterServices,
        base: RecordBase,
        candidate: Candidate,
        provider: Provider,
        all: readonly Candidate[],
      ) => Promise<CandidateOutcome<R>>;
    },
  ): Promise<
    { ok: true; value: R; calls: ModelCallRecord[] } | { ok: false; reason: string; calls: ModelCallRecord[] }
  > {
    const calls: ModelCallRecord[] = [];
    if (options.offline) return { ok: false, reason: 'models are off (--offline)', calls };
    const tier = ROLE_TIER[role];
    const svc = services(calls);
    const candidates = candidatesFor(models, overrides, tier);
    const requestId = `${runId}-m${++requests}`;
    const failures: string[] = [];
    for (const candidate of candidates) {
      const base: RecordBase = {
        role,
        tier,
        provider: candidate.provider,
        model: candidate.model,
        ...(taskId === undefined ? {} : { task_id: taskId }),
        request_id: requestId,
      };
      const hit = await each.cached(svc, base, candidate);
      if (hit !== undefined) return { ok: true, value: hit, calls };
      if (!replay && !hasKey(settings, candidate.provider)) {
        const reason = missingKeyReason(candidate.provider, models);
        await svc.log(recordOf(base, timing.now(), 'skipped', { error: reason }));
        failures.push(`${candidate.id}: ${reason}`);
        continue;
      }
      const provider = providerFor(candidate.provider);
      const hostKey = `${candidate.provider}@${provider.host}`;
      const admitted = breakers.admit([hostKey, candidate.id]);
      if (!admitted.allow) {
        await svc.log(recordOf(base, timing.now(), 'circuit_open', { error: admitted.reason }));
        failures.push(`${candidate.id}: ${admitted.reason}`);
        continue;
      }
      try {
        const result = await each.call(svc, base, candidate, provider, candidates);
        if (result.ok) return { ok: true, value: result.value, calls };
        if (result.terminal) return { ok: false, reason: result.reason, calls };
        failures.push(`${candidate.id}: ${result.reason}`);
      } finally {
        breakers.release(hostKey);
        breakers.release(candidate.id);
      }
    }
    const reason =
      candidates.length === 0
        ? `no model is configured for the ${tier} tier (models.tiers.${tier})`
        : `no model of the ${tier} tier answered: ${failures.join('; ')}`;
    return { ok: false, reason, calls };
  }

  return {
    enabled: !options.offline && hasCandidates,

    async generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>> {
      const jsonSchema = jsonSchemaFor(request.schema);
      const result = await route(request.role, request.taskId, {
        cached: (svc, base, candidate) => chatFromCache({ svc, base, candidate, request, jsonSchema }),
        call: (svc, base, candidate, provider, all) =>
          chatCandidate({ svc, base, candidate, provider, all, request, jsonSchema }),
      });
      if (!result.ok) return result;
      const { value, provider, model } = result.value;
      return { ok: true, value, provider, model, calls: result.calls };
    },

    async embed(texts, embedOptions = {}): Promise<EmbedResult> {
      if (texts.length === 0) return { ok: true, model: '', vectors: [], calls: [] };
      const result = await route('embed', embedOptions.taskId, {
        cached: (svc, base, candidate) => embedFromCache({ svc, base, candidate, texts }),
        call: (svc, base, candidate, provider, all) =>
          embedCandidate({ svc, base, candidate, provider, all, texts }),
      });
      if (!result.ok) return result;
      return { ok: true, model: result.value.model, vectors: result.value.vectors, calls: result.calls };
    },
  };
}
