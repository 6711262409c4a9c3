// Test helper: loopback fakes of the Ollama, OpenAI and Gemini HTTP APIs with scripted replies, so tests drive
// the real SDKs over real HTTP on 127.0.0.1, offline.
//
//   const ollama = await startFakeProvider('ollama', { chat: [reply({ verdict: 'APPROVE' }), fail(500)] });
//   ollama.baseUrl        // what the provider's setting takes (Ollama host; OpenAI .../v1; Gemini base URL)
//   ollama.requests       // every request received: { method, path, body (parsed JSON, else text), headers }
//   ollama.chatRequests() // only the chat requests (Ollama /api/chat, OpenAI chat/completions, Gemini generateContent)
//   ollama.embedRequests() // only the embedding requests (Ollama /api/embed, OpenAI embeddings, Gemini embedContent)
//   ollama.chat.push(step) / ollama.embed.push(step)   // queue more steps at any time
//   await ollama.close()  // closes the server and destroys every open socket (hanging requests included)
//
//   fakeEnv({ ollama, openai, gemini })   // OLLAMA_HOST / OPENAI_BASE_URL / GEMINI_BASE_URL and test keys
//   await closedPortUrl()                 // http://127.0.0.1:<port> where nothing listens (bound, then closed)
//
// Steps, consumed one per request in order:
//   reply(value, { usage })  200 with the model's text: a string as is, anything else JSON-encoded
//                            (so reply('not json {') and reply({ wrong: 1 }) script bad outputs); usage defaults
//                            to { in: 100, out: 20 }; `usage: null` leaves the provider's usage fields out
//   vectors([[...], ...])    200 embeddings (embed queue); without embed steps each text gets wordVector(text):
//                            texts that share words point the same way, texts with no word in common do not
//   fail(status, { retryAfter, body, contentType })   an error answer (JSON body unless contentType says otherwise)
//   hang()                   never answers (the client's timeout must fire); the socket dies with close()
// A chat request with no step left is answered 500 text/plain "fake: no scripted reply left".
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeKind = 'ollama' | 'openai' | 'gemini';

export interface Usage {
  readonly in: number;
  readonly out: number;
}

export type Step =
  | { readonly type: 'reply'; readonly text: string; readonly usage: Usage | null }
  | { readonly type: 'vectors'; readonly vectors: number[][]; readonly usage: Usage | null }
  | {
      readonly type: 'fail';
      readonly status: number;
      readonly retryAfter?: string;
      readonly body?: string;
      readonly contentType?: string;
    }
  | { readonly type: 'hang' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface FakeProvider {
  readonly kind: FakeKind;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  readonly chat: Step[];
  readonly embed: Step[];
  chatRequests(): RecordedRequest[];
  embedRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export const DEFAULT_USAGE: Usage = { in: 100, out: 20 };

export function reply(value: unknown, options: { usage?: Usage | null } = {}): Step {
  return {
    type: 'reply',
    text: typeof value === 'string' ? value : JSON.stringify(value),
    usage: options.usage === undefined ? DEFAULT_USAGE : options.usage,
  };
}

export function vectors(values: number[][], options: { usage?: Usage | null } = {}): Step {
  return {
    type: 'vectors',
    vectors: values,
    usage: options.usage === undefined ? { in: 10, out: 0 } : options.usage,
  };
}

export function fail(
  status: number,
  options: { retryAfter?: string; body?: string; contentType?: string } = {},
): Step {
  return { type: 'fail', status, ...options };
}

export function hang(): Step {
  return { type: 'hang' };
}

export async function startFakeProvider(
  kind: FakeKind,
  options: { chat?: Step[]; embed?: Step[]; models?: string[] } = {},
): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const chat = [...(options.chat ?? [])];
  const embed = [...(options.embed ?? [])];
  const models = options.models ?? [];
  const chatPaths: Record<FakeKind, RegExp> = {
    ollama: /^\/api\/chat$/,
    openai: /^\/v1\/chat\/completions$/,
    gemini: /^\/v1(beta)?\/models\/[^/]+:generateContent$/,
  };
  const embedPaths: Record<FakeKind, RegExp> = {
    ollama: /^\/api\/embed$/,
    openai: /^\/v1\/embeddings$/,
    gemini: /^\/v1(beta)?\/models\/[^/]+:(batchEmbedContents|embedContent)$/,
  };
  const listPaths: Record<FakeKind, RegExp> = {
    ollama: /^\/api\/tags$/,
    openai: /^\/v1\/models$/,
    gemini: /^\/v1(beta)?\/models$/,
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: recorded as text.
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push({ method: req.method ?? 'GET', path, body, headers: req.headers });
      if (chatPaths[kind].test(path)) return answer(res, chat.shift(), (s) => chatBody(kind, s, body));
      if (embedPaths[kind].test(path)) {
        return answer(res, embed.shift() ?? defaultVectors(kind, body), (s) => embedBody(kind, s));
      }
      if (listPaths[kind].test(path) && req.method === 'GET') return json(res, 200, listBody(kind, models));
      json(res, 404, { error: `fake ${kind}: no route ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    kind,
    url,
    baseUrl: kind === 'openai' ? `${url}/v1` : url,
    requests,
    chat,
    embed,
    chatRequests: () => requests.filter((r) => chatPaths[kind].test(r.path)),
    embedRequests: () => requests.filter((r) => embedPaths[kind].test(r.path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Environment pointing the router at the fakes given, with test keys for the cloud ones. */
export function fakeEnv(fakes: {
  ollama?: FakeProvider | string;
  openai?: FakeProvider;
  gemini?: FakeProvider;
}): Record<string, string> {
  const env: Record<string, string> = {};
  if (fakes.ollama) env.OLLAMA_HOST = typeof fakes.ollama === 'string' ? fakes.ollama : fakes.ollama.baseUrl;
  if (fakes.openai)
    Object.assign(env, { OPENAI_BASE_URL: fakes.openai.baseUrl, OPENAI_API_KEY: 'test-openai-key' });
  if (fakes.gemini)
    Object.assign(env, { GEMINI_BASE_URL: fakes.gemini.baseUrl, GEMINI_API_KEY: 'test-gemini-key' });
  return env;
}

/** A loopback URL where nothing listens: a port bound by us and released again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function answer(res: ServerResponse, step: Step | undefined, ok: (step: Step) => unknown): void {
  if (!step) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('fake: no scripted reply left');
    return;
  }
  if (step.type === 'hang') return;
  if (step.type === 'fail') {
    const headers: Record<string, string> = { 'content-type': step.contentType ?? 'application/json' };
    if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
    res.writeHead(step.status, headers);
    res.end(
      step.body ?? JSON.stringify({ error: { message: `fake failure ${step.status}`, code: step.status } }),
    );
    return;
  }
  json(res, 200, ok(step));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function chatBody(kind: FakeKind, step: Step, request: unknown): unknown {
  const text = step.type === 'reply' ? step.text : '';
  const usage = step.type === 'reply' ? step.usage : null;
  const model =
    typeof request === 'object' && request !== null && 'model' in request ? String(request.model) : 'fake';
  if (kind === 'ollama') {
    return {
      model,
      created_at: new Date(0).toISOString(),
      message: { role: 'assistant', content: text },
      done: true,
      done_reason: 'stop',
      ...(usage ? { prompt_eval_count: usage.in, eval_count: usage.out } : {}),
    };
  }
  if (kind === 'openai') {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      ...(usage
        ? {
            usage: {
              prompt_tokens: usage.in,
              completion_tokens: usage.out,
              total_tokens: usage.in + usage.out,
            },
          }
        : {}),
    };
  }
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    ...(usage
      ? {
          usageMetadata: {
            promptTokenCount: usage.in,
            candidatesTokenCount: usage.out,
            totalTokenCount: usage.in + usage.out,
          },
        }
      : {}),
  };
}

/** Length of the vectors a fake embeds with when no embed step is queued. */
export const WORD_VECTOR_DIMENSIONS = 64;

/**
 * A stand-in for an embedding model: the text's lower-case words counted into hashed slots. Texts sharing words
 * point the same way (cosine near 1 for the same words); texts with no word in common are near orthogonal (only
 * a hash collision gives them a small cosine). Unlike a real model it knows no synonyms, which tests do not need.
 */
export function wordVector(text: string): number[] {
  const vector = new Array<number>(WORD_VECTOR_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const slot = createHash('sha256').update(word).digest().readUInt32BE(0) % WORD_VECTOR_DIMENSIONS;
    vector[slot] = (vector[slot] ?? 0) + 1;
  }
  // A text with no words still gets a vector of non-zero length: cosine divides by it.
  if (!vector.some((x) => x !== 0)) vector[0] = 1;
  return vector;
}

function defaultVectors(kind: FakeKind, request: unknown): Step {
  return vectors(requestTexts(kind, request).map(wordVector));
}

/** The texts of an embedding request, as each provider's API carries them. */
export function requestTexts(kind: FakeKind, request: unknown): string[] {
  if (typeof request !== 'object' || request === null) return [];
  const r = request as Record<string, unknown>;
  if (kind === 'gemini') {
    const items = Array.isArray(r.requests) ? r.requests : [r];
    return items.map((item) => {
      const content = (item as { content?: { parts?: { text?: unknown }[] } }).content;
      return (content?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
    });
  }
  return Array.isArray(r.input) ? r.input.map(String) : [String(r.input ?? '')];
}

function embedBody(kind: FakeKind, step: Step): unknown {
  const vs = step.type === 'vectors' ? step.vectors : [];
  const usage = step.type === 'vectors' ? step.usage : null;
  if (kind === 'ollama')
    return { model: 'fake', embeddings: vs, ...(usage ? { prompt_eval_count: usage.in } : {}) };
  if (kind === 'openai') {
    return {
      object: 'list',
      model: 'fake',
      data: vs.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      ...(usage ? { usage: { prompt_tokens: usage.in, total_tokens: usage.in } } : {}),
    };
  }
  return { embeddings: vs.map((values) => ({ values })) };
}

function listBody(kind: FakeKind, models: readonly string[]): unknown {
  if (kind === 'ollama') {
    return {
      models: models.map((name) => ({
        name,
        model: name,
        modified_at: new Date(0).toISOString(),
        size: 1,
        digest: 'fake',
        details: {
          parent_model: '',
          format: 'gguf',
          family: 'fake',
          families: null,
          parameter_size: '1B',
          quantization_level: 'Q4',
        },
      })),
    };
  }
  if (kind === 'openai') {
    return {
      object: 'list',
      data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
    };
  }
  return { models: models.map((name) => ({ name: `models/${name}`, displayName: name })) };
}

/** Tiers with one fake-Ollama candidate each: the names tests assert on (`ollama:mid` plans, `ollama:big` reviews). */
export const OLLAMA_ONLY_TIERS = {
  small: ['ollama:tiny'],
  medium: ['ollama:mid'],
  large: ['ollama:big'],
  embed: ['ollama:embed'],
} as const;

/** The environment for a run against one fake Ollama: its host, and no cloud key from the developer's shell. */
export function ollamaOnlyEnv(ollama: FakeProvider): Record<string, string> {
  return { OPENAI_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', ...fakeEnv({ ollama }) };
}
