// Bubblewrap layout ("Workshop"): the mounts that show a command the system, the workspace read-only and its
// write scopes, and nothing else; plus the probe that says whether bwrap can create its namespaces here.
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** HOME inside the sandbox: in its private /tmp, so it starts empty and vanishes with the sandbox. */
export const BWRAP_HOME = '/tmp/.office-home';

/** /etc entries programs need to start and resolve users, libraries and certificates; never npmrc or the like. */
const ETC_ENTRIES = [
  'alternatives',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'passwd',
  'group',
  'nsswitch.conf',
  'hosts',
  'localtime',
  'timezone',
  'mime.types',
];

const TOP_LEVEL_SYSTEM = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** Directories inside the workspace that stay read-only even under a write scope: git hooks and office's own state. */
export const PROTECTED_DIRS = ['.git', '.office'];

let systemMountsCache: string[] | undefined;

/** Mounts of the system directories: /usr read-only, /bin, /lib* as the symlinks or directories they are here. */
export function systemMounts(): string[] {
  if (systemMountsCache) return systemMountsCache;
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const path of TOP_LEVEL_SYSTEM) {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else if (stat.isDirectory()) args.push('--ro-bind', path, path);
  }
  for (const entry of ETC_ENTRIES) args.push('--ro-bind-try', join('/etc', entry), join('/etc', entry));
  systemMountsCache = args;
  return args;
}

/**
 * Read-only mounts that make the running Node usable inside: for a standard installation (nvm, the official
 * tarball) its bin/ and lib/node_modules/ (so npm works); otherwise the binary alone, never its whole parent.
 */
export function nodeMounts(execPath: string): string[] {
  const binary = realpathSync(execPath);
  if (binary.startsWith('/usr/')) return [];
  const prefix = dirname(dirname(binary));
  if (existsSync(join(prefix, 'lib', 'node_modules', 'npm'))) {
    const bin = join(prefix, 'bin');
    const lib = join(prefix, 'lib', 'node_modules');
    return ['--ro-bind', bin, bin, '--ro-bind', lib, lib];
  }
  return ['--ro-bind', binary, binary];
}

export interface BwrapLayout {
  /** Real path of the workspace root, mounted at the same path. */
  readonly workspace: string;
  /** Real absolute path inside the workspace. */
  readonly cwd: string;
  /** Real absolute paths inside the workspace, mounted read-write (must exist). */
  readonly writeScopes: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly nodeMounts: readonly string[];
}

/** The bwrap arguments before `--` and the command. Order matters: later mounts cover earlier ones. */
export function bwrapArgs(layout: BwrapLayout): string[] {
  // Run as root, bwrap would leave the command every capability inside its user namespace (mounts included).
  const args = ['--unshare-all', '--cap-drop', 'ALL', '--die-with-parent', '--new-session', '--clearenv'];
  for (const [name, value] of Object.entries(layout.env)) args.push('--setenv', name, value);
  args.push(...systemMounts());
  args.push('--tmpfs', '/tmp', '--dir', BWRAP_HOME, '--proc', '/proc', '--dev', '/dev');
  args.push(...layout.nodeMounts);
  args.push('--ro-bind', layout.workspace, layout.workspace);
  for (const scope of layout.writeScopes) args.push('--bind', scope, scope);
  for (const dir of PROTECTED_DIRS) {
    const path = join(layout.workspace, dir);
    args.push('--ro-bind-try', path, path);
  }
  args.push('--chdir', layout.cwd);
  return args;
}

export type BwrapProbe =
  | { readonly ok: true; readonly path: string; readonly version: string }
  | {
      readonly ok: false;
      readonly path: string;
      readonly cause: 'missing' | 'namespaces' | 'platform';
      readonly detail: string;
    };

const probes = new Map<string, Promise<BwrapProbe>>();

async function runProbe(path: string): Promise<BwrapProbe> {
  if (process.platform !== 'linux') {
    return {
      ok: false,
      path,
      cause: 'platform',
      detail: `bubblewrap runs only on Linux (this is ${process.platform})`,
    };
  }
  const version = await execa(path, ['--version'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  if (version.failed && version.exitCode === undefined) {
    return {
      ok: false,
      path,
      cause: 'missing',
      detail: `bubblewrap is not installed (${path} cannot be run: ${version.code ?? version.shortMessage})`,
    };
  }
  const trial = await execa(
    path,
    [
      '--unshare-all',
      '--cap-drop',
      'ALL',
      '--die-with-parent',
      '--new-session',
      ...systemMounts(),
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      'true',
    ],
    { reject: false, timeout: 10_000, stdin: 'ignore' },
  );
  if (trial.exitCode !== 0) {
    const said = String(trial.stderr).trim() || trial.shortMessage;
    return {
      ok: false,
      path,
      cause: 'namespaces',
      detail: `bubblewrap cannot create its namespaces here: ${said}`,
    };
  }
  return { ok: true, path, version: String(version.stdout).trim() };
}

/** Whether `bwrap` works on this machine (memoised per binary path for the life of the process). */
export function probeBwrap(path = 'bwrap'): Promise<BwrapProbe> {
  let probe = probes.get(path);
  if (!probe) {
    probe = runProbe(path);
    probes.set(path, probe);
  }
  return probe;
}

/** What a user does about a failed probe. */
export function bwrapRemedy(probe: Extract<BwrapProbe, { ok: false }>): string {
  switch (probe.cause) {
    case 'missing':
      return 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), or use --sandbox process';
    case 'namespaces':
      return (
        'enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ also ' +
        'kernel.apparmor_restrict_unprivileged_userns=0; in a container, allow them in its seccomp/AppArmor profile), ' +
        'or use --sandbox process'
      );
    case 'platform':
      return 'use --sandbox process (no file or network isolation)';
  }
}
