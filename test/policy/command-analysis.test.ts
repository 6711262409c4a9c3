// Command analysis: a command is judged by what will actually run — through env, nice, timeout, xargs, sudo,
// busybox, find -exec and the like — and code handed to an interpreter as a string is refused wherever it sits.
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/office/validate.js';
import type { ToolRegistry } from '../../src/office/ports.js';
import { analyzeCommand, programsRun } from '../../src/policy/command-analysis.js';
import type { ToolDefinition } from '../../src/tools/define-tool.js';
import { runCommand } from '../../tools/run-command.js';

/** argv that must be refused, and a word the reason must contain. */
const REFUSED: readonly [string, readonly string[], string][] = [
  ['sh -c', ['sh', '-c', 'id'], 'sh -c'],
  ['bash -lc (a cluster)', ['bash', '-lc', 'id'], 'bash -c'],
  ['bash -o errexit -c', ['bash', '-o', 'errexit', '-c', 'id'], 'bash -c'],
  ['/usr/bin/env bash -c', ['/usr/bin/env', 'bash', '-c', 'id'], 'env'],
  ['env sh -c', ['env', 'sh', '-c', 'id'], 'sh -c'],
  ['env -i PATH=/bin sh -c', ['env', '-i', 'PATH=/bin', 'sh', '-c', 'id'], 'sh -c'],
  ['env -u HOME -- sh -c', ['env', '-u', 'HOME', '--', 'sh', '-c', 'id'], 'sh -c'],
  ['env -S splits a command line', ['env', '-S', 'sh -c id'], 'env -S'],
  ['env LD_PRELOAD=', ['env', 'LD_PRELOAD=./evil.so', 'ls'], 'LD_PRELOAD'],
  [
    'env NODE_OPTIONS=--import data:',
    ['env', 'NODE_OPTIONS=--import data:text/javascript,1', 'node', 'a.js'],
    'NODE_OPTIONS',
  ],
  ['nice sh -c', ['nice', 'sh', '-c', 'id'], 'sh -c'],
  ['nice -n 10 sh -c', ['nice', '-n', '10', 'sh', '-c', 'id'], 'sh -c'],
  ['nice -5 bash -c', ['nice', '-5', 'bash', '-c', 'id'], 'bash -c'],
  ['nohup sh -c', ['nohup', 'sh', '-c', 'id'], 'sh -c'],
  ['timeout 5 sh -c', ['timeout', '5', 'sh', '-c', 'id'], 'sh -c'],
  ['timeout -k 1 -s KILL 5 sh -c', ['timeout', '-k', '1', '-s', 'KILL', '5', 'sh', '-c', 'id'], 'sh -c'],
  ['stdbuf -oL python3 -c', ['stdbuf', '-oL', 'python3', '-c', 'print(1)'], 'python3 -c'],
  ['xargs sh -c', ['xargs', 'sh', '-c', 'id'], 'sh -c'],
  ['xargs -n 1 -P 4 bash -c', ['xargs', '-n', '1', '-P', '4', 'bash', '-c', 'id'], 'bash -c'],
  ['xargs -a args.txt sh (flags from a file)', ['xargs', '-a', 'args.txt', 'sh'], 'from a file'],
  ['ionice -c 3 sh -c', ['ionice', '-c', '3', 'sh', '-c', 'id'], 'sh -c'],
  ['chrt -f 10 sh -c', ['chrt', '-f', '10', 'sh', '-c', 'id'], 'sh -c'],
  ['taskset -c 0 sh -c', ['taskset', '-c', '0', 'sh', '-c', 'id'], 'sh -c'],
  ['taskset 0x1 perl -e', ['taskset', '0x1', 'perl', '-e', 'system(1)'], 'perl -e'],
  ['setsid sh -c', ['setsid', 'sh', '-c', 'id'], 'sh -c'],
  ['sudo sh -c', ['sudo', 'sh', '-c', 'id'], 'sh -c'],
  ['sudo -u nobody bash -c', ['sudo', '-u', 'nobody', 'bash', '-c', 'id'], 'bash -c'],
  ['sudo -s runs a shell', ['sudo', '-s', 'id'], 'sudo -s'],
  ['doas sh -c', ['doas', 'sh', '-c', 'id'], 'sh -c'],
  ['busybox sh -c', ['busybox', 'sh', '-c', 'id'], 'sh -c'],
  ['busybox ash -c', ['busybox', 'ash', '-c', 'id'], 'ash -c'],
  ['find -exec sh -c', ['find', '.', '-exec', 'sh', '-c', 'id', ';'], 'sh -c'],
  [
    'find -execdir bash -c {} +',
    ['find', '.', '-name', '*.js', '-execdir', 'bash', '-c', 'id', '{}', '+'],
    'bash -c',
  ],
  ['find -exec env sh -c (nested)', ['find', '.', '-exec', 'env', 'sh', '-c', 'id', ';'], 'sh -c'],
  [
    'nice timeout 5 env sh -c (deep)',
    ['nice', 'timeout', '5', 'env', 'sh', '-c', 'id'],
    'nice → timeout → env',
  ],
  ['time python -c', ['time', 'python', '-c', '1'], 'python -c'],
  ['python -cCODE (attached)', ['python3', '-cimport os'], 'python3 -c'],
  ['python3.12 -c', ['python3.12', '-c', '1'], 'python3.12 -c'],
  ['node -e', ['node', '-e', '1'], 'node -e'],
  ['node --eval=', ['node', '--eval=1'], 'node --eval'],
  ['node -pe', ['node', '-pe', '1'], 'node -e'],
  ['node --import data:', ['node', '--import', 'data:text/javascript,1', 'a.js'], 'data:'],
  ['perl -ne', ['perl', '-ne', 'print'], 'perl -e'],
  ['ruby -e', ['ruby', '-e', 'system(1)'], 'ruby -e'],
  ['php -r', ['php', '-r', 'system(1);'], 'php -r'],
  ['awk program text', ['awk', 'BEGIN { system("id") }'], 'awk'],
  ['zsh -c', ['zsh', '-c', 'id'], 'zsh -c'],
  ['dash -c', ['dash', '-c', 'id'], 'dash -c'],
  ['./bash -c (any path)', ['./bin/bash', '-c', 'id'], 'bash -c'],
  ['watch runs through sh -c', ['watch', 'ls'], 'watch'],
  ['flock file -c', ['flock', 'x.lock', '-c', 'id'], 'flock'],
  ['su -c', ['su', 'root', '-c', 'id'], 'su'],
  ['git -c alias with !', ['git', '-c', 'alias.x=!id', 'x'], 'git'],
  ['git -c core.pager', ['git', '-c', 'core.pager=sh -c id', 'log'], 'core.pager'],
  ['ssh -o ProxyCommand', ['ssh', '-o', 'ProxyCommand=sh -c id', 'host'], 'ProxyCommand'],
  ['npx -c', ['npx', '-c', 'id'], 'npx -c'],
  ['a pipe word', ['cat', 'a', '|', 'sh'], 'shell operators (|)'],
  ['env -- -c (no program)', ['env', '--', '-c', 'id'], 'program name'],
];

/** argv that runs, and the programs that will run (wrappers included). */
const RUNS: readonly [string, readonly string[], readonly string[]][] = [
  ['a plain program', ['npm', 'test'], ['npm']],
  ['a shell running a script file', ['sh', 'scripts/build.sh'], ['sh']],
  ['python running a module', ['python3', '-m', 'pytest'], ['python3']],
  ['node running a file', ['node', 'scripts/check.js'], ['node']],
  ['env with assignments', ['env', 'CI=1', 'npm', 'test'], ['env', 'npm']],
  [
    'env NODE_OPTIONS with a heap size',
    ['env', 'NODE_OPTIONS=--max-old-space-size=4096', 'npm', 'test'],
    ['env', 'npm'],
  ],
  ['timeout with a duration', ['timeout', '60', 'npm', 'test'], ['timeout', 'npm']],
  ['nice -n', ['nice', '-n', '5', 'make'], ['nice', 'make']],
  ['sudo -u', ['sudo', '-u', 'nobody', 'ls'], ['sudo', 'ls']],
  ['xargs with no command runs echo', ['xargs'], ['xargs', 'echo']],
  ['busybox applet', ['busybox', 'ls', '-l'], ['busybox', 'ls']],
  [
    'find -exec a program, each run',
    ['find', '.', '-name', '*.tmp', '-exec', 'rm', '{}', ';', '-exec', 'touch', 'x', '+'],
    ['find', 'rm', 'touch'],
  ],
  ['ionice -p runs nothing new', ['ionice', '-p', '42'], ['ionice']],
  ['awk with a program file', ['awk', '-f', 'prog.awk', 'data.txt'], ['awk']],
  ['git with a harmless -c', ['git', '-c', 'user.name=x', 'commit'], ['git']],
];

describe('analyzeCommand', () => {
  it.each(REFUSED)('refuses %s', (_label, argv, word) => {
    const analysis = analyzeCommand(argv);
    expect(analysis.type).toBe('refused');
    if (analysis.type === 'refused') expect(analysis.reason).toContain(word);
  });

  it.each(RUNS)('runs %s', (_label, argv, programs) => {
    const analysis = analyzeCommand(argv);
    expect(analysis).toMatchObject({ type: 'runs' });
    if (analysis.type === 'runs') expect(programsRun(analysis)).toEqual(programs);
  });

  it('names the wrappers a refused command was hidden behind', () => {
    const analysis = analyzeCommand(['/usr/bin/env', 'nice', 'sh', '-c', 'id']);
    expect(analysis).toMatchObject({ type: 'refused', via: ['/usr/bin/env', 'nice'] });
  });
});

describe('the plan validator refuses wrapped inline code before anything runs', () => {
  const tools: ToolRegistry = {
    get: (name) => (name === 'run_command' ? (runCommand as unknown as ToolDefinition) : undefined),
    list: () => [runCommand as unknown as ToolDefinition],
  };
  const validate = (argv: readonly string[]) =>
    validatePlan(
      {
        plan_id: 'p1',
        task_id: 't1',
        metadata: {},
        steps: [{ step_id: 'run', action: 'run_command', inputs: { argv }, idempotency_key: 'k' }],
      },
      { taskId: 't1', tools, maxStepTimeoutSeconds: 600, checkPath: () => null },
    );

  it.each(REFUSED)('%s', (_label, argv) => {
    const outcome = validate(argv);
    expect(outcome.ok).toBe(false);
    expect(outcome.issues.map((i) => i.rule)).toContain('tool_check');
  });

  it.each(RUNS)('lets %s through', (_label, argv) => {
    expect(validate(argv).ok).toBe(true);
  });
});
