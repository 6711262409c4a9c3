// Model activity feed: model calls and fallbacks, from the router and the roles, to the task being run.
import type { ModelCallRecord, ModelRole } from '../models/types.js';

export type ModelActivity =
  | { readonly type: 'call'; readonly call: ModelCallRecord }
  | { readonly type: 'fallback'; readonly role: ModelRole; readonly reason: string };

export interface ModelFeed {
  publish(activity: ModelActivity): void;
  listen(listener: (activity: ModelActivity) => void): () => void;
}

export function createModelFeed(): ModelFeed {
  const listeners = new Set<(activity: ModelActivity) => void>();
  return {
    publish(activity) {
      for (const l of listeners) l(activity);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Why a model call did not answer, from its records: "ollama:qwen2.5 connection refused; openai skipped (no key)". */
export function failureSummary(reason: string, calls: readonly ModelCallRecord[]): string {
  if (calls.length === 0) return reason;
  const parts = calls.map((c) => `${c.provider}:${c.model} ${c.outcome}${c.error ? ` (${c.error})` : ''}`);
  return `${reason}: ${parts.join('; ')}`;
}
