// Tool broker ("IT Security"): decides, step by step, whether a validated plan may run — by policy, by a
// recorded approval, by --yes, or by asking a person — and records every decision.
import type { z } from 'zod';
import type { Plan, PlanStep } from '../schemas/plan.js';
import type { ApprovalRecord, StepResult } from '../schemas/task.js';
import type { ToolPathAccess } from '../tools/define-tool.js';
import { describeStepAction } from '../policy/explain.js';
import type { Approver, PolicyDecision, PolicyFn, PolicyRequest, ToolRegistry } from './ports.js';

export interface ApproveContext {
  readonly taskId: string;
  readonly plan: Plan;
  readonly tools: ToolRegistry & { isPlugin?(name: string): boolean };
  readonly policy: PolicyFn;
  readonly interactive: boolean;
  /** --yes: approve what policy would ask about (never what it denies). */
  readonly yes: boolean;
  /** --yes given to this invocation: only that re-approves a side-effecting step that started before. */
  readonly yesGivenNow?: boolean;
  readonly approver?: Approver;
  /**
   * The gatekeeper: for a plugin tool or a command that no policy rule covers, a model's risk assessment.
   * It may only tighten the decision (the wiring applies policy's `tighten`).
   */
  readonly gatekeeper?: Gatekeeper;
  /** Approvals already stored for this task (from `office approve`, or earlier answers). */
  readonly recorded: readonly ApprovalRecord[];
  /** Step results already stored, keyed by idempotency key. */
  readonly priorSteps: Readonly<Record<string, StepResult>>;
  /**
   * Set when a model wrote this plan after workspace content reached it (earlier steps' outputs): the steps may
   * carry instructions planted in those files, and whoever approves them is told so.
   */
  readonly provenance?: string;
  readonly now: () => Date;
}

export type ApproveOutcome =
  | { readonly status: 'approved'; readonly records: ApprovalRecord[] }
  | {
      readonly status: 'needs_approval';
      readonly records: ApprovalRecord[];
      readonly pending: PendingApproval[];
    }
  | { readonly status: 'denied'; readonly records: ApprovalRecord[]; readonly denied: DeniedStep[] };

export interface PendingApproval {
  readonly step_id: string;
  readonly tool: string;
  readonly risk: string;
  readonly reason: string;
  /** Exactly what the step will do (`runs npm test (in .)`, `reads .env`). */
  readonly action: string;
  readonly proposed_by?: string;
}

export interface DeniedStep {
  readonly step_id: string;
  readonly tool: string;
  readonly reason: string;
  readonly note?: string;
}

export type Gatekeeper = (
  request: PolicyRequest,
  step: { readonly taskId: string; readonly inputs: unknown },
  decision: PolicyDecision,
) => Promise<{ decision: PolicyDecision; assessment?: string }>;

/** Approvals given by a person, as recorded in `by`. */
const PERSON_APPROVALS = new Set(['office approve', 'user', '--yes']);

/** Decisions recorded by `office serve` on a person's behalf (`office serve (tenant)`). */
export const SERVE_DECIDER = 'office serve';

function byPerson(by: string): boolean {
  return PERSON_APPROVALS.has(by) || by === SERVE_DECIDER || by.startsWith(`${SERVE_DECIDER} (`);
}

/** A tool-wide approval given at the prompt ("approve this tool for the rest of the task"). */
export const TOOL_SCOPE = '*';

function pathsOf(step: PlanStep, tools: ToolRegistry): readonly ToolPathAccess[] {
  const tool = tools.get(step.action);
  if (!tool?.paths) return [];
  const parsed = (tool.input as z.ZodType).safeParse(step.inputs);
  return parsed.success ? tool.paths(parsed.data) : [];
}

function commandOf(step: PlanStep, tools: ToolRegistry): readonly string[] | undefined {
  const tool = tools.get(step.action);
  if (!tool?.command) return undefined;
  const parsed = (tool.input as z.ZodType).safeParse(step.inputs);
  return parsed.success ? tool.command(parsed.data) : undefined;
}

/** A side-effecting step that started in an earlier run but never finished must not silently run again. */
function interruptedSideEffect(
  step: PlanStep,
  risk: string,
  prior: Readonly<Record<string, StepResult>>,
): boolean {
  return risk !== 'read' && prior[step.idempotency_key]?.status === 'started';
}

export async function approvePlan(ctx: ApproveContext): Promise<ApproveOutcome> {
  const records: ApprovalRecord[] = [];
  const pending: PendingApproval[] = [];
  const denied: DeniedStep[] = [];
  const toolScoped = new Set(
    ctx.recorded.filter((r) => r.step_id === TOOL_SCOPE && r.decision === 'allow').map((r) => r.tool),
  );

  for (const step of ctx.plan.steps) {
    const tool = ctx.tools.get(step.action);
    const risk = tool?.risk ?? 'exec';
    const at = () => ctx.now().toISOString();
    const command = commandOf(step, ctx.tools);
    const paths = pathsOf(step, ctx.tools);
    // Every record says exactly what would run, so that a person approving later (and the audit) sees it.
    const base = {
      plan_id: ctx.plan.plan_id,
      step_id: step.step_id,
      tool: step.action,
      risk,
      ...(command ? { command: [...command] } : {}),
      ...(paths.length > 0 ? { paths: paths.map((p) => ({ path: p.path, access: p.access })) } : {}),
      ...(ctx.provenance ? { proposed_by: ctx.provenance } : {}),
    };
    const action = describeStepAction({ ...(command ? { command } : {}), paths });
    const request: PolicyRequest = {
      tool: step.action,
      risk,
      paths,
      ...(command ? { command } : {}),
      interactive: ctx.interactive,
      pluginTool: ctx.tools.isPlugin?.(step.action) ?? false,
    };
    let decision: PolicyDecision = ctx.policy(request);
    let assessment: string | undefined;
    const uncovered = !decision.rule.startsWith('rules[') && decision.type !== 'deny';
    if (ctx.gatekeeper && uncovered && (command || request.pluginTool)) {
      const verdict = await ctx.gatekeeper(request, { taskId: ctx.taskId, inputs: step.inputs }, decision);
      decision = verdict.decision;
      assessment = verdict.assessment;
    }
    const startedBefore = interruptedSideEffect(step, risk, ctx.priorSteps)
      ? ctx.priorSteps[step.idempotency_key]?.started_at
      : undefined;
    if (startedBefore && decision.type !== 'deny') {
      decision = {
        type: 'ask',
        rule: 'rerun-guard',
        reason: `step "${step.step_id}" (${risk}) started in an earlier run and did not finish; running it again needs approval`,
      };
    }

    if (decision.type === 'deny') {
      records.push({ ...base, decision: 'deny', by: decision.rule, reason: decision.reason, at: at() });
      denied.push({ step_id: step.step_id, tool: step.action, reason: decision.reason });
      continue;
    }
    if (decision.type === 'allow') {
      records.push({ ...base, decision: 'allow', by: decision.rule, reason: decision.reason, at: at() });
      continue;
    }

    // A person's decision counts; for a step that started before, only one given after it started. A refusal
    // recorded out of band (over HTTP) ends the step as a refusal at the prompt would, its note going to the planner.
    const personal = (decision: 'allow' | 'deny') =>
      ctx.recorded.find(
        (r) =>
          r.plan_id === ctx.plan.plan_id &&
          r.step_id === step.step_id &&
          r.decision === decision &&
          byPerson(r.by) &&
          (!startedBefore || r.at > startedBefore),
      );
    const refused = personal('deny');
    if (refused) {
      records.push({ ...base, decision: 'deny', by: refused.by, reason: refused.reason, at: at() });
      denied.push({
        step_id: step.step_id,
        tool: step.action,
        reason: refused.reason,
        ...(refused.note ? { note: refused.note } : {}),
      });
      continue;
    }
    const stored = personal('allow');
    if (stored || (toolScoped.has(step.action) && !startedBefore)) {
      records.push({
        ...base,
        decision: 'allow',
        by: stored ? stored.by : 'approved for this task at the prompt',
        reason: decision.reason,
        at: at(),
      });
      continue;
    }
    if (startedBefore ? ctx.yesGivenNow : ctx.yes) {
      records.push({ ...base, decision: 'allow', by: '--yes', reason: decision.reason, at: at() });
      continue;
    }
    if (ctx.approver && ctx.interactive) {
      const answer = await ctx.approver.ask({
        taskId: ctx.taskId,
        planId: ctx.plan.plan_id,
        stepId: step.step_id,
        tool: step.action,
        risk,
        inputs: step.inputs,
        action,
        ...(command ? { command } : {}),
        ...(ctx.provenance ? { provenance: ctx.provenance } : {}),
        reason: decision.reason,
        ...(assessment ? { assessment } : {}),
      });
      if (answer.decision === 'approve') {
        if (answer.scope === 'tool') {
          toolScoped.add(step.action);
          records.push({
            ...base,
            step_id: TOOL_SCOPE,
            decision: 'allow',
            by: 'user (this tool, rest of task)',
            reason: decision.reason,
            at: at(),
          });
        }
        records.push({ ...base, decision: 'allow', by: 'user', reason: decision.reason, at: at() });
        continue;
      }
      const reason = answer.note ? `denied by the user: ${answer.note}` : 'denied by the user';
      records.push({ ...base, decision: 'deny', by: 'user', reason, at: at() });
      denied.push({
        step_id: step.step_id,
        tool: step.action,
        reason,
        ...(answer.note ? { note: answer.note } : {}),
      });
      continue;
    }
    records.push({ ...base, decision: 'ask', by: decision.rule, reason: decision.reason, at: at() });
    pending.push({
      step_id: step.step_id,
      tool: step.action,
      risk,
      reason: decision.reason,
      action,
      ...(ctx.provenance ? { proposed_by: ctx.provenance } : {}),
    });
  }

  if (denied.length > 0) return { status: 'denied', records, denied };
  if (pending.length > 0) return { status: 'needs_approval', records, pending };
  return { status: 'approved', records };
}
