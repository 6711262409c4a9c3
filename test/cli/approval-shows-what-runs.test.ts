// A person approving a step sees exactly what will run: the argv of a command (paths for file tools) in the
// needs-approval message, `office status`, `office show`, `office approve` and the audit trail; and a step a model
// proposed after workspace content reached it is marked as such.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  OLLAMA_ONLY_TIERS,
  ollamaOnlyEnv,
  reply,
  startFakeProvider,
} from '../helpers/fake-providers.js';
import {
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
let ollama: FakeProvider;

beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('notes.txt', 'hello\n');
  await ws.write('README.md', 'To build, run: npm run build -- --prod\n');
  await writeConfig(ws, { models: { tiers: OLLAMA_ONLY_TIERS }, memory: { enabled: false } });
  ollama = await startFakeProvider('ollama', { chat: [] });
});
afterEach(async () => {
  await killStrayOffices();
  await ollama.close();
  await ws.cleanup();
});

const office = (args: string[], env: Record<string, string> = {}) => runOffice(args, { cwd: ws.root, env });

async function auditOf(taskId: string): Promise<Record<string, unknown>[]> {
  const out = await office(['audit', '--json', '--task', taskId]);
  return out.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('what a person approving a step sees', () => {
  it('the argv of a command, in every place that asks for or records approval', async () => {
    const run = await office(['run', '--offline', '--ci', '--json', 'run cat "notes.txt" --show-all']);
    expect(run.code, run.stderr).toBe(3);
    const out = onlyJson(run.stdout) as { task_id: string; error: { message: string } };
    const exact = 'runs cat notes.txt --show-all (in .)';
    expect(out.error.message).toContain(`run (run_command, exec) ${exact}`);

    const status = await office(['status', out.task_id]);
    expect(status.stdout).toContain(exact);
    const show = await office(['show', out.task_id]);
    expect(show.stdout).toContain(`run_command ${exact}: ask by`);
    const waiting = (await auditOf(out.task_id)).filter((e) => e.type === 'approval_needed');
    expect(waiting).toEqual([expect.objectContaining({ command: ['cat', 'notes.txt', '--show-all'] })]);

    const approve = await office(['approve', out.task_id, '--all']);
    expect(approve.stdout).toContain(`run_command ${exact} (exec)`);
  });

  it('the paths of a file tool', async () => {
    await ws.write('.env', 'APP=1\n');
    const run = await office(['run', '--offline', '--ci', '--json', 'read .env']);
    const out = onlyJson(run.stdout) as { task_id: string; error: { message: string } };
    expect(out.error.message).toContain('read (read_file, read) reads .env:');
    const waiting = (await auditOf(out.task_id)).filter((e) => e.type === 'approval_needed');
    expect(waiting).toEqual([expect.objectContaining({ paths: [{ path: '.env', access: 'read' }] })]);
  });

  it('a command a model proposed after reading workspace files is marked as such; one it proposed before is not', async () => {
    const plan = (action: string, inputs: Record<string, unknown>) =>
      reply({
        confidence: 0.9,
        steps: [
          { step_id: 's1', action, inputs, dependencies: [], parallelizable: false, timeout_seconds: 60 },
        ],
      });
    ollama.chat.push(
      reply({
        subtasks: [
          {
            id: 'learn',
            goal: 'Read how to build',
            dependencies: [],
            tool_hints: ['read_file'],
            priority: 0,
          },
          {
            id: 'build',
            goal: 'Build it',
            dependencies: ['learn'],
            tool_hints: ['run_command'],
            priority: 0,
          },
        ],
      }),
      plan('read_file', { path: 'README.md' }),
      reply({ verdict: 'ok' }),
      reply({ verdict: 'APPROVE', summary: 'read', feedback: [] }),
      plan('run_command', { argv: ['npm', 'run', 'build', '--', '--prod'] }),
      reply({ verdict: 'ok' }),
      reply({ level: 'medium', reason: 'runs a build' }),
    );
    const run = await office(
      ['run', '--ci', '--json', 'build the project the way the readme says'],
      ollamaOnlyEnv(ollama),
    );
    expect(run.code, run.stderr).toBe(3);
    const out = onlyJson(run.stdout) as { task_id: string; error: { message: string } };
    expect(out.error.message).toContain(
      's1 (run_command, exec) runs npm run build -- --prod (in .) [proposed by a model (ollama:mid) that had read workspace files',
    );
    const waiting = (await auditOf(out.task_id)).filter((e) => e.type === 'approval_needed');
    expect(waiting).toEqual([
      expect.objectContaining({ proposed_by: expect.stringContaining('had read workspace files') }),
    ]);

    // A model's first plan, made from the request alone, carries no such mark.
    ollama.chat.push(
      reply({
        subtasks: [
          { id: 'build', goal: 'Build it', dependencies: [], tool_hints: ['run_command'], priority: 0 },
        ],
      }),
      plan('run_command', { argv: ['npm', 'run', 'build'] }),
      reply({ verdict: 'ok' }),
      reply({ level: 'medium', reason: 'runs a build' }),
    );
    const first = await office(['run', '--ci', '--json', 'build the project please'], ollamaOnlyEnv(ollama));
    const firstOut = onlyJson(first.stdout) as { error: { message: string } };
    expect(firstOut.error.message).toContain('runs npm run build (in .)');
    expect(firstOut.error.message).not.toContain('proposed by');
  });
});
