// Model Selector provider for Gemini, through the official `@google/genai` SDK (not the deprecated
// @google/generative-ai).
import { guardedFetch } from './http.js';
import type { ChatReply, ChatRequest, EmbedReply, EmbedRequest, Provider } from './provider.js';

/** Models listed per doctor probe at most (the list is paged; one page is enough to tell reachability). */
const MAX_LISTED = 500;

// Loaded on first use (~0.15 s): a run that never calls Gemini does not pay for the import.
let sdk: Promise<typeof import('@google/genai')> | undefined;
const loadSdk = () => (sdk ??= import('@google/genai'));

export function createGeminiProvider(settings: {
  readonly baseUrl: string;
  readonly apiKey: string;
}): Provider {
  // The timeout lives in our fetch only: the SDK's own would abort with an error that reads like a cancel.
  const client = async (timeoutMs: number, signal?: AbortSignal) => {
    const { GoogleGenAI } = await loadSdk();
    return new GoogleGenAI({
      apiKey: settings.apiKey,
      vertexai: false,
      httpOptions: { baseUrl: settings.baseUrl, fetch: guardedFetch(timeoutMs, signal) },
    });
  };

  return {
    name: 'gemini',
    host: settings.baseUrl,

    async chat(request: ChatRequest): Promise<ChatReply> {
      const response = await (await client(request.timeoutMs, request.signal)).models.generateContent({
        model: request.model,
        contents: request.prompt,
        config: {
          systemInstruction: request.system,
          responseMimeType: 'application/json',
          responseJsonSchema: request.jsonSchema,
        },
      });
      const parts = response.candidates?.[0]?.content?.parts ?? [];
      const text = parts.map((p) => (typeof p.text === 'string' && !p.thought ? p.text : '')).join('');
      const usage = response.usageMetadata;
      return {
        text,
        ...(typeof usage?.promptTokenCount === 'number' ? { tokensIn: usage.promptTokenCount } : {}),
        ...(typeof usage?.candidatesTokenCount === 'number' ? { tokensOut: usage.candidatesTokenCount } : {}),
      };
    },

    async embed(request: EmbedRequest): Promise<EmbedReply> {
      const response = await (await client(request.timeoutMs, request.signal)).models.embedContent({
        model: request.model,
        contents: [...request.texts],
      });
      const vectors = (response.embeddings ?? []).map((e) => e.values ?? []);
      if (vectors.length !== request.texts.length) {
        throw new Error(`gemini returned ${vectors.length} embeddings for ${request.texts.length} texts`);
      }
      return { vectors };
    },

    async listModels({ timeoutMs }) {
      const names: string[] = [];
      for await (const model of await (await client(timeoutMs)).models.list()) {
        if (model.name) names.push(model.name.replace(/^models\//, ''));
        if (names.length >= MAX_LISTED) break;
      }
      return names;
    },
  };
}
