// Model Selector probe for `office doctor`: which providers answer, which models they have, which candidates
// of each tier are usable. Never prints or returns a key, only whether one was found.
import { type ModelsConfig, type Tier, tierNames } from '../schemas/config.js';
import { createProvider } from './providers/create.js';
import { classifyFailure } from './providers/http.js';
import { type ProviderName, providerNames } from './providers/provider.js';
import { candidatesFor, type Env, hasKey, keyVariable, resolveProviderSettings } from './settings.js';

export interface ProviderProbe {
  readonly provider: ProviderName;
  /** Base URL probed (no credentials in it). */
  readonly host: string;
  /** Cloud providers: whether an API key was found in the environment. Absent for Ollama (needs none). */
  readonly keyFound?: boolean;
  /** Undefined when not probed (a cloud provider without a key). */
  readonly reachable?: boolean;
  readonly latencyMs?: number;
  readonly models?: readonly string[];
  readonly error?: string;
}

export interface CandidateProbe {
  readonly candidate: string;
  readonly usable: boolean;
  readonly reason?: string;
}

export interface DoctorReport {
  readonly providers: readonly ProviderProbe[];
  readonly tiers: Readonly<Record<Tier, readonly CandidateProbe[]>>;
}

export async function probeProviders(
  config: { readonly models: ModelsConfig },
  env: Env,
  options: { readonly timeoutMs?: number; readonly now?: () => number } = {},
): Promise<DoctorReport> {
  const settings = resolveProviderSettings(config.models, env);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const now = options.now ?? Date.now;
  const providers = await Promise.all(
    providerNames.map(async (name): Promise<ProviderProbe> => {
      const provider = createProvider(name, settings);
      const host = redact(provider.host);
      const keyFound = name === 'ollama' ? undefined : hasKey(settings, name);
      const base = keyFound === undefined ? { provider: name, host } : { provider: name, host, keyFound };
      if (keyFound === false) return base;
      const started = now();
      try {
        const models = await provider.listModels({ timeoutMs });
        return { ...base, reachable: true, latencyMs: now() - started, models };
      } catch (err) {
        return { ...base, reachable: false, latencyMs: now() - started, error: classifyFailure(err).message };
      }
    }),
  );
  const byName = new Map(providers.map((p) => [p.provider, p]));
  const tiers = Object.fromEntries(
    tierNames.map((tier) => [
      tier,
      candidatesFor(config.models, {}, tier).map((c): CandidateProbe => {
        const p = byName.get(c.provider);
        if (!p || p.keyFound === false) {
          return {
            candidate: c.id,
            usable: false,
            reason: `no ${keyVariable(c.provider, config.models)}`,
          };
        }
        if (!p.reachable)
          return { candidate: c.id, usable: false, reason: `${c.provider} unreachable: ${p.error ?? '?'}` };
        if (!hasModel(c.provider, p.models ?? [], c.model)) {
          const hint = c.provider === 'ollama' ? ` (run \`ollama pull ${c.model}\`)` : '';
          return { candidate: c.id, usable: false, reason: `model not offered by ${c.provider}${hint}` };
        }
        return { candidate: c.id, usable: true };
      }),
    ]),
  ) as Record<Tier, CandidateProbe[]>;
  return { providers, tiers };
}

/** Ollama names carry a tag; "nomic-embed-text" is "nomic-embed-text:latest". */
function hasModel(provider: ProviderName, models: readonly string[], model: string): boolean {
  if (models.includes(model)) return true;
  return provider === 'ollama' && !model.includes(':') && models.includes(`${model}:latest`);
}

/** Drops user:password from a URL before it is shown. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
