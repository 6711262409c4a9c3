// Office Manager in-process, wired as the CLI wires it: feedback reaches the next plan, finished tasks stay finished.
// One suite, run against each state backend: the files under .office/ and PostgreSQL.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDeps, openWorkspace, type Workspace } from '../../src/cli/wiring.js';
import type { LoopEvent } from '../../src/office/events.js';
import { newTaskDocument, type OfficeDeps, runTask } from '../../src/office/orchestrate.js';
import type { PlanRequest } from '../../src/office/plan.js';
import type { Plan } from '../../src/schemas/plan.js';
import { stateBackends } from '../helpers/backends.js';
import { installFixtures, linesOf, makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

describe.each(stateBackends())('the loop on the $name store', (backend) => {
  let ws: TempWorkspace;
  let workspace: Workspace;
  let events: LoopEvent[];

  beforeAll(async () => {
    if (!backend.options.skip) await backend.start();
  });
  afterAll(async () => {
    await backend.stop();
  });
  beforeEach(async () => {
    if (backend.options.skip) return;
    ws = await makeWorkspace();
    await ws.write('src/a.ts', '// TODO a\n');
    await installFixtures(ws, { maxIterations: 3 });
    workspace = await openWorkspace(ws.root, { store: await backend.freshStore() });
    events = [];
  });
  afterEach(async () => {
    if (backend.options.skip) return;
    await workspace.close();
    await ws.cleanup();
  });

  async function deps(): Promise<OfficeDeps> {
    return buildDeps(workspace, {
      reporter: { emit: (e) => events.push(e) },
      signal: new AbortController().signal,
      interactive: false,
      onWarning: (m) => {
        throw new Error(`unexpected warning: ${m}`);
      },
    });
  }

  async function newTask(id: string, request: string): Promise<void> {
    await workspace.store.create(newTaskDocument(id, request, ws.root, {}, new Date()));
  }

  describe('runTask', backend.options, () => {
    it('runs a task to succeeded and records every transition as an event', async () => {
      await newTask('t-1', 'find TODO in src');
      const doc = await runTask(await deps(), 't-1');
      const stored = await workspace.store.read('t-1');
      expect(stored.status).toBe('succeeded');
      expect(doc.task_id).toBe('t-1');
      const types = stored.events.map((e) => e.type);
      expect(types[0]).toBe('task_started');
      expect(types.at(-1)).toBe('task_finished');
      expect(events.map((e) => e.type)).toEqual(types);
    });

    it('leaves a task that already succeeded as it is when run again: no step runs twice, nothing is added', async () => {
      await workspace.store.create(
        newTaskDocument('t-1', 'count to four', ws.root, { yes: true }, new Date()),
      );
      await runTask(await deps(), 't-1', { yes: true });
      const finished = await workspace.store.read('t-1');
      expect(finished.status).toBe('succeeded');
      expect(await linesOf(ws, 'count.log')).toEqual(['s1', 's2', 's3', 's4']);
      const emitted = events.length;

      const again = await runTask(await deps(), 't-1', { yes: true, yesGivenNow: true });
      expect(again).toEqual(finished);
      expect(await workspace.store.read('t-1')).toEqual(finished);
      expect(await linesOf(ws, 'count.log')).toEqual(['s1', 's2', 's3', 's4']);
      expect(events.slice(emitted)).toEqual([]);
    });

    it('hands the review feedback of each round to the next plan through the scratchpad', async () => {
      await newTask('t-1', 'ask the picky tool');
      const base = await deps();
      const seen: PlanRequest[] = [];
      // A planner that, like a model, plans differently each round (a template would plan the same way).
      const plan = async (req: PlanRequest) => {
        seen.push(req);
        const produced = await base.plan(req);
        const planned = produced?.plan as Plan;
        const steps = planned.steps.map((s) => ({ ...s, inputs: { topic: `round ${req.iteration}` } }));
        return { plan: { ...planned, steps }, source: 'model' as const, by: 'test planner' };
      };
      await runTask({ ...base, plan }, 't-1');
      expect(seen.map((r) => r.iteration)).toEqual([1, 2, 3]);
      expect(seen[0]?.scratchpad).toEqual([]);
      expect(seen[2]?.scratchpad).toHaveLength(2);
      expect(seen[2]?.scratchpad.every((n) => n.includes('lacks approved.flag'))).toBe(true);
      expect((await workspace.store.read('t-1')).status).toBe('dead_lettered');
    });

    it('ends a template plan that failed review after one round: a template plans the same way every round', async () => {
      await newTask('t-1', 'ask the picky tool');
      const base = await deps();
      let rounds = 0;
      const plan = (req: PlanRequest) => {
        rounds += 1;
        return base.plan(req);
      };
      await runTask({ ...base, plan }, 't-1');
      expect(rounds).toBe(1);
      const doc = await workspace.store.read('t-1');
      expect(doc.status).toBe('dead_lettered');
      expect(doc.error?.message).toContain('lacks approved.flag');
    });

    it('stops a task whose write step needs approval, and records what is waiting', async () => {
      await newTask('t-1', 'count once');
      await runTask(await deps(), 't-1');
      const doc = await workspace.store.read('t-1');
      expect(doc.status).toBe('needs_approval');
      expect(doc.approvals).toContainEqual(
        expect.objectContaining({ step_id: 'only', tool: 'count_step', decision: 'ask', risk: 'write' }),
      );
      expect(Object.keys(doc.steps)).toEqual([]);
    });
  });
});
