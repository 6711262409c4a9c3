// Inline code ("IT Security"): which programs take code as an argument string (`sh -c`, `python -c`, `node -e`, an
// awk program, a git alias) — the thing the argv form of run_command exists to keep out. Pure table and checks.

/** The name a program is known by: its basename, lower-cased, without `.exe`. */
export function programName(argv0: string): string {
  const base = argv0.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.toLowerCase().replace(/\.exe$/, '');
}

/** Short-option letters and long options (with or without `=value`) that make an interpreter run a string. */
interface InlineFlags {
  /** Letters that, inside a cluster of short options (`-xc`, `-cCODE`), mean "the code follows". */
  readonly letters: string;
  readonly long: readonly string[];
}

const SHELL: InlineFlags = { letters: 'c', long: ['--command', '--init-command'] };

/** Families of interpreters, matched on the program name. */
const INTERPRETERS: readonly { readonly names: RegExp; readonly flags: InlineFlags }[] = [
  {
    names: /^(?:sh|bash|dash|zsh|ksh|mksh|ash|yash|posh|fish|csh|tcsh|elvish|nu|xonsh|rbash)$/,
    flags: SHELL,
  },
  { names: /^(?:python|pypy)[0-9.]*$/, flags: { letters: 'c', long: [] } },
  { names: /^(?:node|nodejs|bun)$/, flags: { letters: 'ep', long: ['--eval', '--print'] } },
  { names: /^perl[0-9.]*$/, flags: { letters: 'eE', long: [] } },
  { names: /^ruby[0-9.]*$/, flags: { letters: 'e', long: [] } },
  { names: /^php[0-9.]*$/, flags: { letters: 'rBRE', long: ['--run', '--process-begin', '--process-code'] } },
  { names: /^(?:lua[0-9.]*|luajit)$/, flags: { letters: 'e', long: [] } },
  { names: /^(?:rscript|r)$/, flags: { letters: 'e', long: ['--expr'] } },
  { names: /^(?:osascript|expect)$/, flags: { letters: 'ec', long: [] } },
  { names: /^(?:vi|vim|nvim|ex|view)$/, flags: { letters: 'c', long: ['--cmd'] } },
  {
    names: /^(?:gdb)$/,
    flags: { letters: '', long: ['-ex', '-iex', '--eval-command', '--init-eval-command'] },
  },
  { names: /^(?:emacs)$/, flags: { letters: '', long: ['--eval', '-eval', '--execute'] } },
  { names: /^(?:make|gmake)$/, flags: { letters: 'E', long: ['--eval'] } },
  { names: /^(?:npx)$/, flags: { letters: 'c', long: ['--call'] } },
];

/** Node options whose value is a module to load: a `data:` or remote URL there is code written inline. */
const NODE_MODULE_OPTIONS = ['--import', '--require', '-r', '--loader', '--experimental-loader'];

/** git configuration keys whose value git runs as a command (through a shell). */
const GIT_COMMAND_KEYS =
  /^(?:core\.(?:pager|sshcommand|editor|fsmonitor|askpass|hookspath)|sequence\.editor|diff\.external|diff\..+\.(?:command|textconv)|filter\..+|merge\..+\.driver|credential\.helper|gpg\.(?:.+\.)?program|pager\..+|uploadpack\.packobjectshook|sendemail\.(?:smtpserver|tocmd|cccmd)|web\.browser|browser\..+\.cmd)$/;

/** ssh options whose value runs locally, through a shell. */
const SSH_COMMAND_OPTIONS = /^(?:proxycommand|localcommand|knownhostscommand|permitlocalcommand)\b/;

function flagFound(args: readonly string[], flags: InlineFlags): string | undefined {
  for (const arg of args) {
    const lower = arg.toLowerCase();
    const name = lower.split('=')[0] ?? lower;
    if (flags.long.includes(name)) return arg.split('=')[0];
    // A cluster of short options: the code letter anywhere in it (`-lc`, `-cx`, `-cprint(1)`, `-ne`).
    if (flags.letters && /^-[^-]/.test(arg)) {
      const cluster = arg.slice(1).split('=')[0] ?? '';
      const letter = [...flags.letters].find((l) => cluster.includes(l));
      if (letter) return `-${letter}`;
    }
  }
  return undefined;
}

function valueAfter(args: readonly string[], index: number, option: string): string | undefined {
  const arg = args[index] ?? '';
  if (arg.startsWith(`${option}=`)) return arg.slice(option.length + 1);
  if (arg === option) return args[index + 1];
  if (option.length === 2 && arg.startsWith(option) && arg.length > 2) return arg.slice(2);
  return undefined;
}

/**
 * Why `argv` (one program, already unwrapped) runs code given as a string, or undefined when it does not. Options
 * are looked for anywhere after the program: an interpreter that would take them as a script's arguments is
 * refused too, which costs a rare false alarm and closes `bash -o x -c …`-style gaps.
 */
export function inlineCodeReason(argv: readonly string[]): string | undefined {
  const program = programName(argv[0] ?? '');
  const args = argv.slice(1);
  const code = (flag: string) =>
    `runs code given as a string (${program} ${flag} …); give the program and its arguments as argv, or run a script file that is in the workspace`;

  if (program === 'cmd') {
    const flag = args.find((a) => /^\/[ck]$/i.test(a));
    return flag ? code(flag) : undefined;
  }
  if (program === 'pwsh' || program === 'powershell') {
    // PowerShell accepts any unambiguous prefix of -Command and -EncodedCommand, in any case.
    const flag = args.find((a) => /^-(?:c|e|ec)[a-z]*$/i.test(a) || /^-command/i.test(a));
    return flag ? code(flag) : undefined;
  }
  if (program === 'deno') return args.includes('eval') ? code('eval') : undefined;
  if (/^(?:g|m|n|busybox-)?awk$/.test(program)) {
    // The first operand of awk is its program, which can call system(); only `-f file` names a file instead.
    const fromFile = args.some((a) => a === '-f' || a.startsWith('--file') || /^-f./.test(a));
    return fromFile
      ? undefined
      : `runs an awk program given as a string (awk can run commands with system()); put the program in a file in the workspace and run ${program} -f <file>`;
  }
  if (program === 'git') {
    for (const [i, arg] of args.entries()) {
      const setting =
        arg === '-c' ? args[i + 1] : arg.startsWith('-c') && arg.length > 2 ? arg.slice(2) : undefined;
      if (setting === undefined) continue;
      const [key = '', ...rest] = setting.split('=');
      const value = rest.join('=');
      if (GIT_COMMAND_KEYS.test(key.toLowerCase()) || (/^alias\./i.test(key) && value.startsWith('!'))) {
        return `sets git's ${key} for this run (git -c), which git runs as a shell command; configure it in the repository instead, where a person can see it`;
      }
    }
    return undefined;
  }
  if (program === 'ssh' || program === 'scp' || program === 'sftp') {
    for (const i of args.keys()) {
      const option = valueAfter(args, i, '-o');
      if (option !== undefined && SSH_COMMAND_OPTIONS.test(option.toLowerCase())) {
        return `sets ${option.split(/[=\s]/)[0]} for ${program}, which runs a local command through a shell; put it in an ssh config file in the workspace instead`;
      }
    }
    return undefined;
  }
  if (program === 'npm') {
    const flag = flagFound(args, { letters: '', long: ['-c', '--call'] });
    return flag ? code(flag) : undefined;
  }
  if (program === 'node' || program === 'nodejs') {
    for (const i of args.keys()) {
      for (const option of NODE_MODULE_OPTIONS) {
        const value = valueAfter(args, i, option);
        if (value !== undefined && /^(?:data|https?):/i.test(value))
          return code(`${option} ${value.split(',')[0]}`);
      }
    }
  }
  const family = INTERPRETERS.find((f) => f.names.test(program));
  if (!family) return undefined;
  if (/^(?:vi|vim|nvim|ex|view)$/.test(program)) {
    const plus = args.find((a) => a.startsWith('+') && !/^\+\d*$/.test(a));
    if (plus) return code(plus);
  }
  const flag = flagFound(args, family.flags);
  return flag ? code(flag) : undefined;
}

/** Programs whose arguments can carry code (so arguments read from a file could make them run some). */
export function takesCodeInArguments(argv0: string): boolean {
  const program = programName(argv0);
  return (
    INTERPRETERS.some((f) => f.names.test(program)) ||
    /^(?:cmd|pwsh|powershell|deno|git|ssh|scp|sftp|npm|(?:g|m|n|busybox-)?awk)$/.test(program)
  );
}

/** Environment variables that make a program load or run code they name (set through `env` or `sudo`). */
export function codeInjectingAssignment(name: string, value: string): string | undefined {
  const upper = name.toUpperCase();
  const always = [
    'BASH_ENV',
    'ENV',
    'LD_PRELOAD',
    'LD_AUDIT',
    'PROMPT_COMMAND',
    'PS4',
    'GIT_SSH_COMMAND',
    'GIT_SSH',
    'GIT_PAGER',
    'GIT_EDITOR',
    'GIT_EXTERNAL_DIFF',
    'GIT_ASKPASS',
    'GIT_CONFIG_PARAMETERS',
    'SSH_ASKPASS',
    'PAGER',
    'MANPAGER',
    'EDITOR',
    'VISUAL',
  ];
  const why = `sets ${name}, which makes programs run the code or command it names; run the program without it`;
  if (value === '') return undefined;
  if (always.includes(upper) || /^GIT_CONFIG_(?:KEY|VALUE)_\d+$/.test(upper)) return why;
  if (
    upper === 'NODE_OPTIONS' &&
    /data:|https?:|--(?:require|import|loader|experimental-loader)|(?:^|\s)-r\b/.test(value)
  )
    return why;
  if (upper === 'PERL5OPT' && /-[mMd]/.test(value)) return why;
  return undefined;
}
