// Help is an answer, not an error: `office`, `office help`, `office help <cmd>` and a bare command group print help
// on stdout and exit 0; every subcommand says what it does; repeatable flags show no empty default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStrayOffices, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeAll(async () => {
  ws = await makeWorkspace();
});
afterAll(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice(args, { cwd: ws.root });

describe('help exits 0 on stdout', () => {
  it.each([
    ['office', [], 'Usage: office [options] [command]'],
    ['office help', ['help'], 'Usage: office [options] [command]'],
    ['office help trace', ['help', 'trace'], 'Usage: office trace [options] <from> <to>'],
    ['office help dlq', ['help', 'dlq'], 'Usage: office dlq [options] [command]'],
    ['office dlq', ['dlq'], 'Usage: office dlq [options] [command]'],
    ['office tools', ['tools'], 'Usage: office tools [options] [command]'],
    ['office config', ['config'], 'Usage: office config [options] [command]'],
  ])('%s', async (_label, args, usage) => {
    const run = await office(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(usage);
    expect(run.stderr).toBe('');
  });

  it('an unknown command is still a usage error (exit 2)', async () => {
    const run = await office(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});

describe('help text', () => {
  it.each([
    ['dlq', ['list', 'show', 'retry']],
    ['tools', ['list', 'show']],
  ])('every %s subcommand has a description', async (group, subcommands) => {
    const run = await office(['help', group]);
    for (const sub of subcommands) {
      const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith(`${sub} `));
      expect(line, `the line for ${group} ${sub}`).toBeDefined();
      // A subcommand without a description is listed as its name and arguments alone.
      expect(line!.trim().split(/\s{2,}/).length, line).toBeGreaterThan(1);
    }
  });

  it.each([['run'], ['resume']])('--model of %s shows no "(default: [])"', async (command) => {
    const run = await office(['help', command]);
    expect(run.stdout).toContain('--model');
    expect(run.stdout).not.toContain('(default: [])');
  });
});
