// `office completion bash|zsh|fish`: scripts the shells load, generated from the program's own commands, so that
// every command and flag office has is completed (and none it does not have).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officeEnv } from '../helpers/clean-env.js';
import { requires } from '../helpers/skip.js';
import { BIN, killStrayOffices, makeWorkspace, runOffice, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let scripts: Record<'bash' | 'zsh' | 'fish', string>;
beforeAll(async () => {
  ws = await makeWorkspace();
  const script = async (shell: string) => {
    const run = await runOffice(['completion', shell], { cwd: ws.root });
    expect(run.code, run.stderr).toBe(0);
    return ws.write(`office.${shell}`, run.stdout);
  };
  scripts = { bash: await script('bash'), zsh: await script('zsh'), fish: await script('fish') };
});
afterAll(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

function has(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a shell script in the tests' clean environment, its home a temp folder (fish writes its state there); stdout. */
function shell(program: string, args: readonly string[]): string {
  const home = ws.path('home');
  const env = { ...officeEnv(), HOME: home, XDG_DATA_HOME: `${home}/.local/share` };
  return execFileSync(program, args, { cwd: ws.root, env, encoding: 'utf8' });
}

/** The top-level commands as `office --help` lists them. */
async function helpCommands(): Promise<string[]> {
  const help = await runOffice(['--help'], { cwd: ws.root });
  const section = help.stdout.split('Commands:\n')[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('bash', () => {
  it('can be sourced, and registers a completion for office', () => {
    const out = shell('bash', [
      '-c',
      `source <('${process.execPath}' '${BIN}' completion bash) && complete -p office`,
    ]);
    expect(out.trim()).toBe('complete -o default -F _office office');
  });

  /** What bash offers for the words typed (the last one being completed). */
  function complete(...words: string[]): string[] {
    const line = words.map((w) => `'${w}'`).join(' ');
    const out = shell('bash', [
      '-c',
      `source '${scripts.bash}'; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _office; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ]);
    return out.split('\n').filter((l) => l !== '');
  }

  it('completes every command office --help lists, and subcommands of a group', async () => {
    const commands = await helpCommands();
    expect(commands).toContain('trace');
    expect(commands).toContain('completion');
    expect(complete('office', '')).toEqual(expect.arrayContaining(commands));
    expect(complete('office', 'tr')).toEqual(['trace']);
    expect(complete('office', 'dlq', '')).toEqual(['list', 'show', 'retry']);
    expect(complete('office', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it("completes a command's options and the global ones, after the options already typed", () => {
    expect(complete('office', 'trace', '--f')).toEqual(['--format']);
    expect(complete('office', 'trace', 'a', 'b', '--ex')).toEqual(['--exclude']);
    expect(complete('office', 'config', 'show', '--o')).toEqual(['--origin']);
    expect(complete('office', '-C', ws.root, 'trace', '-')).toEqual(
      expect.arrayContaining(['-q', '--quiet', '--no-color', '--max-paths']),
    );
    expect(complete('office', 'run', '-')).toEqual(expect.arrayContaining(['-m', '--model', '-C', '--cd']));
  });

  it('completes folders after -C and --dir, and nothing made up after a value flag', async () => {
    await ws.write('web/app.ts', '');
    expect(complete('office', '-C', 'we')).toEqual(['web']);
    expect(complete('office', 'trace', '--dir', 'we')).toEqual(['web']);
    expect(complete('office', 'trace', '--format', '')).toEqual([]);
    // The value of an option is not taken for a command: `--dir dlq` leaves the path at `trace`.
    expect(complete('office', 'trace', '--dir', 'dlq', '--f')).toEqual(['--format']);
  });
});

describe('zsh', () => {
  it(
    'can be sourced after compinit, and registers _office for office',
    requires(has('zsh'), 'zsh is not installed'),
    () => {
      const out = shell('zsh', [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D && source '${scripts.zsh}' && print -r -- $_comps[office]`,
      ]);
      expect(out.trim()).toBe('_office');
    },
  );

  it(
    'offers the subcommands of a group and the options of a command',
    requires(has('zsh'), 'zsh is not installed'),
    () => {
      // zsh's own matching is replaced by a stub that prints the candidates office hands it.
      const complete = (...words: string[]) =>
        shell('zsh', [
          '-f',
          '-c',
          `compdef() { :; }; source '${scripts.zsh}'; _describe() { shift 3; print -rl -- "\${(@P)1}"; }
         words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=\${#words}; PREFIX="\${words[CURRENT]}"; _office`,
        ])
          .split('\n')
          .filter((l) => l !== '');
      expect(complete('office', 'dlq', '')).toEqual([
        'list:the dead-lettered tasks, newest first, with the reason each was given up',
        'show:why a task was dead-lettered: the reason and the feedback of each round',
        'retry:run a dead-lettered task again, with a fresh allowance of REVISE rounds',
      ]);
      const options = complete('office', 'trace', '-').map((l) => l.split(':')[0]);
      expect(options).toEqual(expect.arrayContaining(['--format', '--exclude', '-q', '--quiet', '-C']));
      expect(options).not.toContain('--origin');
    },
  );
});

describe('fish', () => {
  const fish = (commandLine: string) =>
    shell('fish', ['--no-config', '-c', `source '${scripts.fish}'; complete -C '${commandLine}'`])
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0]);

  it(
    'completes commands, subcommands and options',
    requires(has('fish'), 'fish is not installed'),
    async () => {
      expect(fish('office tr')).toEqual(['trace']);
      expect(fish('office dlq ').sort()).toEqual(['list', 'retry', 'show']);
      expect(fish('office trace --f')).toEqual(['--format']);
      expect(fish('office completion ').sort()).toEqual(['bash', 'fish', 'zsh']);
      expect(fish('office dlq show --')).toEqual(
        expect.arrayContaining(['--dir', '--json', '--quiet', '--cd']),
      );
    },
  );
});
