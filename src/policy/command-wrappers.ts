// Command wrappers ("IT Security"): programs that run another program named in their arguments (`env`, `nice`,
// `timeout 5`, `xargs`, `sudo`, `busybox`, `find -exec`, …), described as data, and where their command starts.

/** How one wrapper's own options and operands are laid out before the command it runs. */
interface WrapperSpec {
  /** Short option letters that take a value (attached, `-n10`, or as the next argument). */
  readonly shortWithValue?: string;
  /** Long options that take a value (`--signal=TERM` or `--signal TERM`). */
  readonly longWithValue?: readonly string[];
  /** Operands between the options and the command (the duration of `timeout`, the priority of `chrt`). */
  readonly operands?: number;
  /** `NAME=value` words before the command set its environment (`env`, `sudo`). */
  readonly assignments?: boolean;
  /** Short option letters, or long options, after which no command runs (`ionice -p PID`, `sudo -l`). */
  readonly noCommand?: { readonly short?: string; readonly long?: readonly string[] };
  /** Options that make the wrapper run its arguments through a shell, or run something the environment chooses. */
  readonly refuse?: { readonly short?: string; readonly long?: readonly string[]; readonly why: string };
  /** `-5` is an option (nice). */
  readonly numericOptions?: boolean;
  /** The command is the first argument, whatever it looks like (`busybox sh`, `toybox`). */
  readonly multiCall?: boolean;
  /** Without a command, the wrapper runs this program (`xargs` runs echo). */
  readonly defaultCommand?: readonly string[];
  /** Options that take arguments from a file: an interpreter's flags could hide there (`xargs -a`). */
  readonly argumentsFromFile?: { readonly short?: string; readonly long?: readonly string[] };
}

const SHELL_WHY = 'runs its command through a shell';

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  env: {
    shortWithValue: 'uCPa',
    longWithValue: ['--unset', '--chdir', '--argv0'],
    assignments: true,
    refuse: {
      short: 'S',
      long: ['--split-string'],
      why: 'splits one argument into a command line (env -S), which hides words from the argv check',
    },
  },
  nice: { shortWithValue: 'n', longWithValue: ['--adjustment'], numericOptions: true },
  nohup: {},
  timeout: { shortWithValue: 'ks', longWithValue: ['--kill-after', '--signal'], operands: 1 },
  stdbuf: { shortWithValue: 'ioe', longWithValue: ['--input', '--output', '--error'] },
  xargs: {
    shortWithValue: 'adEILnPs',
    longWithValue: [
      '--arg-file',
      '--delimiter',
      '--max-lines',
      '--max-args',
      '--max-procs',
      '--max-chars',
      '--process-slot-var',
    ],
    defaultCommand: ['echo'],
    argumentsFromFile: { short: 'a', long: ['--arg-file'] },
  },
  ionice: {
    shortWithValue: 'cnpPu',
    longWithValue: ['--class', '--classdata', '--pid', '--pgid', '--uid'],
    noCommand: { short: 'pPu', long: ['--pid', '--pgid', '--uid'] },
  },
  chrt: {
    shortWithValue: 'TPD',
    longWithValue: ['--sched-runtime', '--sched-period', '--sched-deadline'],
    operands: 1,
    noCommand: { short: 'pm', long: ['--pid', '--max'] },
  },
  taskset: { operands: 1, noCommand: { short: 'p', long: ['--pid'] } },
  setsid: {},
  time: { shortWithValue: 'fo', longWithValue: ['--format', '--output'] },
  command: { noCommand: { short: 'vV' } },
  flock: {
    shortWithValue: 'wE',
    longWithValue: ['--timeout', '--conflict-exit-code'],
    operands: 1,
    refuse: { short: 'c', long: ['--command'], why: SHELL_WHY },
  },
  chroot: { longWithValue: ['--userspec', '--groups'], operands: 1 },
  strace: { shortWithValue: 'eoPpsuaEIOSXb', noCommand: { short: 'p' } },
  ltrace: { shortWithValue: 'eoapnsuAlLxw', noCommand: { short: 'p' } },
  sudo: {
    shortWithValue: 'CDghpRrTtUu',
    longWithValue: [
      '--close-from',
      '--chdir',
      '--group',
      '--host',
      '--prompt',
      '--chroot',
      '--role',
      '--type',
      '--command-timeout',
      '--other-user',
      '--user',
    ],
    assignments: true,
    noCommand: {
      short: 'lvkKV',
      long: ['--list', '--validate', '--reset-timestamp', '--remove-timestamp', '--version'],
    },
    refuse: {
      short: 'sie',
      long: ['--shell', '--login', '--edit'],
      why: 'runs a shell or an editor chosen by the environment (sudo -s, -i, -e)',
    },
  },
  doas: {
    shortWithValue: 'uC',
    noCommand: { short: 'L' },
    refuse: { short: 's', why: 'runs a shell (doas -s)' },
  },
  busybox: { multiCall: true },
  toybox: { multiCall: true },
  watch: {
    shortWithValue: 'nq',
    longWithValue: ['--interval', '--equexit', '--differences'],
    // Without -x, watch joins its arguments into a string for `sh -c`.
    refuse: { why: SHELL_WHY },
  },
};

/** Programs refused whatever their arguments: they run their commands through a shell. */
export const SHELL_RUNNERS: Readonly<Record<string, string>> = {
  su: 'starts a shell for another user; run the program directly',
  runuser: 'starts a shell for another user; run the program directly',
  script: 'runs a shell (or its -c command through one); run the program directly',
  parallel: 'GNU parallel runs its commands through a shell; run one program per step',
};

export type Unwrapped =
  /** The wrapper runs `command` (and its own options set `assignments` in the environment). */
  | {
      readonly type: 'command';
      readonly command: readonly string[];
      readonly assignments: readonly { name: string; value: string }[];
      readonly argumentsFromFile: boolean;
    }
  /** The wrapper runs no command with these arguments (`ionice -p 42`, `sudo -l`). */
  | { readonly type: 'none' }
  | { readonly type: 'refused'; readonly reason: string };

function takesValue(spec: WrapperSpec, letter: string): boolean {
  return (spec.shortWithValue ?? '').includes(letter);
}

/** Where the command of `wrapper` (a WRAPPERS key) starts in `args` (its arguments), and what it sets. */
export function unwrap(wrapper: string, args: readonly string[]): Unwrapped {
  const spec = WRAPPERS[wrapper];
  if (!spec) return { type: 'none' };
  if (spec.multiCall) {
    const applet = args[0];
    return applet === undefined || applet.startsWith('-')
      ? { type: 'none' }
      : { type: 'command', command: args, assignments: [], argumentsFromFile: false };
  }
  const assignments: { name: string; value: string }[] = [];
  let fromFile = false;
  let exec = wrapper !== 'watch';
  let i = 0;
  const refuse = (option: string) => ({
    type: 'refused' as const,
    reason: `${wrapper} ${option} ${spec.refuse?.why ?? SHELL_WHY}`,
  });
  while (i < args.length) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i += 1;
      break;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) {
      const at = arg.indexOf('=');
      assignments.push({ name: arg.slice(0, at), value: arg.slice(at + 1) });
      i += 1;
      continue;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const name = arg.split('=')[0] ?? arg;
      if (spec.refuse?.long?.includes(name)) return refuse(name);
      if (spec.noCommand?.long?.includes(name)) return { type: 'none' };
      if (spec.argumentsFromFile?.long?.includes(name)) fromFile = true;
      if (wrapper === 'watch' && name === '--exec') exec = true;
      i += spec.longWithValue?.includes(name) && !arg.includes('=') ? 2 : 1;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      if (spec.numericOptions && /^-\d+$/.test(arg)) {
        i += 1;
        continue;
      }
      let consumedNext = false;
      for (let at = 1; at < arg.length; at++) {
        const letter = arg[at] ?? '';
        if (spec.refuse?.short?.includes(letter)) return refuse(`-${letter}`);
        if (spec.noCommand?.short?.includes(letter)) return { type: 'none' };
        if (spec.argumentsFromFile?.short?.includes(letter)) fromFile = true;
        if (wrapper === 'watch' && letter === 'x') exec = true;
        if (takesValue(spec, letter)) {
          consumedNext = at === arg.length - 1;
          break;
        }
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    break;
  }
  if (!exec) return refuse('(without -x)');
  i += spec.operands ?? 0;
  const command = args.slice(i);
  if (command.length === 0) {
    return spec.defaultCommand
      ? { type: 'command', command: spec.defaultCommand, assignments, argumentsFromFile: fromFile }
      : { type: 'none' };
  }
  return { type: 'command', command, assignments, argumentsFromFile: fromFile };
}

/** The commands `find` runs for each file (`-exec`, `-execdir`, `-ok`, `-okdir`, up to `;` or `{} +`). */
export function findExecs(args: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(args[i] ?? '')) continue;
    const command: string[] = [];
    let j = i + 1;
    for (; j < args.length; j++) {
      const word = args[j] ?? '';
      if (word === ';' || (word === '+' && args[j - 1] === '{}')) break;
      command.push(word);
    }
    if (command.length > 0) runs.push(command);
    i = j;
  }
  return runs;
}
