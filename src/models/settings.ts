// Model Selector settings: provider hosts and keys (config, then environment), candidates and --model overrides.
import { UsageError } from '../errors.js';
import { type ModelsConfig, type Tier, tierNames } from '../schemas/config.js';
import { type ProviderName, type ProviderSettings, providerNames } from './providers/provider.js';

export const DEFAULT_HOSTS = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
  gemini: 'https://generativelanguage.googleapis.com',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

export interface Candidate {
  readonly provider: ProviderName;
  readonly model: string;
  /** "provider:model", as written in the config. */
  readonly id: string;
}

/** Hosts and keys; an environment variable wins over the config file. Empty variables count as unset. */
export function resolveProviderSettings(models: ModelsConfig, env: Env): ProviderSettings {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const openaiKey = get(models.providers.openai.apiKeyEnv);
  const geminiVariable = models.providers.gemini.apiKeyEnv;
  const geminiKey =
    get(geminiVariable) ?? (geminiVariable === 'GEMINI_API_KEY' ? get('GOOGLE_API_KEY') : undefined);
  return {
    ollama: {
      host: withScheme(get('OLLAMA_HOST') ?? models.providers.ollama.host ?? DEFAULT_HOSTS.ollama),
      contextWindow: models.providers.ollama.contextWindow,
    },
    openai: {
      baseUrl: get('OPENAI_BASE_URL') ?? models.providers.openai.baseUrl ?? DEFAULT_HOSTS.openai,
      ...(openaiKey ? { apiKey: openaiKey } : {}),
    },
    gemini: {
      baseUrl: get('GEMINI_BASE_URL') ?? models.providers.gemini.baseUrl ?? DEFAULT_HOSTS.gemini,
      ...(geminiKey ? { apiKey: geminiKey } : {}),
    },
  };
}

/** The environment variable a cloud provider's key comes from (config `apiKeyEnv`; for messages, never the key). */
export function keyVariable(provider: ProviderName, models: ModelsConfig): string | undefined {
  if (provider === 'openai') return models.providers.openai.apiKeyEnv;
  if (provider === 'gemini') return models.providers.gemini.apiKeyEnv;
  return undefined;
}

/** Why a cloud candidate is skipped without a key: "no OPENAI_API_KEY", naming the variable office reads. */
export function missingKeyReason(provider: ProviderName, models: ModelsConfig): string {
  const variable = keyVariable(provider, models) ?? '';
  return variable === 'GEMINI_API_KEY' ? 'no GEMINI_API_KEY (or GOOGLE_API_KEY)' : `no ${variable}`;
}

export function hasKey(settings: ProviderSettings, provider: ProviderName): boolean {
  return provider === 'ollama' || Boolean(settings[provider].apiKey);
}

/** OLLAMA_HOST is often written "host:port" without a scheme (as the ollama CLI accepts it). */
function withScheme(host: string): string {
  return /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
}

/** Parses "provider:model" (the model may itself contain ":", as in "qwen2.5-coder:7b"). */
export function parseCandidate(text: string): Candidate | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const provider = text.slice(0, colon);
  const model = text.slice(colon + 1);
  if (!model || !(providerNames as readonly string[]).includes(provider)) return undefined;
  return { provider: provider as ProviderName, model, id: text };
}

export type TierOverrides = Partial<Record<Tier, readonly string[]>>;

/**
 * Parses `--model TIER=PROVIDER:MODEL[,PROVIDER:MODEL...]` values; a tier named twice keeps the last.
 * Throws a UsageError naming the bad value and the accepted form.
 */
export function parseTierOverrides(values: readonly string[]): TierOverrides {
  const out: Partial<Record<Tier, string[]>> = {};
  const form =
    `write it as TIER=PROVIDER:MODEL (e.g. medium=openai:gpt-4o-mini), ` +
    `TIER one of ${tierNames.join(', ')}, PROVIDER one of ${providerNames.join(', ')}; ` +
    `several candidates are separated by commas`;
  for (const value of values) {
    const eq = value.indexOf('=');
    const tier = value.slice(0, eq).trim();
    if (eq <= 0 || !(tierNames as readonly string[]).includes(tier)) {
      throw new UsageError(`--model "${value}": unknown or missing tier; ${form}.`);
    }
    const candidates = value
      .slice(eq + 1)
      .split(',')
      .map((c) => c.trim());
    for (const c of candidates) {
      if (!parseCandidate(c))
        throw new UsageError(`--model "${value}": "${c}" is not PROVIDER:MODEL; ${form}.`);
    }
    out[tier as Tier] = candidates;
  }
  return out;
}

/** The ordered candidates of a tier, overrides first. */
export function candidatesFor(models: ModelsConfig, overrides: TierOverrides, tier: Tier): Candidate[] {
  const list = overrides[tier] ?? models.tiers[tier];
  return list.flatMap((text) => {
    const c = parseCandidate(text);
    return c ? [c] : [];
  });
}
