// `run_task` of `office mcp` ("Receptionist"): one request through the whole loop, as `office run --ci` would run
// it. Nobody is at a prompt, so a step that needs approval stops the task as needs_approval, with its argv.
import { quote } from 'shell-quote';
import type { z } from 'zod';
import type { ApprovalMode } from '../cli/safety.js';
import { taskResultJson } from '../cli/task-view.js';
import { buildDeps, type Workspace } from '../cli/wiring.js';
import { createTask, renderResult } from '../cli/commands/run.js';
import { pathView } from '../cli/path-view.js';
import { silentReporter } from '../cli/reporters.js';
import { runTask } from '../office/orchestrate.js';
import type { ToolRegistry } from '../office/ports.js';
import { askUnlessRead } from '../policy/front-door.js';
import type { PendingStep, RunTaskInput, RunTaskResult } from '../schemas/mcp.js';
import type { TaskDocument } from '../schemas/task.js';
import type { SandboxMode } from '../tools/sandbox.js';
import type { WarmCodeIndex } from './warm-index.js';

export interface RunTaskSettings {
  readonly ws: Workspace;
  readonly code: WarmCodeIndex;
  /** `office mcp --approval MODE`: only then may policy let a step other than a read run without a person. */
  readonly approvalMode?: ApprovalMode;
  readonly sandboxMode?: SandboxMode;
  readonly offline: boolean;
  /** Aborted when the server stops: running tasks end `interrupted`, their state saved for `office resume`. */
  readonly stopping: AbortSignal;
  /** Tasks running now, so that stopping waits for them to save their state. */
  readonly running: Set<Promise<unknown>>;
}

/**
 * The steps a task waits on: in each subtask waiting for approval, the steps of its current plan whose last
 * approval record says `ask`, with the argv a command tool would run. Pure: the stored task and the tools in.
 */
export function pendingSteps(doc: TaskDocument, tools: ToolRegistry): PendingStep[] {
  const pending: PendingStep[] = [];
  for (const [subtaskId, state] of Object.entries(doc.subtasks)) {
    if (state.status !== 'needs_approval' || !state.current_plan_id) continue;
    const plan = doc.plans.find(
      (p) => p.subtask_id === subtaskId && p.plan.plan_id === state.current_plan_id,
    );
    for (const step of plan?.plan.steps ?? []) {
      const last = doc.approvals
        .filter((a) => a.plan_id === plan?.plan.plan_id && a.step_id === step.step_id)
        .at(-1);
      if (last?.decision !== 'ask') continue;
      const tool = tools.get(step.action);
      const parsed = tool ? (tool.input as z.ZodType).safeParse(step.inputs) : undefined;
      const argv = tool?.command && parsed?.success ? [...tool.command(parsed.data)] : null;
      pending.push({
        step_id: step.step_id,
        tool: step.action,
        risk: last.risk,
        reason: last.reason,
        argv,
        inputs: step.inputs,
      });
    }
  }
  return pending;
}

export async function runTaskForAgent(
  settings: RunTaskSettings,
  input: RunTaskInput,
  cancelled: AbortSignal,
): Promise<{ result: RunTaskResult; text: string }> {
  const work = runTaskOnce(settings, input, AbortSignal.any([cancelled, settings.stopping]));
  settings.running.add(work);
  try {
    return await work;
  } finally {
    settings.running.delete(work);
  }
}

async function runTaskOnce(
  settings: RunTaskSettings,
  input: RunTaskInput,
  signal: AbortSignal,
): Promise<{ result: RunTaskResult; text: string }> {
  const { ws } = settings;
  const deps = await buildDeps(ws, {
    reporter: silentReporter,
    signal,
    interactive: false,
    // Warnings (a plugin or MCP server skipped) are for `office doctor`; the agent gets the task's outcome.
    onWarning: () => {},
    offline: settings.offline,
    ...(settings.approvalMode ? { approvalMode: settings.approvalMode } : {}),
    ...(settings.sandboxMode ? { sandboxMode: settings.sandboxMode } : {}),
  });
  try {
    const policy = deps.policy;
    const agentDeps = {
      ...deps,
      policy: settings.approvalMode
        ? policy
        : (request: Parameters<typeof policy>[0]) => askUnlessRead(policy(request), request),
      // The server's code index, kept warm across calls.
      services: { ...deps.services, code: settings.code },
    };
    const options = {
      yes: false,
      yesGivenNow: false,
      offline: settings.offline,
      ...(input.max_iterations ? { maxIterations: input.max_iterations } : {}),
    };
    const taskId = await createTask(ws, input.request, options);
    await runTask(agentDeps, taskId, options);
    const doc = await ws.store.read(taskId);
    const needs = pendingSteps(doc, deps.tools);
    const dir = ['--dir', ws.root];
    const result: RunTaskResult = {
      ...taskResultJson(doc),
      needs_approval: needs,
      approve_with:
        needs.length > 0
          ? [
              quote(['office', 'approve', taskId, '--all', ...dir]),
              quote(['office', 'resume', taskId, ...dir]),
            ]
          : [],
    };
    // Paths in the text as the workspace knows them: an MCP client has no current folder of the person's.
    const paths = pathView({ base: ws.root, cwd: ws.root, links: false });
    return { result, text: runTaskText(result, renderResult(doc, deps.tools, paths)) };
  } finally {
    await deps.close();
  }
}

/** The outcome for a person: status, what is waited on (with the command line) and how to go on. */
export function runTaskText(result: RunTaskResult, renderedResult: string | undefined): string {
  const lines = [`task ${result.task_id}: ${result.status} — ${JSON.stringify(result.request)}`];
  for (const step of result.needs_approval) {
    const what = step.argv ? quote(step.argv) : JSON.stringify(step.inputs);
    lines.push(
      `  needs approval: ${step.step_id} (${step.tool}, ${step.risk}): ${what}`,
      `    ${step.reason}`,
    );
  }
  if (result.approve_with.length > 0) lines.push(`approve and go on: ${result.approve_with.join(' && ')}`);
  else if (result.error) lines.push(result.error.message);
  if (renderedResult) lines.push(renderedResult);
  return lines.join('\n');
}
