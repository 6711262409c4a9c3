// Model Selector seam ("Model Selector"): what the loop asks of models, whatever provider answers.
// src/office/ talks to this interface only; src/models/ implements it over the provider SDKs.
import type { z } from 'zod';
import type { Tier } from '../schemas/config.js';
import type { ModelCallRecord, ModelRole } from '../schemas/model-call.js';

export type { ModelCallOutcome, ModelCallRecord, ModelRole } from '../schemas/model-call.js';

/** Which tier each role uses. */
export const ROLE_TIER: Record<ModelRole, Tier> = {
  decompose: 'medium',
  plan: 'medium',
  validate: 'small',
  gatekeeper: 'small',
  review: 'large',
  ask: 'medium',
  embed: 'embed',
};

export interface GenerateRequest<T> {
  readonly role: ModelRole;
  /** Output must satisfy this schema; it is sent to the provider as JSON Schema. */
  readonly schema: z.ZodType<T>;
  readonly schemaName: string;
  readonly system: string;
  readonly prompt: string;
  readonly taskId?: string;
}

export type GenerateResult<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly provider: string;
      readonly model: string;
      readonly calls: readonly ModelCallRecord[];
    }
  | { readonly ok: false; readonly reason: string; readonly calls: readonly ModelCallRecord[] };

export type EmbedResult =
  | {
      readonly ok: true;
      readonly model: string;
      readonly vectors: readonly number[][];
      readonly calls: readonly ModelCallRecord[];
    }
  | { readonly ok: false; readonly reason: string; readonly calls: readonly ModelCallRecord[] };

export interface ModelRouter {
  /** False when models are off (`--offline`) or none is configured: roles go straight to their fallback. */
  readonly enabled: boolean;
  generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>>;
  embed(texts: readonly string[], options?: { taskId?: string }): Promise<EmbedResult>;
}

/** The router used with `--offline` or before any provider is wired: every role falls back. */
export const offlineRouter: ModelRouter = {
  enabled: false,
  async generate() {
    return { ok: false, reason: 'models are off (--offline)', calls: [] };
  },
  async embed() {
    return { ok: false, reason: 'models are off (--offline)', calls: [] };
  },
};
