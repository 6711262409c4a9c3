// Model Selector cost accounting: built-in price table, config overrides, token estimates and call cost.
import type { ProviderName } from './providers/provider.js';

export interface Price {
  /** US dollars per million input tokens. */
  readonly input: number;
  /** US dollars per million output tokens. */
  readonly output: number;
}

/**
 * List prices in USD per 1M tokens (standard tier, text, shortest context bracket), as the vendors published
 * them in mid-2025. Not re-checked online from this machine: override with `models.prices` in the config.
 * Matching is exact, then by the longest prefix, so dated snapshots ("gpt-4o-mini-2024-07-18") find their base.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = {
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'openai:text-embedding-3-small': { input: 0.02, output: 0 },
  'openai:text-embedding-3-large': { input: 0.13, output: 0 },
  'gemini:gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini:gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini:gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini:gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini:gemini-embedding-001': { input: 0.15, output: 0 },
};

/**
 * An unknown cloud model is priced like the dearest common model of its vendor, so that a budget still
 * holds; an unknown local model is free.
 */
const UNKNOWN_MODEL_PRICE: Readonly<Record<ProviderName, Price>> = {
  ollama: { input: 0, output: 0 },
  openai: { input: 2.5, output: 10 },
  gemini: { input: 1.25, output: 10 },
};

export function priceFor(
  provider: ProviderName,
  model: string,
  overrides: Readonly<Record<string, Price>> = {},
): Price {
  const id = `${provider}:${model}`;
  const exact = overrides[id] ?? BUILT_IN_PRICES[id];
  if (exact) return exact;
  if (provider === 'ollama') return UNKNOWN_MODEL_PRICE.ollama;
  const prefix = (table: Readonly<Record<string, Price>>) =>
    Object.keys(table)
      .filter((k) => id.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
  const key = prefix(overrides) ?? prefix(BUILT_IN_PRICES);
  return (key ? (overrides[key] ?? BUILT_IN_PRICES[key]) : undefined) ?? UNKNOWN_MODEL_PRICE[provider];
}

export function costUsd(price: Price, tokensIn: number, tokensOut: number): number {
  return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
}

/** Rough token count when a provider reports no usage (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
