// Receptionist wiring: builds the real parts the loop works through (store, tools, templates, models, policy,
// reporters) for one command invocation.
import { resolve } from 'node:path';
import { lazyCodeIndexService } from '../code/lazy-service.js';
import { loadConfig } from '../config/load.js';
import { decomposerChain, templateDecomposer } from '../office/decompose.js';
import type { OfficeDeps } from '../office/orchestrate.js';
import { memoryPlanner, plannerChain, templatePlanner } from '../office/plan.js';
import type { Approver, Reporter } from '../office/ports.js';
import { tighten } from '../policy/gatekeeper.js';
import type { SandboxMode } from '../tools/sandbox.js';
import { type ApprovalMode, auditWriter, buildSafety, gatekeeper, redactingRouter } from './safety.js';
import { acceptedPhrasings } from '../office/templates.js';
import { createPlanMemory } from '../memory/plan-memory.js';
import { createModelRouter } from '../models/router.js';
import { offlineRouter } from '../models/types.js';
import { createModelFeed } from '../office/model-feed.js';
import {
  type ModelRoleContext,
  modelDecomposer,
  modelPlanCheck,
  modelPlanner,
  modelReviewer,
} from '../office/model-roles.js';
import type { OfficeConfig } from '../schemas/config.js';
import type { TaskStore } from '../store/task-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { officeEnv } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { queueUrlSchema, storeUrlSchema } from '../schemas/backends.js';
import { openState } from '../store/open-state.js';
import { loadPrompts, loadTemplates } from '../templates/load.js';
import { openTools } from '../tools/open-tools.js';
import { workspaceRoot } from './workspace-root.js';

export interface Workspace {
  readonly root: string;
  /** The configuration, with `store` and `queue` as resolved from flags, environment and file. */
  readonly config: OfficeConfig;
  readonly store: TaskStore;
  readonly audit: AuditLog;
  /** Ends the connections a PostgreSQL store holds (nothing to do for files). */
  close(): Promise<void>;
}

/** --store and --queue, which override OFFICE_STORE and OFFICE_QUEUE, which override the config file. */
export interface BackendFlags {
  readonly store?: string;
  readonly queue?: string;
  /** Told when a lease this process holds on a task is taken over (PostgreSQL store). */
  readonly onLeaseLost?: (taskId: string) => void;
}

/** The store and queue URLs in force: flag, then environment, then config; each checked like the config field. */
export function resolveBackends(
  config: OfficeConfig,
  flags: BackendFlags,
  env: Readonly<Record<string, string | undefined>> = officeEnv(),
): { store: string; queue: string | undefined } {
  const pick = (flag: string | undefined, name: string, configured: string | undefined) =>
    flag !== undefined
      ? { value: flag, from: `--${name}` }
      : env[`OFFICE_${name.toUpperCase()}`] !== undefined && env[`OFFICE_${name.toUpperCase()}`] !== ''
        ? { value: env[`OFFICE_${name.toUpperCase()}`], from: `OFFICE_${name.toUpperCase()}` }
        : { value: configured, from: `"${name}" in .office.config.json` };
  const store = pick(flags.store, 'store', config.store);
  const queue = pick(flags.queue, 'queue', config.queue);
  const storeOk = storeUrlSchema.safeParse(store.value);
  if (!storeOk.success)
    throw new ConfigError(`${store.from} takes "files" or a postgres://user:password@host:port/db URL`);
  if (queue.value !== undefined && !queueUrlSchema.safeParse(queue.value).success)
    throw new ConfigError(`${queue.from} takes a redis://host:port URL`);
  return { store: storeOk.data, queue: queue.value };
}

/** The workspace for a command: --dir if given (the home folder or `/` only when confirmed), else the nearest
 * ancestor of the current directory below the home folder with .git or .office.config.json, else with .office/,
 * else the current directory. */
export async function openWorkspace(dir: string | undefined, flags: BackendFlags = {}): Promise<Workspace> {
  const root = await workspaceRoot(dir);
  const { config: loaded } = await loadConfig(root);
  const { store, queue } = resolveBackends(loaded, flags);
  const config: OfficeConfig = { ...loaded, store, ...(queue !== undefined ? { queue } : {}) };
  const state = await openState(root, {
    url: store,
    leaseMs: config.worker.leaseMs,
    ...(flags.onLeaseLost ? { onLeaseLost: flags.onLeaseLost } : {}),
  });
  return { root, config, store: state.store, audit: state.audit, close: state.close };
}

export interface LoopOptions {
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly interactive: boolean;
  readonly onWarning: (message: string) => void;
  /** --offline: no model at all. */
  readonly offline?: boolean;
  /** --model TIER=PROVIDER:MODEL values. */
  readonly modelOverrides?: readonly string[];
  readonly recordResponses?: string;
  readonly replayResponses?: string;
  /** Tokens and dollars a resumed task spent already, so its budget holds across runs. */
  readonly spent?: Readonly<Record<string, { tokens: number; usd: number }>>;
  /** --approval: overrides the configured approval mode for this run. */
  readonly approvalMode?: ApprovalMode;
  /** --sandbox: overrides the configured sandbox mode for this run. */
  readonly sandboxMode?: SandboxMode;
  /** The person answering `ask` decisions (the terminal UI); absent off a TTY. */
  readonly approver?: Approver;
}

/** The parts of a run, and `close`, which stops what they started (the configured MCP servers). */
export type RunDeps = OfficeDeps & { close(): Promise<void> };

export async function buildDeps(ws: Workspace, options: LoopOptions): Promise<RunDeps> {
  // Templates first: a broken template stops the run before any MCP server is started.
  const templates = await loadTemplates(ws.root, ws.config.templates);
  const tools = await openTools({ workspace: ws.root, config: ws.config });
  for (const p of tools.problems) options.onWarning(`plugin problem: ${p}`);
  for (const p of tools.mcpProblems) options.onWarning(p);
  try {
    return { ...(await wireDeps(ws, options, tools.registry, templates)), close: tools.close };
  } catch (err) {
    await tools.close();
    throw err;
  }
}

export async function wireDeps(
  ws: Workspace,
  options: LoopOptions,
  registry: OfficeDeps['tools'],
  templates: Awaited<ReturnType<typeof loadTemplates>>,
): Promise<OfficeDeps> {
  const safety = await buildSafety({
    workspace: ws.root,
    config: ws.config,
    ...(options.approvalMode ? { approvalMode: options.approvalMode } : {}),
    ...(options.sandboxMode ? { sandboxMode: options.sandboxMode } : {}),
  });
  const feed = createModelFeed();
  const router = options.offline
    ? offlineRouter
    : redactingRouter(
        createModelRouter({
          config: ws.config,
          workspace: ws.root,
          onCall: (call) => feed.publish({ type: 'call', call }),
          ...(options.modelOverrides ? { modelOverrides: options.modelOverrides } : {}),
          ...(options.recordResponses ? { recordResponsesTo: resolve(options.recordResponses) } : {}),
          ...(options.replayResponses ? { replayResponsesFrom: resolve(options.replayResponses) } : {}),
          ...(options.spent ? { spentByTask: options.spent } : {}),
        }),
      );
  const assess = gatekeeper(router);
  const roles: ModelRoleContext = {
    router,
    prompts: await loadPrompts(),
    tools: registry,
    feed,
    budgetTokens: ws.config.models.promptBudgetTokens,
    now: () => new Date(),
  };
  return {
    workspace: ws.root,
    config: ws.config,
    store: ws.store,
    tools: registry,
    reporter: options.reporter,
    decompose: decomposerChain([templateDecomposer(templates), modelDecomposer(roles)]),
    plan: plannerChain([
      templatePlanner(templates, () => new Date()),
      memoryPlanner(() => new Date()),
      modelPlanner(roles),
    ]),
    ...(router.enabled
      ? { checkPlan: modelPlanCheck(roles, ws.config.models.validateTimeoutMs), review: modelReviewer(roles) }
      : {}),
    feed,
    ...(ws.config.memory.enabled
      ? {
          memory: createPlanMemory({
            workspace: ws.root,
            router,
            topK: ws.config.memory.topK,
            onWarning: options.onWarning,
          }),
        }
      : {}),
    policy: safety.policy,
    gatekeeper: async (request, step, decision) => {
      const assessment = await assess({ ...request, ...step });
      return {
        decision: tighten(decision, assessment),
        ...(assessment ? { assessment: `${assessment.level} risk: ${assessment.reason}` } : {}),
      };
    },
    audit: auditWriter(ws.audit),
    ...(options.approver ? { approver: options.approver } : {}),
    interactive: options.interactive,
    services: {
      models: router,
      code: lazyCodeIndexService({
        exclude: ws.config.code.exclude,
        maxFileBytes: ws.config.code.maxFileBytes,
        indexMinified: ws.config.code.indexMinified,
        maxDepth: ws.config.code.maxDepth,
      }),
      sandbox: safety.sandbox,
    },
    signal: options.signal,
    phrasings: acceptedPhrasings(templates),
  };
}
