// Model Selector circuit breakers: one per candidate and one per provider host, living for the process (a run).

export interface BreakerSettings {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
}

export type BreakerDecision =
  | { readonly allow: true; readonly trial: boolean }
  | { readonly allow: false; readonly reason: string };

interface State {
  failures: number;
  openedAt?: number;
  reason?: string;
  trialInFlight: boolean;
}

/**
 * Closed: calls pass, failures are counted. Open: calls are refused until `cooldownMs` has passed.
 * Half-open: one trial call passes (others are refused meanwhile); success closes, failure re-opens.
 */
export class CircuitBreakers {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number,
  ) {}

  /** Asks whether a call through every key in `keys` may go ahead, and claims half-open trials if so. */
  admit(keys: readonly string[]): BreakerDecision {
    const t = this.now();
    const trials: State[] = [];
    for (const key of keys) {
      const s = this.states.get(key);
      if (!s || s.openedAt === undefined) continue;
      const reason = `circuit open for ${key} (${s.reason ?? 'repeated failures'})`;
      if (t - s.openedAt < this.settings.cooldownMs) return { allow: false, reason };
      if (s.trialInFlight) return { allow: false, reason: `${reason}; a trial call is in flight` };
      trials.push(s);
    }
    for (const s of trials) s.trialInFlight = true;
    return { allow: true, trial: trials.length > 0 };
  }

  succeeded(key: string): void {
    this.states.delete(key);
  }

  /** Counts a failure; opens the circuit at the threshold, at once when `openNow`, or after a failed trial. */
  failed(key: string, reason: string, openNow = false): void {
    const s = this.states.get(key) ?? { failures: 0, trialInFlight: false };
    s.failures += 1;
    const wasTrial = s.trialInFlight;
    s.trialInFlight = false;
    if (openNow || wasTrial || s.failures >= this.settings.failureThreshold) {
      s.openedAt = this.now();
      s.reason = reason;
    }
    this.states.set(key, s);
  }

  /** Ends a trial that neither succeeded nor failed (e.g. refused for budget), freeing the half-open slot. */
  release(key: string): void {
    const s = this.states.get(key);
    if (s) s.trialInFlight = false;
  }

  isOpen(key: string): boolean {
    const s = this.states.get(key);
    return s?.openedAt !== undefined && this.now() - s.openedAt < this.settings.cooldownMs;
  }
}
