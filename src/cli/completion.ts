// Shell completion (Receptionist): bash, zsh and fish scripts generated from the commander program itself, so a
// new command or flag is completed as soon as it exists. Each script finds the command path typed so far (`dlq
// show`), then offers its subcommands, its options and the program's, or a value for the option before the cursor.
import type { Command, Option } from 'commander';

export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** What an option's value is, from the name of its argument: `--dir <dir>` completes folders, `<file>` files. */
type ValueKind = 'dir' | 'file' | 'value';

interface OptionSpec {
  readonly names: readonly string[];
  readonly description: string;
  readonly value?: ValueKind;
}

interface CommandSpec {
  /** Subcommand names from the root, space-separated ('' for the root). */
  readonly path: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionSpec[];
  /** Values a positional argument accepts (`office completion <shell>`). */
  readonly choices: readonly string[];
}

interface ProgramSpec {
  readonly name: string;
  readonly commands: readonly CommandSpec[];
  /** The program's own options, accepted after any subcommand too. */
  readonly global: readonly OptionSpec[];
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

function optionSpec(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  const takesValue = option.required || option.optional;
  const argument = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  const value: ValueKind | undefined = !takesValue
    ? undefined
    : /^dir/.test(argument)
      ? 'dir'
      : /file$/.test(argument)
        ? 'file'
        : 'value';
  return { names, description: firstLine(option.description), ...(value ? { value } : {}) };
}

/** The completion model of a commander program: every command path with its subcommands and options. */
export function programSpec(program: Command): ProgramSpec {
  const commands: CommandSpec[] = [];
  const rootHelp = program.createHelp();
  const isVersion = (o: Option) => o.long === '--version';
  const global = rootHelp
    .visibleOptions(program)
    .filter((o) => !isVersion(o) && o.long !== '--help')
    .map(optionSpec);
  const topNames = rootHelp
    .visibleCommands(program)
    .filter((c) => c.name() !== 'help')
    .map((c) => ({ name: c.name(), description: firstLine(c.summary() || c.description()) }));
  const visit = (command: Command, path: string): void => {
    const help = command.createHelp();
    const subcommands = help.visibleCommands(command);
    const local =
      path === ''
        ? help.visibleOptions(command).filter((o) => !global.some((g) => g.names.includes(o.long ?? '')))
        : help.visibleOptions(command);
    commands.push({
      path,
      subcommands: subcommands.map((c) => ({
        name: c.name(),
        description: firstLine(c.summary() || c.description()),
      })),
      options: local.map(optionSpec),
      choices: command.registeredArguments.flatMap((a) => a.argChoices ?? []),
    });
    for (const sub of subcommands) {
      const subPath = path === '' ? sub.name() : `${path} ${sub.name()}`;
      // `help` is commander's own command: it takes the names of the other commands.
      if (sub.name() === 'help' && sub.commands.length === 0) {
        commands.push({ path: subPath, subcommands: path === '' ? topNames : [], options: [], choices: [] });
      } else visit(sub, subPath);
    }
  };
  visit(program, '');
  return { name: program.name(), commands, global };
}

/** A word in single quotes, for bash, zsh and fish alike (fish also treats a backslash before ' or \ specially). */
function quoted(text: string, shell: CompletionShell): string {
  if (shell === 'fish') return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `case` arms (bash, zsh) naming the kind of each option that takes a value, under each command path. */
function valueKindCases(spec: ProgramSpec, shell: 'bash' | 'zsh'): string[] {
  const lines: string[] = [];
  const byKind = new Map<ValueKind, string[]>();
  const add = (kind: ValueKind, pattern: string) => byKind.set(kind, [...(byKind.get(kind) ?? []), pattern]);
  for (const option of spec.global) {
    if (option.value) for (const name of option.names) add(option.value, `*/${name}`);
  }
  for (const command of spec.commands) {
    for (const option of command.options) {
      if (option.value) for (const name of option.names) add(option.value, `${command.path}/${name}`);
    }
  }
  for (const [kind, patterns] of byKind) {
    const arm = patterns.map((p) =>
      p.startsWith('*/') ? `*/${quoted(p.slice(2), shell)}` : quoted(p, shell),
    );
    lines.push(`    ${arm.join('|')}) echo ${kind} ;;`);
  }
  return lines;
}

const header = (spec: ProgramSpec, shell: CompletionShell, install: string): string =>
  `# ${spec.name} completion for ${shell}, generated by \`${spec.name} completion ${shell}\` from its own commands.\n# ${install}\n`;

function bashScript(spec: ProgramSpec): string {
  const n = spec.name;
  const words = (list: readonly string[]) => quoted(list.join(' '), 'bash');
  const globalNames = spec.global.flatMap((o) => o.names);
  return `${header(spec, 'bash', `Load it with: source <(${n} completion bash)   (e.g. in ~/.bashrc)`)}
_${n}_commands() {
  case "$1" in
${spec.commands.map((c) => `    ${quoted(c.path, 'bash')}) echo ${words([...c.subcommands.map((s) => s.name), ...c.choices])} ;;`).join('\n')}
  esac
}

_${n}_options() {
  case "$1" in
${spec.commands.map((c) => `    ${quoted(c.path, 'bash')}) echo ${words(c.options.flatMap((o) => o.names))} ;;`).join('\n')}
  esac
}

_${n}_value_kind() {
  case "$1/$2" in
${valueKindCases(spec, 'bash').join('\n')}
  esac
}

_${n}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word kind skip="" i
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -n "$skip" ]]; then skip=""; continue; fi
    if [[ "$word" == -* ]]; then
      [[ "$word" != *=* && -n "$(_${n}_value_kind "$path" "$word")" ]] && skip=1
      continue
    fi
    if [[ " $(_${n}_commands "$path") " == *" $word "* ]]; then path="\${path:+$path }$word"; fi
  done
  if ((COMP_CWORD > 1)); then
    kind="$(_${n}_value_kind "$path" "\${COMP_WORDS[COMP_CWORD - 1]}")"
    case "$kind" in
      dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
      file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
      value) return ;;
    esac
  fi
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_${n}_options "$path") ${globalNames.join(' ')}" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$(_${n}_commands "$path")" -- "$cur")
  fi
}

complete -o default -F _${n} ${n}
`;
}

function zshScript(spec: ProgramSpec): string {
  const n = spec.name;
  const described = (name: string, description: string) =>
    quoted(`${name.replace(/:/g, '\\:')}:${description}`, 'zsh');
  const optionWords = (options: readonly OptionSpec[]) =>
    options.flatMap((o) => o.names.map((name) => described(name, o.description)));
  return `#compdef ${n}
${header(spec, 'zsh', `Load it with: source <(${n} completion zsh)   (in ~/.zshrc, after compinit), or save it as _${n} in your $fpath`)}
_${n}_commands() {
  case "$1" in
${spec.commands.map((c) => `    ${quoted(c.path, 'zsh')}) reply=(${[...c.subcommands.map((s) => described(s.name, s.description)), ...c.choices.map((choice) => described(choice, ''))].join(' ')}) ;;`).join('\n')}
    *) reply=() ;;
  esac
}

_${n}_options() {
  case "$1" in
${spec.commands.map((c) => `    ${quoted(c.path, 'zsh')}) reply=(${optionWords(c.options).join(' ')}) ;;`).join('\n')}
    *) reply=() ;;
  esac
  reply+=(${optionWords(spec.global).join(' ')})
}

_${n}_value_kind() {
  case "$1/$2" in
${valueKindCases(spec, 'zsh').join('\n')}
  esac
}

_${n}() {
  local path="" word kind skip="" i
  local -a reply
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    if [[ -n "$skip" ]]; then skip=""; continue; fi
    if [[ "$word" == -* ]]; then
      [[ "$word" != *=* && -n "$(_${n}_value_kind "$path" "$word")" ]] && skip=1
      continue
    fi
    _${n}_commands "$path"
    if (( \${reply[(I)\${word}:*]} )); then path="\${path:+$path }$word"; fi
  done
  if ((CURRENT > 2)); then
    kind="$(_${n}_value_kind "$path" "\${words[CURRENT - 1]}")"
    case "$kind" in
      dir) _files -/; return ;;
      file) _files; return ;;
      value) _message 'value'; return ;;
    esac
  fi
  local -a items
  if [[ "$PREFIX" == -* ]]; then
    _${n}_options "$path"
    items=("\${reply[@]}")
    _describe -t options 'option' items
  else
    _${n}_commands "$path"
    items=("\${reply[@]}")
    if ((\${#items})); then _describe -t commands 'command' items; else _files; fi
  fi
}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _${n} "$@"
else
  compdef _${n} ${n}
fi
`;
}

function fishScript(spec: ProgramSpec): string {
  const n = spec.name;
  const q = (text: string) => quoted(text, 'fish');
  const lines: string[] = [
    header(
      spec,
      'fish',
      `Load it with: ${n} completion fish | source   (or save it as ~/.config/fish/completions/${n}.fish)`,
    ),
    `function __${n}_value_kind`,
    '    switch "$argv[1]/$argv[2]"',
  ];
  const kinds = new Map<ValueKind, string[]>();
  const addKind = (kind: ValueKind, pattern: string) =>
    kinds.set(kind, [...(kinds.get(kind) ?? []), pattern]);
  for (const o of spec.global) if (o.value) for (const name of o.names) addKind(o.value, `*/${name}`);
  for (const c of spec.commands) {
    for (const o of c.options) if (o.value) for (const name of o.names) addKind(o.value, `${c.path}/${name}`);
  }
  for (const [kind, patterns] of kinds) {
    lines.push(
      `        case ${patterns.map((p) => (p.startsWith('*/') ? `'*/'${q(p.slice(2))}` : q(p))).join(' ')}`,
    );
    lines.push(`            echo ${kind}`);
  }
  lines.push('    end', 'end', '');
  lines.push(
    `function __${n}_subcommands`,
    '    switch "$argv[1]"',
    ...spec.commands.flatMap((c) => [
      `        case ${q(c.path)}`,
      `            printf '%s\\n' ${[...c.subcommands.map((s) => s.name), ...c.choices].map(q).join(' ')}`,
    ]),
    '    end',
    'end',
    '',
    '# The subcommands typed so far, e.g. "dlq show".',
    `function __${n}_path`,
    '    set -l words (commandline -opc)',
    '    set -e words[1]',
    '    set -l path',
    '    set -l skip 0',
    '    for word in $words',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    "        if string match -q -- '-*' $word",
    `            set -l kind (__${n}_value_kind (string join ' ' $path) $word)`,
    '            if not string match -q -- \'*=*\' $word; and test -n "$kind"',
    '                set skip 1',
    '            end',
    '            continue',
    '        end',
    `        if contains -- $word (__${n}_subcommands (string join ' ' $path))`,
    '            set -a path $word',
    '        end',
    '    end',
    "    string join ' ' $path",
    'end',
    '',
    `function __${n}_at`,
    `    set -l path (__${n}_path)`,
    '    test "$path" = "$argv[1]"',
    'end',
    '',
    `complete -c ${n} -f`,
  );
  const optionLine = (o: OptionSpec, condition?: string): string => {
    const parts = [`complete -c ${n}`];
    if (condition !== undefined) parts.push(`-n ${q(`__${n}_at ${q(condition)}`)}`);
    for (const name of o.names)
      parts.push(name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`);
    if (o.value === 'dir') parts.push(`-r -a ${q('(__fish_complete_directories (commandline -ct))')}`);
    else if (o.value === 'file') parts.push('-r -F');
    else if (o.value === 'value') parts.push('-r');
    if (o.description) parts.push(`-d ${q(o.description)}`);
    return parts.join(' ');
  };
  for (const o of spec.global) lines.push(optionLine(o));
  for (const c of spec.commands) {
    const condition = `__${n}_at ${q(c.path)}`;
    for (const s of c.subcommands) {
      lines.push(
        `complete -c ${n} -n ${q(condition)} -a ${q(s.name)}${s.description ? ` -d ${q(s.description)}` : ''}`,
      );
    }
    if (c.choices.length > 0) lines.push(`complete -c ${n} -n ${q(condition)} -a ${q(c.choices.join(' '))}`);
    for (const o of c.options) lines.push(optionLine(o, c.path));
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`, from the commands and options `program` has now. */
export function completionScript(program: Command, shell: CompletionShell): string {
  const spec = programSpec(program);
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}
