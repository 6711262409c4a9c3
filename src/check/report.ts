// Check report (`office check --format json`): the public shape of every rule's verdict, each violation with its
// witness path as `office trace` prints hops. Every other format is rendered from this.
import { z } from 'zod';
import { hopsOf, publicSymbol } from '../code/format.js';
import type { CodeSymbol } from '../code/model.js';
import { hopSchema, publicSymbolSchema } from '../code/service.js';
import { checkRuleKinds } from '../schemas/checks.js';
import type { CheckResult } from './check-rules.js';
import { ruleTitle, type Violation } from './evaluate.js';
import type { Changes } from './relevance.js';

export const violationJsonSchema = z.strictObject({
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  from: publicSymbolSchema,
  to: publicSymbolSchema.nullable(),
  /** The shortest witness path, hop by hop; empty when the violation is that no path exists. */
  hops: z.array(hopSchema),
  /** Other symbols of `from` whose shortest path runs through `from`. */
  also_from: z.array(publicSymbolSchema),
});
export type ViolationJson = z.infer<typeof violationJsonSchema>;

export const ruleReportSchema = z.strictObject({
  name: z.string(),
  rule: z.enum(checkRuleKinds),
  title: z.string(),
  description: z.string().nullable(),
  /** `warning`: violated only through calls matched by name only (or as the rule's `heuristic` says). */
  status: z.enum(['holds', 'violated', 'warning', 'skipped']),
  /** Why a skipped rule was skipped. */
  reason: z.string().nullable(),
  notes: z.array(z.string()),
  violations: z.array(violationJsonSchema),
});
export type RuleReport = z.infer<typeof ruleReportSchema>;

export const checkReportSchema = z.strictObject({
  /** `failed` when a violation is an error (exit 1); warnings alone pass. */
  status: z.enum(['passed', 'failed']),
  summary: z.strictObject({
    rules: z.int(),
    holds: z.int(),
    violated: z.int(),
    warning: z.int(),
    skipped: z.int(),
  }),
  rules: z.array(ruleReportSchema),
  changed_since: z
    .strictObject({
      ref: z.string(),
      base: z.string(),
      files: z.array(z.string()),
      /** Why every rule was checked whatever it selects; empty when each rule was judged on its own. */
      checked_all: z.array(z.string()),
    })
    .nullable(),
  stats: z.strictObject({
    files: z.int(),
    symbols: z.int(),
    calls: z.int(),
    index_ms: z.number(),
    check_ms: z.number(),
    /** Whether the code index came from its cache: `hit` (warm), `partial` (changed files parsed again), `miss`. */
    cache: z.enum(['hit', 'miss', 'partial']).nullable(),
  }),
});
export type CheckReport = z.infer<typeof checkReportSchema>;

export interface ReportInputs {
  readonly result: CheckResult;
  readonly changes?: Changes;
  readonly stats: CheckReport['stats'];
  /** The trimmed source line at `file:line` (relative to the checked folder), for the calls a report shows. */
  readonly lineText: (file: string, line: number) => string;
}

export function buildReport(inputs: ReportInputs): CheckReport {
  const rules = inputs.result.outcomes.map((outcome): RuleReport => {
    const config = outcome.rule.config;
    const base = {
      name: outcome.rule.name,
      rule: config.rule,
      title: ruleTitle(config),
      description: config.description ?? null,
      reason: null,
      notes: [],
      violations: [],
    };
    if (outcome.type === 'bad') {
      // The command refuses bad rules before reporting; a report never holds one.
      throw new Error(`rule ${outcome.rule.name} is bad (${outcome.field}: ${outcome.message})`);
    }
    if (outcome.type === 'holds') return { ...base, status: 'holds', notes: [...outcome.notes] };
    if (outcome.type === 'skipped') return { ...base, status: 'skipped', reason: outcome.reason };
    const errors = outcome.violations.some((v) => v.severity === 'error');
    return {
      ...base,
      status: errors ? 'violated' : 'warning',
      violations: outcome.violations.map((v) => violationJson(v, inputs.lineText)),
    };
  });
  const count = (status: RuleReport['status']) => rules.filter((r) => r.status === status).length;
  return {
    status: count('violated') > 0 ? 'failed' : 'passed',
    summary: {
      rules: rules.length,
      holds: count('holds'),
      violated: count('violated'),
      warning: count('warning'),
      skipped: count('skipped'),
    },
    rules,
    changed_since: inputs.changes
      ? {
          ref: inputs.changes.ref,
          base: inputs.changes.base,
          files: inputs.changes.files.map((f) => f.path),
          checked_all: [...inputs.result.checkedAll],
        }
      : null,
    stats: inputs.stats,
  };
}

function violationJson(violation: Violation, lineText: ReportInputs['lineText']): ViolationJson {
  const hops = violation.witness
    ? hopsOf({
        cost: violation.witness.cost,
        steps: violation.witness.steps.map(({ symbol, edge }) => ({
          symbol,
          edge: edge
            ? { ...edge, call: { ...edge.call, text: lineText(edge.call.file, edge.call.line) } }
            : null,
        })),
      })
    : [];
  return {
    severity: violation.severity,
    message: violation.message,
    from: publicSymbol(violation.source),
    to: violation.target ? publicSymbol(violation.target) : null,
    hops,
    also_from: violation.alsoFrom.map((symbol: CodeSymbol) => publicSymbol(symbol)),
  };
}
