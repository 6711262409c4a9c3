// `office serve` ("Receptionist"): the HTTP API and web page over this workspace until SIGTERM or Ctrl-C, which
// checkpoint running tasks (the next start resumes them); `--new-token NAME` makes a bearer token instead.
import { randomBytes } from 'node:crypto';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { approvalModes } from '../../schemas/config.js';
import { type TokenScope, tokenScopes } from '../../schemas/server-config.js';
import { hashToken } from '../../server/auth.js';
import type { ApprovalMode } from '../safety.js';
import { openWorkspace } from '../wiring.js';
import { oneOf } from '../flag-values.js';

export interface ServeFlags {
  readonly dir?: string;
  readonly host?: string;
  readonly port?: string;
  readonly approval?: string;
  readonly sandbox?: string;
  readonly offline?: boolean;
  readonly newToken?: string;
  readonly scopes?: string;
  readonly store?: string;
  readonly queue?: string;
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535)
    throw new UsageError(`--port takes a port from 0 to 65535 (0: any free port), not "${value}"`);
  return port;
}

/** `--new-token NAME`: a fresh random token, printed once, and the config entry that stores only its hash. */
function newTokenCommand(name: string, scopesText: string | undefined): ExitCode {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    throw new UsageError(`--new-token takes a tenant name of letters, digits, _ . - (not "${name}")`);
  const scopes = (scopesText ?? 'submit,approve,read').split(',').map((s) => s.trim());
  for (const s of scopes) oneOf('--scopes', s, tokenScopes);
  const token = `office_${randomBytes(24).toString('base64url')}`;
  const entry = { name, sha256: hashToken(token), scopes: scopes as TokenScope[], quotas: {} };
  process.stdout.write(`${token}\n`);
  process.stderr.write(
    'office: the token is printed once, above; office stores only its hash. Add this to server.tokens in ' +
      `.office.config.json (quotas: tasksPerMinute, concurrentTasks, usdPerDay, tokensPerDay):\n${JSON.stringify(entry, null, 2)}\n`,
  );
  return EXIT.ok;
}

export async function serveCommand(flags: ServeFlags): Promise<ExitCode> {
  if (flags.newToken !== undefined) return newTokenCommand(flags.newToken, flags.scopes);
  const approvalMode = oneOf<ApprovalMode>('--approval', flags.approval, approvalModes);
  const sandboxMode = oneOf('--sandbox', flags.sandbox, ['auto', 'bwrap', 'process'] as const);
  const port = portOf(flags.port);
  const ws = await openWorkspace(flags.dir, {
    ...(flags.store !== undefined ? { store: flags.store } : {}),
    ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
  });
  const host = flags.host ?? ws.config.server.host;
  const log = (line: string) => process.stderr.write(`office serve: ${line}\n`);
  const { startServer } = await import('../../server/server.js');
  const server = await startServer({
    ws,
    host,
    port: port ?? ws.config.server.port,
    offline: flags.offline ?? false,
    log,
    ...(approvalMode ? { approvalMode } : {}),
    ...(sandboxMode ? { sandboxMode } : {}),
  });
  log(
    `serving ${ws.root} at ${server.url} — ` +
      (server.tokens > 0
        ? `${server.tokens} token${server.tokens === 1 ? '' : 's'}`
        : 'no token: loopback only, every caller may do everything') +
      `; page ${server.url}/, API ${server.url}/openapi.json, metrics ${server.url}/metrics` +
      (server.tracing ? `; traces to ${server.tracing}` : ''),
  );
  if (server.resumed.length > 0)
    log(`resuming ${server.resumed.length} unfinished task(s): ${server.resumed.join(', ')}`);
  const why = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${why}: taking no new tasks, saving the state of running ones (a second signal quits at once)`);
  const quit = () => process.exit(EXIT.interrupted);
  process.once('SIGTERM', quit);
  process.once('SIGINT', quit);
  await server.close();
  await ws.close();
  log('stopped; unfinished tasks resume on the next start');
  return EXIT.ok;
}
