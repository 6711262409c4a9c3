// Model Selector provider for OpenAI (and OpenAI-compatible servers), through the official `openai` SDK.
import { toOpenAiStrictSchema } from '../json-schema.js';
import { guardedFetch } from './http.js';
import type { ChatReply, ChatRequest, EmbedReply, EmbedRequest, Provider } from './provider.js';

const SDK_TIMEOUT_SLACK_MS = 5_000;

// Loaded on first use (~0.2 s): a run that never calls OpenAI does not pay for the import.
let sdk: Promise<typeof import('openai')> | undefined;
const loadSdk = () => (sdk ??= import('openai'));

export function createOpenAiProvider(settings: {
  readonly baseUrl: string;
  readonly apiKey: string;
}): Provider {
  // The router owns retries and timeouts: the SDK gets maxRetries 0 and our fetch for this one call. Its own
  // timeout is only a backstop, set later than ours, because its abort would look like a caller's cancel.
  const client = async (timeoutMs: number, signal?: AbortSignal) => {
    const { default: OpenAI } = await loadSdk();
    return new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey,
      maxRetries: 0,
      timeout: timeoutMs + SDK_TIMEOUT_SLACK_MS,
      fetch: guardedFetch(timeoutMs, signal),
      logLevel: 'off',
    });
  };

  return {
    name: 'openai',
    host: settings.baseUrl,

    async chat(request: ChatRequest): Promise<ChatReply> {
      const strict = toOpenAiStrictSchema(request.jsonSchema);
      // json_object mode needs the word JSON in the messages and knows no schema: the schema goes in the prompt.
      const system = strict.ok
        ? request.system
        : `${request.system}\n\nReply with one JSON object only, valid against this JSON Schema:\n${JSON.stringify(request.jsonSchema)}`;
      const response = await (await client(request.timeoutMs, request.signal)).chat.completions.create({
        model: request.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: request.prompt },
        ],
        response_format: strict.ok
          ? {
              type: 'json_schema',
              json_schema: { name: schemaNameFor(request.schemaName), strict: true, schema: strict.schema },
            }
          : { type: 'json_object' },
      });
      const usage = response.usage;
      return {
        text: response.choices[0]?.message?.content ?? '',
        ...(usage ? { tokensIn: usage.prompt_tokens, tokensOut: usage.completion_tokens } : {}),
      };
    },

    async embed(request: EmbedRequest): Promise<EmbedReply> {
      const response = await (await client(request.timeoutMs, request.signal)).embeddings.create({
        model: request.model,
        input: [...request.texts],
        encoding_format: 'float',
      });
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      return { vectors, ...(response.usage ? { tokensIn: response.usage.prompt_tokens } : {}) };
    },

    async listModels({ timeoutMs }) {
      const names: string[] = [];
      for await (const model of (await client(timeoutMs)).models.list()) names.push(model.id);
      return names;
    },
  };
}

/** OpenAI accepts schema names of letters, digits, "_" and "-", at most 64 characters. */
function schemaNameFor(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'output';
}
