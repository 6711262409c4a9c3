// Model Selector provider for Ollama (the local default), through the official `ollama` SDK.
import { DEFAULT_MAX_NUM_CTX, fitContext } from '../context-window.js';
import { guardedFetch } from './http.js';
import type { ChatReply, ChatRequest, EmbedReply, EmbedRequest, Provider } from './provider.js';

// Loaded on first use: a run that never reaches Ollama does not pay for the import.
let sdk: Promise<typeof import('ollama')> | undefined;
const loadSdk = () => (sdk ??= import('ollama'));

export function createOllamaProvider(settings: {
  readonly host: string;
  readonly contextWindow: Readonly<Record<string, number>>;
}): Provider {
  // Non-streaming ollama calls take no AbortSignal, so each call gets a client whose fetch carries the timeout.
  // That fetch also throws on non-2xx itself, so the SDK never prints "Getting text from response" to stdout.
  const client = async (timeoutMs: number, signal?: AbortSignal) => {
    const { Ollama } = await loadSdk();
    return new Ollama({ host: settings.host, fetch: guardedFetch(timeoutMs, signal) });
  };

  return {
    name: 'ollama',
    host: settings.host,

    async chat(request: ChatRequest): Promise<ChatReply> {
      const fit = fitContext({
        system: request.system,
        prompt: request.prompt,
        maxNumCtx: maxContextFor(settings.contextWindow, request.model),
      });
      const response = await (await client(request.timeoutMs, request.signal)).chat({
        model: request.model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: fit.prompt },
        ],
        format: request.jsonSchema,
        stream: false,
        options: { num_ctx: fit.numCtx },
      });
      return {
        text: response.message?.content ?? '',
        ...usage(response.prompt_eval_count, response.eval_count),
        ...(fit.trimmed ? { promptTrimmed: true } : {}),
      };
    },

    async embed(request: EmbedRequest): Promise<EmbedReply> {
      const response = await (await client(request.timeoutMs, request.signal)).embed({
        model: request.model,
        input: [...request.texts],
      });
      return {
        vectors: response.embeddings,
        ...(typeof response.prompt_eval_count === 'number' ? { tokensIn: response.prompt_eval_count } : {}),
      };
    },

    async listModels({ timeoutMs }) {
      const response = await (await client(timeoutMs)).list();
      return response.models.map((m) => m.name);
    },
  };
}

/** The largest num_ctx for `model`: configured per model (with or without its ":tag"), else 32768. */
export function maxContextFor(contextWindow: Readonly<Record<string, number>>, model: string): number {
  return contextWindow[model] ?? contextWindow[model.split(':')[0] ?? model] ?? DEFAULT_MAX_NUM_CTX;
}

function usage(tokensIn: unknown, tokensOut: unknown): { tokensIn?: number; tokensOut?: number } {
  return {
    ...(typeof tokensIn === 'number' ? { tokensIn } : {}),
    ...(typeof tokensOut === 'number' ? { tokensOut } : {}),
  };
}
