// Command analysis ("IT Security"): what an argv will actually run — through wrappers such as `env`, `nice`,
// `timeout`, `xargs`, `sudo`, `busybox` or `find -exec` — and whether any of it is code given as a string.
// A pure decision: the validator refuses on it, and policy matches command allowlists against every program.
import { findExecs, SHELL_RUNNERS, unwrap, WRAPPERS } from './command-wrappers.js';
import {
  codeInjectingAssignment,
  inlineCodeReason,
  programName,
  takesCodeInArguments,
} from './inline-code.js';

/** One program that would run, with the wrappers it runs under (outermost first, each as written). */
export interface CommandRun {
  readonly argv: readonly string[];
  readonly via: readonly string[];
}

export type CommandAnalysis =
  | { readonly type: 'runs'; readonly runs: readonly CommandRun[] }
  | { readonly type: 'refused'; readonly reason: string; readonly via: readonly string[] };

/** Words a shell would treat as operators: here they would reach the program as plain arguments. */
const SHELL_OPERATORS = new Set([
  '|',
  '||',
  '&&',
  ';',
  ';;',
  '&',
  '>',
  '>>',
  '<',
  '<<',
  '>&',
  '<(',
  '(',
  ')',
  '|&',
]);

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** Deeper nesting than this (`env env env … sh`) is refused rather than followed forever. */
const MAX_DEPTH = 16;

/** A program whose arguments, read from a file, could make something run code (an interpreter or a wrapper). */
function takesCodeFromArguments(argv0: string): boolean {
  const program = programName(argv0);
  return takesCodeInArguments(argv0) || program in WRAPPERS || program === 'find' || program in SHELL_RUNNERS;
}

function refused(reason: string, via: readonly string[]): CommandAnalysis {
  const through = via.length > 0 ? ` (run through ${via.map(programName).join(' → ')})` : '';
  return { type: 'refused', reason: `${reason}${through}`, via };
}

function analyze(argv: readonly string[], via: readonly string[], depth: number): CommandAnalysis {
  const first = argv[0];
  if (first === undefined || first === '') return refused('names no program', via);
  if (depth > MAX_DEPTH) return refused(`nests more than ${MAX_DEPTH} wrapper programs`, via);
  if (first.startsWith('-')) {
    return refused(`leaves "${first}" where a program name should be, so it cannot be told what runs`, via);
  }
  const program = programName(first);
  const inline = inlineCodeReason(argv);
  if (inline) return refused(inline, via);
  const runner = SHELL_RUNNERS[program];
  if (runner) return refused(`${program} ${runner}`, via);

  if (program === 'find') {
    const runs: CommandRun[] = [{ argv, via }];
    for (const exec of findExecs(argv.slice(1))) {
      const inner = analyze(exec, [...via, first], depth + 1);
      if (inner.type === 'refused') return inner;
      runs.push(...inner.runs);
    }
    return { type: 'runs', runs };
  }
  if (!(program in WRAPPERS)) return { type: 'runs', runs: [{ argv, via }] };

  const unwrapped = unwrap(program, argv.slice(1));
  if (unwrapped.type === 'refused') return refused(unwrapped.reason, via);
  if (unwrapped.type === 'none') return { type: 'runs', runs: [{ argv, via }] };
  for (const { name, value } of unwrapped.assignments) {
    const why = codeInjectingAssignment(name, value);
    if (why) return refused(`${program} ${why}`, via);
  }
  if (unwrapped.argumentsFromFile && takesCodeFromArguments(unwrapped.command[0] ?? '')) {
    return refused(
      `${program} takes arguments for ${programName(unwrapped.command[0] ?? '')} from a file, where flags that run inline code could hide; pass them in argv`,
      via,
    );
  }
  return analyze(unwrapped.command, [...via, first], depth + 1);
}

/**
 * What `argv` runs: every program, with the wrappers it runs under — or why it is refused: code given as a string
 * to an interpreter anywhere in the chain (`env sh -c`, `timeout 5 python -c`, `find . -exec bash -c`, `busybox
 * sh -c`), a wrapper that runs its arguments through a shell (`watch`, `flock -c`, `su`), an environment setting
 * that makes a program run code (`env LD_PRELOAD=…`), or words a shell would have treated as operators.
 */
export function analyzeCommand(argv: readonly string[]): CommandAnalysis {
  // `;` ends a `find -exec` clause: there it is find's own word, not a shell's.
  const findTerminators = new Set(
    argv.flatMap((a, i) => (a === ';' && argv.slice(0, i).some((w) => FIND_EXEC.has(w)) ? [i] : [])),
  );
  const operators = argv.filter((a, i) => SHELL_OPERATORS.has(a) && !findTerminators.has(i));
  if (operators.length > 0) {
    return {
      type: 'refused',
      reason: `contains shell operators (${[...new Set(operators)].join(' ')}), which no shell interprets here; run one program per step, or a script file in the workspace`,
      via: [],
    };
  }
  return analyze(argv, [], 0);
}

/** Every program an analysed command runs, wrappers included, each as written (for command allowlists). */
export function programsRun(analysis: Extract<CommandAnalysis, { type: 'runs' }>): string[] {
  const all = analysis.runs.flatMap((run) => [...run.via, run.argv[0] ?? '']);
  return [...new Set(all)];
}
