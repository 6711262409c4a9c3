// Policy at the MCP front door: nothing but a read runs unattended; what policy refuses stays refused.
import { describe, expect, it } from 'vitest';
import { decide, type PolicyRequest } from '../../src/policy/decide.js';
import { askUnlessRead } from '../../src/policy/front-door.js';

const request = (risk: string): PolicyRequest => ({
  tool: 'run_command',
  risk,
  paths: [],
  command: ['npm', 'test'],
  interactive: false,
  pluginTool: false,
});

describe('askUnlessRead', () => {
  it('turns an allow for a command, a write or the network into ask, naming the rule and why', () => {
    const allowed = decide(request('exec'), {
      mode: 'ask',
      rules: [{ tool: 'run_command', commands: ['npm'], decision: 'allow' }],
    });
    expect(allowed.type).toBe('allow');
    const asked = askUnlessRead(allowed, request('exec'));
    expect(asked).toEqual({
      type: 'ask',
      rule: 'mcp/rules[0]',
      reason: expect.stringContaining('office mcp was started without --approval'),
    });
    for (const risk of ['write', 'network', 'unknown']) {
      expect(askUnlessRead({ type: 'allow', rule: 'r', reason: 'x' }, request(risk)).type).toBe('ask');
    }
  });

  it('leaves reads allowed, and asks and denials as policy made them', () => {
    const read = decide(request('read'), { mode: 'ask', rules: [] });
    expect(askUnlessRead(read, request('read'))).toBe(read);
    const denied = decide(request('exec'), { mode: 'read-only', rules: [] });
    expect(askUnlessRead(denied, request('exec'))).toBe(denied);
    const asked = decide(request('exec'), { mode: 'ask', rules: [] });
    expect(askUnlessRead(asked, request('exec'))).toBe(asked);
  });
});
