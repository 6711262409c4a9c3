// Policy at a front door nobody watches ("IT Security"): through `office mcp`, an agent asks and no person is at a
// prompt, so nothing but reads runs unattended unless the server was started with an explicit approval mode.
import type { Decision, PolicyRequest } from './decide.js';

/**
 * Turns an `allow` for anything but a read into `ask` (a deny stays a deny). Pure: the decision policy made and
 * the request in, the decision to act on out.
 */
export function askUnlessRead(decision: Decision, request: PolicyRequest): Decision {
  if (decision.type !== 'allow' || request.risk === 'read') return decision;
  return {
    type: 'ask',
    rule: `mcp/${decision.rule}`,
    reason:
      `${decision.reason}; but office mcp was started without --approval, so a person approves every step ` +
      'that is not a read',
  };
}
