// Secrets from the environment ("IT Security"): read once at start-up into office's own keeping, then removed from
// process.env (so no child inherits them) and blanked in the environment block (so no child can read them from
// /proc/<office pid>/environ). Everything that needs a key or a value to mask asks here, never process.env.
import { type ScrubResult, scrubEnvironBlock, secretEnvNames } from '../util/environ-block.js';
import { secretValuesFromEnv } from '../util/redact.js';

const kept = new Map<string, string>();
let scrub: ScrubResult = { type: 'nothing' };

/**
 * Moves every secret-named variable (`*_KEY`, `*_TOKEN`, `*SECRET*`, `*PASSWORD*`) out of `env` into office's
 * keeping, and blanks them in this process's environment block. Called once, first thing, by the CLI.
 */
export function captureSecrets(env: NodeJS.ProcessEnv = process.env): ScrubResult {
  const names = secretEnvNames(env);
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) kept.set(name, value);
    delete env[name];
  }
  if (env === process.env) scrub = scrubEnvironBlock(names);
  return scrub;
}

/** How the start-up scrubbing of the environment block went (for a warning where it matters). */
export function environScrub(): ScrubResult {
  return scrub;
}

/**
 * The environment as office sees it: process.env plus the secrets taken out of it. Provider settings (keys, hosts)
 * are resolved from this; it is never handed to a child process.
 */
export function officeEnv(): Readonly<Record<string, string | undefined>> {
  return { ...process.env, ...Object.fromEntries(kept) };
}

/** Exact secret values to mask wherever they appear (captured ones, and any still in process.env). */
export function secretValues(): string[] {
  return secretValuesFromEnv(officeEnv());
}
