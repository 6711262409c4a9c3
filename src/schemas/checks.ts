// Call-path rules (`checks` in `.office.config.json`), evaluated by `office check`: one strict shape per rule kind,
// so a wrong rule is named by its field (`checks.2.to: ...`), not reported as "invalid union".
import { z } from 'zod';

export const checkRuleKinds = ['forbid', 'require', 'only-through', 'max-depth'] as const;
export type CheckRuleKind = (typeof checkRuleKinds)[number];

/** How a verdict that rests on a call matched by name only (a `heuristic` edge) is reported. */
export const heuristicLevels = ['warning', 'error', 'ignore'] as const;
export type HeuristicLevel = (typeof heuristicLevels)[number];

const SELECTOR_HINT =
  'a symbol (name, Class.method, path/file.ts:name), a file glob (src/ui/**) or glob:name (src/db/**:query*)';

/** A selector's text is checked here for what needs no index; what it matches is checked against the index. */
const selector = z.string().superRefine((text, ctx) => {
  const problem = selectorSyntaxProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One selector or a non-empty list of them; a symbol is selected when any of them selects it. */
const selectors = z
  .union([selector, z.array(selector).min(1, `give at least one: ${SELECTOR_HINT}`)], {
    error: (issue) => (issue.input === undefined ? `required: ${SELECTOR_HINT}` : SELECTOR_HINT),
  })
  .transform((value) => (typeof value === 'string' ? [value] : value));

const common = {
  /** Shown in reports and used as the SARIF rule id; `<rule>-<position>` when absent. Unique. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / - (no spaces), e.g. "ui-no-db"')
    .optional(),
  /** Why the rule exists: printed with each violation. */
  description: z.string().optional(),
  heuristic: z.enum(heuristicLevels, { error: `one of ${heuristicLevels.join(', ')}` }).default('warning'),
};

export const forbidRuleSchema = z.strictObject({
  rule: z.literal('forbid'),
  ...common,
  from: selectors,
  to: selectors,
  /** Only paths through one of these are forbidden. */
  via: selectors.optional(),
  /** Paths through one of these are allowed. */
  except: selectors.optional(),
});

export const requireRuleSchema = z.strictObject({
  rule: z.literal('require'),
  ...common,
  from: selectors,
  to: selectors,
});

export const onlyThroughRuleSchema = z.strictObject({
  rule: z.literal('only-through'),
  ...common,
  /** Where the paths start; every symbol of the tree outside `to` when absent. */
  from: selectors.optional(),
  to: selectors,
  through: selectors,
});

export const maxDepthRuleSchema = z.strictObject({
  rule: z.literal('max-depth'),
  ...common,
  from: selectors,
  to: selectors,
  /** Most calls on the shortest path from a symbol of `from` to `to`. */
  max: z.int().min(1).max(64),
});

export const checkRuleSchema = z.discriminatedUnion(
  'rule',
  [forbidRuleSchema, requireRuleSchema, onlyThroughRuleSchema, maxDepthRuleSchema],
  { error: () => `one of ${checkRuleKinds.join(', ')}` },
);
export type CheckRule = z.infer<typeof checkRuleSchema>;

export const checksSchema = z.array(checkRuleSchema).superRefine((rules, ctx) => {
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const name = rule.name;
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${name}" names checks.${first} too` });
    } else seen.set(name, i);
  });
});

/**
 * What is wrong with a selector's text on its face (no index needed), or undefined. The forms: `name`,
 * `Class.method`, `path/file.ts:name` (as `office trace` takes them), `*` in a name, a file glob or path with a `/`
 * (`src/ui/**`, `./*.ts`), and `glob:name`.
 */
export function selectorSyntaxProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return `empty; write ${SELECTOR_HINT}`;
  const colon = trimmed.lastIndexOf(':');
  if (colon === trimmed.length - 1) return `"${text}" has no name after ":"; write ${SELECTOR_HINT}`;
  if (colon === 0) return `"${text}" has no file before ":"; write ${SELECTOR_HINT}`;
  return undefined;
}
