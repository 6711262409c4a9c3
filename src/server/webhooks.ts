// Receptionist's callbacks ("Receptionist"): a task's outcome POSTed to a webhook, signed with HMAC-SHA256 and
// retried with backoff and jitter. Deliveries run beside the loop: a dead receiver never holds up a task.
import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../schemas/task.js';

/** `Office-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as receivers check it. */
export const SIGNATURE_HEADER = 'office-signature';

export function signatureOf(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** How long to wait before attempt `attempt` (2, 3, ...): full jitter over an exponential ceiling. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Whether a receiver's answer is worth another attempt: it failed for now (408, 429, 5xx), not for good. */
export function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

export type DeliveryAttempt = WebhookDelivery;

export interface WebhookSettings {
  readonly secret: string;
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

/**
 * POSTs `payload` to `url` until a 2xx answer or the attempts run out, reporting every attempt to `record`.
 * Resolves with whether it was delivered; never throws. `signal` abandons the remaining attempts.
 */
export async function deliver(
  url: string,
  payload: unknown,
  settings: WebhookSettings,
  record: (attempt: DeliveryAttempt) => Promise<void> | void,
  signal: AbortSignal,
  random: () => number = Math.random,
): Promise<boolean> {
  const body = JSON.stringify(payload);
  const id = randomUUID();
  for (let attempt = 1; attempt <= settings.attempts && !signal.aborted; attempt++) {
    if (attempt > 1) {
      const wait = retryDelayMs(attempt, settings.baseDelayMs, settings.maxDelayMs, random);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (signal.aborted) break;
    }
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'office-webhook/0.1',
          'office-webhook-id': id,
          'office-delivery-attempt': String(attempt),
          [SIGNATURE_HEADER]: signatureOf(settings.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) error = `answered ${status}`;
    } catch (err) {
      error =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    const delivered = error === null;
    await Promise.resolve(
      record({ url, attempt, delivered, status, error, at: new Date().toISOString() }),
    ).catch(() => undefined);
    if (delivered) return true;
    if (!retryable(status)) return false;
  }
  return false;
}
