// Model Selector provider seam: the one small interface every vendor SDK is wrapped behind.

export const providerNames = ['ollama', 'openai', 'gemini'] as const;
export type ProviderName = (typeof providerNames)[number];

export interface ChatRequest {
  readonly model: string;
  readonly system: string;
  readonly prompt: string;
  /** JSON Schema the reply must follow (the provider's native structured-output mode). */
  readonly jsonSchema: Record<string, unknown>;
  readonly schemaName: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ChatReply {
  readonly text: string;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  /** Set when the provider cut the prompt to fit the model's context window. */
  readonly promptTrimmed?: boolean;
  /** Set by replay: the provider and model that answered when the exchange was recorded. */
  readonly answeredBy?: { readonly provider: ProviderName; readonly model: string };
}

export interface EmbedRequest {
  readonly model: string;
  readonly texts: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface EmbedReply {
  readonly vectors: number[][];
  readonly tokensIn?: number;
  readonly answeredBy?: { readonly provider: ProviderName; readonly model: string };
}

export interface Provider {
  readonly name: ProviderName;
  /** Where it is reached (base URL); connection-level circuit breakers are keyed on it. */
  readonly host: string;
  chat(request: ChatRequest): Promise<ChatReply>;
  embed(request: EmbedRequest): Promise<EmbedReply>;
  /** Model names the provider offers (Ollama: pulled models; cloud: the account's model list). */
  listModels(options: { timeoutMs: number }): Promise<string[]>;
}

/** Hosts and keys for every provider, config and environment merged (environment wins). */
export interface ProviderSettings {
  readonly ollama: { readonly host: string; readonly contextWindow: Readonly<Record<string, number>> };
  readonly openai: { readonly baseUrl: string; readonly apiKey?: string };
  readonly gemini: { readonly baseUrl: string; readonly apiKey?: string };
}
