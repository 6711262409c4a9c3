// Sandbox environment ("Workshop"): the only variables a sandboxed command sees, and the ones refused.
import { isSecretEnvName } from '../util/redact.js';

export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RefusedEnv {
  readonly name: string;
  readonly reason: string;
}

export interface SandboxEnvironment {
  readonly env: Record<string, string>;
  readonly refused: readonly RefusedEnv[];
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

const ALWAYS_SET = new Set(['HOME', 'PATH', 'LANG']);

/**
 * Builds the environment from scratch: PATH (the user's when allowlisted, else the system directories; then
 * Node's), HOME (a private empty directory),
 * LANG, and the allowlisted names (exact, or a prefix ending in `*`). Names that hold secrets (`*_KEY`,
 * `*_TOKEN`, `*SECRET*`, `*PASSWORD*`) are refused even when allowlisted, and reported.
 */
export function sandboxEnvironment(options: {
  readonly parentEnv: Readonly<Record<string, string | undefined>>;
  readonly allowlist: readonly string[];
  readonly home: string;
  /**
   * Directory of the Node binary running office, last on PATH: a command finds the user's own `node` (and npm,
   * npx) first, as in their shell, and office's Node only when there is no other.
   */
  readonly nodeBin: string;
}): SandboxEnvironment {
  const { parentEnv, allowlist } = options;
  const refused: RefusedEnv[] = [];
  const env: Record<string, string> = {
    PATH: `${SYSTEM_PATH}:${options.nodeBin}`,
    HOME: options.home,
    LANG: parentEnv.LANG ?? 'C.UTF-8',
  };

  for (const pattern of allowlist) {
    if (!pattern.endsWith('*') && isSecretEnvName(pattern)) {
      refused.push({
        name: pattern,
        reason:
          'its name marks a secret (*_KEY, *_TOKEN, *SECRET*, *PASSWORD*); sandboxed commands never see secrets',
      });
      continue;
    }
    if (pattern === 'HOME') {
      refused.push({
        name: pattern,
        reason: 'HOME always points to a private empty directory in the sandbox',
      });
      continue;
    }
    for (const [name, value] of Object.entries(parentEnv)) {
      if (value === undefined || !matches(pattern, name)) continue;
      if (isSecretEnvName(name)) {
        if (!refused.some((r) => r.name === name)) {
          refused.push({
            name,
            reason: `matched "${pattern}", but its name marks a secret; sandboxed commands never see secrets`,
          });
        }
        continue;
      }
      if (name === 'PATH') env.PATH = `${value}:${options.nodeBin}`;
      else if (!ALWAYS_SET.has(name) || name === 'LANG') env[name] = value;
    }
  }
  return { env, refused };
}
