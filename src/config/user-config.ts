// User-level configuration: where a person's own settings live, as the XDG Base Directory spec places them.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * `$XDG_CONFIG_HOME/office/config.json`, else `~/.config/office/config.json`. The spec says a relative
 * XDG_CONFIG_HOME is invalid and to be ignored; an empty one counts as unset.
 */
export function userConfigPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, 'office', 'config.json');
}

/** Top-level fields of the workspace file that the user file may not hold: they are about one project. */
export function workspaceOnlyHint(field: string): string {
  return `"${field}" belongs in a workspace's .office.config.json; the user file holds models, approval.mode and telemetry`;
}
