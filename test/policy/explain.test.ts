import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { explainDecision, modeDescriptions } from '../../src/policy/explain.js';
import { approvalModes } from '../../src/schemas/config.js';

describe('explainDecision', () => {
  const curl = {
    tool: 'run_command',
    risk: 'exec',
    paths: [],
    command: ['curl', '-s', 'https://example.org'],
    interactive: false,
    pluginTool: false,
  };
  const policy = {
    mode: 'read-only' as const,
    rules: [{ tool: 'run_command', decision: 'allow' as const, commands: ['npm', 'git'] }],
  };

  it('names the tool, the command, what decided and how to change it', () => {
    expect(explainDecision(decide(curl, policy), curl)).toBe(
      'run_command (curl -s https://example.org) denied by mode:read-only/exec: read-only mode allows no commands ' +
        '(change approval.mode in .office.config.json, or add a rule to approval.rules). curl is not in the allowlist ' +
        'of rules[0] (tool run_command, commands [npm, git]); add "curl" to approval.rules[0].commands in ' +
        '.office.config.json to let that rule decide',
    );
  });

  it('explains an allow by the rule that gave it', () => {
    const npm = { ...curl, command: ['npm', 'test'] };
    expect(explainDecision(decide(npm, policy), npm)).toBe(
      'run_command (npm test) allowed by rules[0]: npm is in its command list (tool run_command, commands [npm, git])',
    );
  });

  it('quotes arguments with spaces and shortens long commands', () => {
    const long = { ...curl, command: ['node', '-e', 'console.log(1)', 'x'.repeat(100)] };
    const text = explainDecision(decide(long, policy), long);
    expect(text).toContain('run_command (node -e "console.log(1)" xxx');
    expect(text).toContain('...) denied by');
  });
});

describe('modeDescriptions', () => {
  it('describes every approval mode the config accepts, for every risk', () => {
    expect(Object.keys(modeDescriptions).sort()).toEqual([...approvalModes].sort());
    for (const mode of approvalModes) {
      const d = modeDescriptions[mode];
      for (const text of [d.summary, d.read, d.write, d.exec, d.network])
        expect(text.length).toBeGreaterThan(0);
    }
  });

  it('agrees with decide on what each mode does with a plain step of each risk', () => {
    for (const mode of approvalModes) {
      for (const risk of ['read', 'write', 'exec', 'network'] as const) {
        const decided = decide(
          {
            tool: 't',
            risk,
            paths: risk === 'write' ? [{ path: 'a.txt', access: 'write' }] : [],
            ...(risk === 'exec' ? { command: ['npm'] } : {}),
            interactive: true,
            pluginTool: false,
          },
          { mode, rules: [], sandbox: 'bwrap' },
        );
        expect(modeDescriptions[mode][risk].startsWith(decided.type), `${mode}/${risk}`).toBe(true);
      }
    }
  });
});
