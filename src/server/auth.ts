// Receptionist's door ("Receptionist"): who is calling. Bearer tokens are kept only as SHA-256 hashes; each names a
// tenant with scopes and quotas. Pure decisions: the Authorization header and the token table in, a principal or a
// refusal out.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Quotas, TokenEntry, TokenScope } from '../schemas/server-config.js';
import { tokenScopes } from '../schemas/server-config.js';

export interface Principal {
  readonly tenant: string;
  readonly scopes: ReadonlySet<TokenScope>;
  readonly quotas: Quotas;
}

export type AuthOutcome =
  | { readonly type: 'allow'; readonly principal: Principal }
  | { readonly type: 'refuse'; readonly status: 401 | 403; readonly code: string; readonly message: string };

/** With no token configured (loopback only), every caller is this tenant with every scope. */
export const LOCAL_PRINCIPAL: Principal = { tenant: 'local', scopes: new Set(tokenScopes), quotas: {} };

/** The tenant a plain token from OFFICE_SERVE_TOKEN stands for: every scope, no quota. */
export const ENV_TOKEN_TENANT = 'default';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token table: the configured entries, plus OFFICE_SERVE_TOKEN (hashed at once, never kept in clear). */
export function tokenTable(configured: readonly TokenEntry[], envToken: string | undefined): TokenEntry[] {
  const table = [...configured];
  if (envToken?.trim())
    table.push({
      name: ENV_TOKEN_TENANT,
      sha256: hashToken(envToken.trim()),
      scopes: [...tokenScopes],
      quotas: {},
    });
  return table;
}

/** Who presents `authorization` (`Bearer <token>`); open access when no token is configured. */
export function authenticate(authorization: string | undefined, table: readonly TokenEntry[]): AuthOutcome {
  if (table.length === 0) return { type: 'allow', principal: LOCAL_PRINCIPAL };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1])
    return {
      type: 'refuse',
      status: 401,
      code: 'unauthorized',
      message: 'send a token: Authorization: Bearer <token> (office serve --new-token NAME makes one)',
    };
  const presented = Buffer.from(hashToken(match[1]), 'hex');
  // Every entry is compared, in constant time, so the answer's timing says nothing about which came close.
  let found: TokenEntry | undefined;
  for (const entry of table) {
    if (timingSafeEqual(presented, Buffer.from(entry.sha256, 'hex')) && !found) found = entry;
  }
  if (!found)
    return { type: 'refuse', status: 401, code: 'unauthorized', message: 'this token is not known here' };
  return {
    type: 'allow',
    principal: { tenant: found.name, scopes: new Set(found.scopes), quotas: found.quotas },
  };
}

/** Whether `principal` may do what needs `scope` (admin may do everything). */
export function authorize(principal: Principal, scope: TokenScope): AuthOutcome {
  if (principal.scopes.has(scope) || principal.scopes.has('admin')) return { type: 'allow', principal };
  return {
    type: 'refuse',
    status: 403,
    code: 'forbidden',
    message: `tenant ${principal.tenant}'s token lacks the "${scope}" scope`,
  };
}

/** A tenant sees and acts on its own tasks; admin on every task. */
export function mayTouch(principal: Principal, taskTenant: string): boolean {
  return principal.scopes.has('admin') || principal.tenant === taskTenant;
}
