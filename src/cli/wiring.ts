// Receptionist wiring: builds the real parts the loop works through (store, tools, templates, models, policy,
// reporters) for one command invocation.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { lazyCodeIndexService } from '../code/lazy-service.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { readOnlyPolicy } from '../office/approve.js';
import { decomposerChain, templateDecomposer } from '../office/decompose.js';
import type { OfficeDeps } from '../office/orchestrate.js';
import { plannerChain, templatePlanner } from '../office/plan.js';
import type { Reporter } from '../office/ports.js';
import { acceptedPhrasings } from '../office/templates.js';
import { offlineRouter } from '../models/types.js';
import type { OfficeConfig } from '../schemas/config.js';
import { createTaskStore, type TaskStore } from '../store/task-store.js';
import { loadTemplates } from '../templates/load.js';
import { loadTools } from '../tools/registry.js';
import { findWorkspaceRoot } from '../util/workspace.js';

export interface Workspace {
  readonly root: string;
  readonly config: OfficeConfig;
  readonly store: TaskStore;
}

/** The workspace for a command: --dir if given, else the nearest ancestor of the current directory with
 * .office.config.json, .office/ or .git (else the current directory). */
export async function openWorkspace(dir: string | undefined): Promise<Workspace> {
  if (dir !== undefined && !existsSync(dir)) throw new UsageError(`--dir ${dir} does not exist`);
  const root = realpathSync(dir !== undefined ? resolve(dir) : findWorkspaceRoot(process.cwd()));
  const { config } = await loadConfig(root);
  return { root, config, store: createTaskStore(root) };
}

export interface LoopOptions {
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly interactive: boolean;
  readonly onWarning: (message: string) => void;
}

export async function buildDeps(ws: Workspace, options: LoopOptions): Promise<OfficeDeps> {
  const [{ registry, problems }, templates] = await Promise.all([
    loadTools({ workspace: ws.root, plugins: ws.config.plugins }),
    loadTemplates(ws.root, ws.config.templates),
  ]);
  for (const p of problems) options.onWarning(`plugin problem: ${p}`);
  return {
    workspace: ws.root,
    config: ws.config,
    store: ws.store,
    tools: registry,
    reporter: options.reporter,
    decompose: decomposerChain([templateDecomposer(templates)]),
    plan: plannerChain([templatePlanner(templates, () => new Date())]),
    policy: readOnlyPolicy,
    interactive: options.interactive,
    services: { models: offlineRouter, code: lazyCodeIndexService() },
    signal: options.signal,
    phrasings: acceptedPhrasings(templates),
  };
}
