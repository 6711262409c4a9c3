// A finished step's outcome is written before anything else — before the audit entries still being appended, before
// any report — so that office killed a moment later does not run the step again on resume.
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  killStrayOffices,
  linesOf,
  makeWorkspace,
  readTask,
  runOffice,
  startOffice,
  type TempWorkspace,
  taskIds,
  waitFor,
  writeConfig,
} from '../helpers/workspace.js';

/** A plugin step that waits for a file the test creates, then writes its label to gates.log. */
const GATE_PLUGIN = `import { access, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
export function officeTools({ defineTool, z }) {
  return [defineTool({
    name: 'gate_step',
    description: 'Waits until the workspace holds the file wait_for, then appends label to gates.log.',
    risk: 'read',
    input: z.strictObject({ label: z.string(), wait_for: z.string() }),
    async run(input, ctx) {
      while (!(await access(join(ctx.workspace, input.wait_for)).then(() => true, () => false))) {
        ctx.signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await appendFile(join(ctx.workspace, 'gates.log'), input.label + '\\n');
      return { label: input.label };
    },
  })];
}
`;

const GATE_TEMPLATE = {
  id: 'gates',
  description: 'Two parallel gate steps (test fixture for the order of writes).',
  rank: 5,
  phrasings: ['open the gates'],
  patterns: ['^open the gates$'],
  subtasks: [
    {
      id: 'gates',
      goal: 'Open the gates',
      steps: [
        { step_id: 'a', action: 'gate_step', inputs: { label: 'a', wait_for: 'go-a' }, parallelizable: true },
        { step_id: 'b', action: 'gate_step', inputs: { label: 'b', wait_for: 'go-b' }, parallelizable: true },
      ],
    },
  ],
};

let ws: TempWorkspace;
let releaseAudit: (() => Promise<void>) | undefined;

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('tools/gate.js', GATE_PLUGIN);
  await ws.write('templates/gates.json', JSON.stringify(GATE_TEMPLATE));
  await writeConfig(ws, {
    plugins: ['./tools/*.js'],
    templates: ['./templates'],
    memory: { enabled: false },
  });
});
afterEach(async () => {
  await releaseAudit?.().catch(() => undefined);
  releaseAudit = undefined;
  await killStrayOffices();
  await ws.cleanup();
});

async function stepStatus(id: string, step: string): Promise<string | undefined> {
  const doc = await readTask(ws, id).catch(() => undefined);
  return Object.values(doc?.steps ?? {}).find((s) => s.step_id === step)?.status;
}

describe('the outcome of a finished step', () => {
  it('is on disk while an audit entry is still waiting to be appended, so resume does not run it again', async () => {
    const office = startOffice(['run', '--offline', 'open the gates'], { cwd: ws.root });
    const id = await waitFor(async () => (await taskIds(ws))[0], 'the task');
    await waitFor(
      async () => (await stepStatus(id, 'a')) === 'started' && (await stepStatus(id, 'b')) === 'started',
      'both steps to start',
    );
    // The audit trail is busy (held by another office process, or a slow disk): appends wait for it.
    releaseAudit = await lockfile.lock(ws.path('.office/audit.jsonl'), { realpath: false });

    // Step a finishes: its audit entry now waits for the lock.
    await ws.write('go-a', '');
    await waitFor(async () => (await stepStatus(id, 'a')) === 'succeeded', 'step a to be stored');
    // Step b finishes: its outcome must be stored at once, not after the audit entry of step a.
    await ws.write('go-b', '');
    await waitFor(async () => (await linesOf(ws, 'gates.log')).includes('b'), 'step b to run');
    await waitFor(async () => (await stepStatus(id, 'b')) === 'succeeded', 'step b to be stored', 10_000);

    office.child.kill('SIGKILL');
    await office.done;
    await releaseAudit();
    releaseAudit = undefined;

    const resume = await runOffice(['resume', id], { cwd: ws.root });
    expect(resume.code, resume.stderr).toBe(0);
    expect((await linesOf(ws, 'gates.log')).sort()).toEqual(['a', 'b']);
  });
});
