import { describe, expect, it } from 'vitest';
import { type Decision, isLooser } from '../../src/policy/decide.js';
import { type RiskAssessment, riskAssessmentSchema, tighten } from '../../src/policy/gatekeeper.js';

const decisions: Decision[] = [
  { type: 'allow', rule: 'mode:full-auto/exec', reason: 'sandboxed' },
  { type: 'ask', rule: 'mode:ask/write', reason: 'ask mode asks' },
  { type: 'deny', rule: 'rules[0]', reason: 'denied by a rule' },
];
const assessments: (RiskAssessment | undefined)[] = [
  undefined,
  { level: 'low', reason: 'reads a file' },
  { level: 'medium', reason: 'runs the test suite' },
  { level: 'high', reason: 'deletes the build directory' },
];

describe('tighten', () => {
  it.each(decisions.flatMap((d) => assessments.map((a) => [d.type, a?.level ?? 'none', d, a] as const)))(
    '%s with a %s assessment never loosens',
    (_type, _level, decision, assessment) => {
      const out = tighten(decision, assessment);
      expect(isLooser(out.type, decision.type)).toBe(false);
    },
  );

  it('a high-risk assessment turns allow into ask and ask into deny, naming both reasons', () => {
    const high = { level: 'high' as const, reason: 'deletes the build directory' };
    const fromAllow = tighten(decisions[0] as Decision, high);
    expect([fromAllow.type, fromAllow.rule]).toEqual(['ask', 'gatekeeper(mode:full-auto/exec)']);
    expect(fromAllow.reason).toContain('deletes the build directory');
    expect(fromAllow.reason).toContain('policy alone would allow: sandboxed');
    expect(tighten(decisions[1] as Decision, high).type).toBe('deny');
    expect(tighten(decisions[2] as Decision, high)).toBe(decisions[2]);
  });

  it('a low or medium assessment changes nothing', () => {
    for (const decision of decisions) {
      expect(tighten(decision, { level: 'low', reason: 'fine' })).toBe(decision);
      expect(tighten(decision, { level: 'medium', reason: 'fine' })).toBe(decision);
    }
  });

  it('a model cannot smuggle a loosening verdict through the assessment schema', () => {
    expect(riskAssessmentSchema.safeParse({ level: 'none', reason: 'trust me' }).success).toBe(false);
    expect(riskAssessmentSchema.safeParse({ level: 'low', reason: 'ok', decision: 'allow' }).success).toBe(
      false,
    );
  });
});
