// Policy engine ("IT Security"): one pure decision — allow, ask or deny — for a tool step, naming what decided.
import { posix } from 'node:path';
import { type approvalModes, type PolicyRule, type Risk, risks } from '../schemas/config.js';
import { analyzeCommand, programsRun } from './command-analysis.js';
import { isInsideWorkspace, normalizeRelative, inScope } from './paths.js';

export type ApprovalMode = (typeof approvalModes)[number];
export type DecisionType = 'allow' | 'ask' | 'deny';

/** The sandbox that would run a command: `bwrap` isolates files and network, `process` does not. */
export type SandboxKind = 'bwrap' | 'process';

export interface PolicyRequest {
  readonly tool: string;
  /** The tool's declared risk; anything unknown is treated as `exec`. */
  readonly risk: string;
  /** Workspace-relative paths the step reads or writes. */
  readonly paths: readonly { readonly path: string; readonly access: 'read' | 'write' }[];
  readonly command?: readonly string[];
  readonly interactive: boolean;
  /** Loaded from a plugin module: its code runs in-process, outside any sandbox. */
  readonly pluginTool: boolean;
}

export interface Policy {
  readonly mode: ApprovalMode;
  readonly rules: readonly PolicyRule[];
  /** The sandbox commands would run in; without `bwrap`, full-auto still asks before running a command. */
  readonly sandbox?: SandboxKind;
}

export interface Decision {
  readonly type: DecisionType;
  /** What decided: `rules[2]`, `mode:ask/write`. */
  readonly rule: string;
  /** Why, in words a user can act on (including how to change the outcome where that helps). */
  readonly reason: string;
}

const RULE_VERB: Record<DecisionType, string> = {
  allow: 'the rule allows it',
  ask: 'the rule asks for approval',
  deny: 'the rule denies it',
};

const STRICTNESS: Record<DecisionType, number> = { allow: 0, ask: 1, deny: 2 };

/** True when `a` lets through more than `b`. */
export function isLooser(a: DecisionType, b: DecisionType): boolean {
  return STRICTNESS[a] < STRICTNESS[b];
}

function effectiveRisk(risk: string): Risk {
  return (risks as readonly string[]).includes(risk) ? (risk as Risk) : 'exec';
}

/** Directories whose programs are named by their basename: `/usr/bin/git` is `git`. */
const SYSTEM_BIN_DIRS = new Set([
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
]);

/**
 * The name a command allowlist knows the program by: argv[0] itself when it is a bare name, its basename when
 * it lives in a system bin directory, and the path as written otherwise — so `./npm`, a file in the workspace,
 * is not mistaken for the `npm` a rule allows.
 */
export function programOf(command: readonly string[] | undefined): string | undefined {
  const first = command?.[0]?.replace(/\\/g, '/');
  if (first === undefined || first === '') return undefined;
  if (!first.includes('/')) return first;
  const normal = posix.normalize(first);
  return SYSTEM_BIN_DIRS.has(posix.dirname(normal)) ? posix.basename(normal) : first;
}

/**
 * Whether a rule's command list covers what `command` runs, wrappers included (`env`, `timeout`, `xargs`, `find
 * -exec`, …). An allow rule must name every program that would run; a deny or ask rule applies when it names any
 * of them, so `env rm` is caught by a rule against `rm`. A command the analysis refuses is never allowed by a rule.
 */
function commandsCheck(
  rule: PolicyRule,
  list: readonly string[],
  command: readonly string[],
  name: string,
  where: string,
): RuleCheck {
  const analysis = analyzeCommand(command);
  const programs =
    analysis.type === 'runs'
      ? programsRun(analysis).map((p) => programOf([p]) ?? p)
      : [programOf(command) ?? command[0] ?? ''];
  const listed = programs.filter((p) => list.includes(p));
  const is = (items: readonly string[]) => (items.length === 1 ? 'is' : 'are');
  if (rule.decision !== 'allow' && listed.length > 0) {
    return { matched: true, why: `${listed.join(', ')} ${is(listed)} in its command list` };
  }
  if (analysis.type === 'refused') {
    return { matched: false, nearMiss: `${name} cannot allow this command: it ${analysis.reason}` };
  }
  const missing = programs.filter((p) => !list.includes(p));
  if (missing.length === 0)
    return { matched: true, why: `${programs.join(', ')} ${is(programs)} in its command list` };
  const through = programs.length > 1 ? ` (the command runs ${programs.join(' → ')})` : '';
  return {
    matched: false,
    nearMiss: `${missing.join(', ')} ${is(missing)} not in the allowlist of ${name}${through}; add ${missing.map((p) => `"${p}"`).join(', ')} to ${where}.commands in .office.config.json to let that rule decide`,
  };
}

function writePaths(request: PolicyRequest): string[] {
  return request.paths.filter((p) => p.access === 'write').map((p) => p.path);
}

/** A short description of a rule, as a user wrote it: `tool run_command, commands [npm, git]`. */
export function describeRule(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.tool !== undefined) parts.push(`tool ${rule.tool}`);
  if (rule.risk !== undefined) parts.push(`risk ${rule.risk}`);
  if (rule.tool === undefined && rule.risk === undefined) parts.push('any tool');
  if (rule.commands) parts.push(`commands [${rule.commands.join(', ')}]`);
  if (rule.paths) parts.push(`paths [${rule.paths.join(', ')}]`);
  if (rule.when) parts.push(`only ${rule.when}`);
  return parts.join(', ');
}

type RuleCheck =
  | { readonly matched: true; readonly why: string }
  | { readonly matched: false; readonly nearMiss?: string };

/** Whether rule `index` applies to the request; a rule for this tool that misses on a condition says which. */
function checkRule(rule: PolicyRule, index: number, request: PolicyRequest, risk: Risk): RuleCheck {
  if (rule.tool !== undefined && rule.tool !== request.tool) return { matched: false };
  if (rule.risk !== undefined && rule.risk !== risk) return { matched: false };
  const name = `rules[${index}] (${describeRule(rule)})`;
  const where = `approval.rules[${index}]`;

  if (rule.when !== undefined && (rule.when === 'interactive') !== request.interactive) {
    const here = request.interactive ? 'in an interactive terminal' : 'headless (no terminal, or CI)';
    return { matched: false, nearMiss: `${name} does not apply ${here}` };
  }

  const reasons: string[] = [];
  if (rule.commands !== undefined) {
    if (request.command === undefined || request.command.length === 0) {
      return { matched: false, nearMiss: `${name} lists commands, and "${request.tool}" runs none` };
    }
    const check = commandsCheck(rule, rule.commands, request.command, name, where);
    if (!check.matched) return check;
    reasons.push(check.why);
  }

  if (rule.paths !== undefined) {
    const writes = writePaths(request);
    if (writes.length === 0) {
      return {
        matched: false,
        nearMiss: `${name} is scoped to paths, and "${request.tool}" declares no path it writes`,
      };
    }
    const outside = writes.find((p) => !rule.paths?.some((scope) => inScope(p, scope)));
    if (outside !== undefined) {
      return {
        matched: false,
        nearMiss: `${normalizeRelative(outside)} is outside the paths of ${name}; add a scope for it to ${where}.paths in .office.config.json to let that rule decide`,
      };
    }
    reasons.push('every path it writes is inside its scopes');
  }

  return { matched: true, why: reasons.join(' and ') };
}

function modeDefault(policy: Policy, request: PolicyRequest, risk: Risk): Decision {
  const mode = policy.mode;
  const rule = `mode:${mode}/${risk}`;
  const change = 'change approval.mode in .office.config.json, or add a rule to approval.rules';
  if (risk === 'read') return { type: 'allow', rule, reason: `${mode} mode allows tools that only read` };
  const what = risk === 'write' ? 'file writes' : risk === 'exec' ? 'commands' : 'network access';

  if (mode === 'read-only') {
    return { type: 'deny', rule, reason: `read-only mode allows no ${what} (${change})` };
  }
  if (mode === 'ask') return { type: 'ask', rule, reason: `ask mode asks before ${what}` };

  if (risk === 'write') {
    const writes = writePaths(request);
    if (writes.length === 0) {
      return {
        type: 'ask',
        rule,
        reason: `${mode} mode allows writes inside the workspace, and "${request.tool}" declares no path it writes, so it asks`,
      };
    }
    const outside = writes.find((p) => !isInsideWorkspace(p));
    if (outside !== undefined) {
      return {
        type: 'ask',
        rule,
        reason: `${outside} is outside the workspace; ${mode} mode asks before writing there`,
      };
    }
    return { type: 'allow', rule, reason: `${mode} mode allows writes inside the workspace` };
  }

  if (mode === 'auto-edit' || risk === 'network') {
    return { type: 'ask', rule, reason: `${mode} mode asks before ${what}` };
  }

  // full-auto, exec: unattended only where the sandbox hides the rest of the machine and the network.
  if (request.pluginTool) {
    return {
      type: 'ask',
      rule,
      reason: `"${request.tool}" is a plugin tool: its code runs inside office, not in the sandbox, so full-auto asks`,
    };
  }
  if (policy.sandbox === 'bwrap') {
    return {
      type: 'allow',
      rule,
      reason:
        'full-auto runs commands only inside the bubblewrap sandbox (workspace read-only except write scopes, no network, no secrets in the environment)',
    };
  }
  const active =
    policy.sandbox === 'process'
      ? 'the active sandbox is process mode, which does not hide files outside the workspace or block the network'
      : 'no sandbox is known to be active';
  return {
    type: 'ask',
    rule,
    reason: `full-auto runs commands unattended only inside the bubblewrap sandbox, and ${active}; install bubblewrap, or allow the program with an approval rule`,
  };
}

/** `.env`, `.env.local`, `config/.env.production`, `.envrc`: files that usually hold secrets. Templates are not. */
export function isSecretEnvFile(path: string): boolean {
  const base = posix.basename(path.replace(/\\/g, '/'));
  return /^\.env(?:rc)?(?:\.|$)/i.test(base) && !/\.(?:example|sample|template|dist)$/i.test(base);
}

/** Reading a `.env` file needs a person's approval (or a rule that allows it), whatever the mode allows for reads. */
function secretFileGuard(request: PolicyRequest, fallback: Decision): Decision {
  const secretFile = request.paths.find((p) => isSecretEnvFile(p.path));
  if (fallback.type !== 'allow' || secretFile === undefined) return fallback;
  return {
    type: 'ask',
    rule: 'secret-file',
    reason: `${normalizeRelative(secretFile.path)} is a .env file, which usually holds secrets, so reading it needs approval (a rule in approval.rules can allow it)`,
  };
}

/**
 * Decides one step. Rules are tried in order and the first that applies wins; a rule applies when its `tool`
 * and `risk` (where given) match, its `when` fits the terminal, every written path is inside its `paths`, and
 * the program is in its `commands`. Otherwise the mode's defaults decide. When the outcome is stricter than
 * a rule that almost applied, the reason says what would make that rule apply.
 */
export function decide(request: PolicyRequest, policy: Policy): Decision {
  const risk = effectiveRisk(request.risk);
  const unknownRisk =
    risk === request.risk ? '' : ` ("${request.risk}" is not a known risk, so it counts as exec)`;
  const nearMisses: { decision: DecisionType; text: string }[] = [];

  for (const [index, rule] of policy.rules.entries()) {
    const check = checkRule(rule, index, request, risk);
    if (check.matched) {
      const why = rule.reason ?? (check.why || RULE_VERB[rule.decision]);
      return {
        type: rule.decision,
        rule: `rules[${index}]`,
        reason: `${why} (${describeRule(rule)})${unknownRisk}`,
      };
    }
    if (check.nearMiss !== undefined) nearMisses.push({ decision: rule.decision, text: check.nearMiss });
  }

  const fallback = secretFileGuard(request, modeDefault(policy, request, risk));
  const hint = nearMisses.find((miss) => isLooser(miss.decision, fallback.type));
  return {
    ...fallback,
    reason: `${fallback.reason}${unknownRisk}${hint ? `. ${hint.text}` : ''}`,
  };
}
