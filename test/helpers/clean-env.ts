// Test helper: the environment office gets in tests — nothing from the developer's shell that reaches a real model
// or hands over a real key. Child processes get an allowlist; the test processes themselves lose the provider
// variables (test/setup/clean-env.ts), so in-process tests are as clean as the binary.

/** Where no Ollama answers: port 1 is never an ephemeral port, so no loopback fake of a parallel test sits there. */
export const NO_OLLAMA = 'http://127.0.0.1:1';

/** Variables that choose a model provider or authenticate to one. */
export const PROVIDER_VARIABLES = [
  'OLLAMA_HOST',
  'OPENAI_BASE_URL',
  'OPENAI_API_KEY',
  'GEMINI_BASE_URL',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
] as const;

/**
 * Where office looks for the user's own config in tests: a folder that never exists, so the developer's
 * ~/.config/office/config.json is never read (a test that wants a user file sets XDG_CONFIG_HOME itself).
 */
export const NO_USER_CONFIG = '/nonexistent/office-tests/no-user-config';

/** What a child process may take from the test's environment: enough to find programs and a temp folder. */
const PASSED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'] as const;

/**
 * The environment for an `office` child: the allowlisted variables, no colour, debug output on, Ollama pointed
 * where nothing answers, no cloud key and no user config file; `extra` (a test's fakes and keys) goes on top.
 */
export function officeEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    OFFICE_DEBUG: '1',
    OLLAMA_HOST: NO_OLLAMA,
    XDG_CONFIG_HOME: NO_USER_CONFIG,
    ...extra,
  };
}

/** Removes the provider variables from this process, points Ollama where nothing answers, and hides the user's config. */
export function scrubProcessEnv(): void {
  for (const name of PROVIDER_VARIABLES) delete process.env[name];
  process.env.OLLAMA_HOST = NO_OLLAMA;
  process.env.XDG_CONFIG_HOME = NO_USER_CONFIG;
}
