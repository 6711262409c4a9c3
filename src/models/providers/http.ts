// Model Selector transport: the fetch every SDK is given (timeout, typed HTTP failures) and failure classification.

/** A non-2xx answer; thrown by our fetch, so no SDK reads (or prints) the body first. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | undefined,
    readonly url: string,
  ) {
    super(`HTTP ${status}${body ? `: ${oneLine(body, 200)}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

export type FailureKind =
  | 'refused'
  | 'reset'
  | 'dns'
  | 'timeout'
  | 'rate_limited'
  | 'server'
  | 'client'
  | 'other';

export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly status?: number;
  /** The raw Retry-After header, when the server sent one. */
  readonly retryAfter?: string;
}

/** Failures worth another attempt on the same candidate (connection refused is not: nothing listens). */
export function isRetryable(failure: Failure): boolean {
  return ['reset', 'dns', 'timeout', 'rate_limited', 'server'].includes(failure.kind);
}

/** Failures of the host rather than the model: they trip the breaker shared by every model on that host. */
export function isConnectionLevel(failure: Failure): boolean {
  return ['refused', 'reset', 'dns', 'timeout'].includes(failure.kind);
}

/**
 * A fetch for one call: aborts after `timeoutMs` (also while the body is read), and turns every non-2xx
 * answer into an HttpStatusError carrying status and Retry-After, whatever the body's content type.
 */
export function guardedFetch(timeoutMs: number, signal?: AbortSignal): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, ...(init?.signal ? [init.signal] : []), ...(signal ? [signal] : [])];
    const url = input instanceof Request ? input.url : String(input);
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    } catch (err) {
      if (timeout.aborted) throw new Error(`timed out after ${timeoutMs} ms (${url})`, { cause: err });
      throw err;
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw new HttpStatusError(response.status, body, response.headers.get('retry-after') ?? undefined, url);
    }
    return response;
  };
}

const connectionCodes: Record<string, FailureKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/** Sorts whatever an SDK threw into a failure kind, looking through `cause` chains and aggregate errors. */
export function classifyFailure(err: unknown): Failure {
  const chain = causeChain(err);
  const http = chain.find((e): e is HttpStatusError => e instanceof HttpStatusError);
  if (http) {
    const base = { status: http.status, message: http.message };
    const withRetry = http.retryAfter === undefined ? base : { ...base, retryAfter: http.retryAfter };
    if (http.status === 429) return { kind: 'rate_limited', ...withRetry };
    if (http.status >= 500 || http.status === 408) return { kind: 'server', ...withRetry };
    return { kind: 'client', ...base };
  }
  for (const e of chain) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    const kind = connectionCodes[code];
    if (kind) return { kind, message: connectionMessage(kind, e) };
  }
  const top = chain[0];
  const timedOut = chain.some(
    (e) =>
      e instanceof Error &&
      (e.name === 'TimeoutError' ||
        e.name === 'APIConnectionTimeoutError' ||
        e.message.startsWith('timed out after')),
  );
  if (timedOut) {
    const ours = chain.find((e) => e instanceof Error && e.message.startsWith('timed out after'));
    return { kind: 'timeout', message: ours instanceof Error ? ours.message : 'timed out' };
  }
  // Nobody but a timer aborts our requests (the router takes no cancel signal): an abort is a timeout.
  if (chain.some((e) => e instanceof Error && (e.name === 'AbortError' || e.name === 'APIUserAbortError'))) {
    return { kind: 'timeout', message: 'aborted before an answer came (timeout)' };
  }
  return { kind: 'other', message: top instanceof Error ? oneLine(top.message, 300) : String(top) };
}

function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift();
    if (e === undefined || e === null || out.includes(e)) continue;
    out.push(e);
    if (e instanceof AggregateError) queue.push(...e.errors);
    if (typeof e === 'object' && 'cause' in e) queue.push(e.cause);
  }
  return out;
}

function connectionMessage(kind: FailureKind, e: unknown): string {
  const detail =
    typeof e === 'object' && e !== null && 'address' in e && 'port' in e
      ? ` (${String(e.address)}:${String(e.port)})`
      : '';
  switch (kind) {
    case 'refused':
      return `connection refused${detail}`;
    case 'reset':
      return `connection reset${detail}`;
    case 'dns':
      return `host name not found${detail}`;
    default:
      return `connection timed out${detail}`;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
