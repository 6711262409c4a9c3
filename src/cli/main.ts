// Receptionist (CLI intake): parses the command line and hands each command to its module, loaded on demand,
// so `office --version` and `office --help` load no parser, SDK or UI.
import { statSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { captureSecrets } from '../config/secrets.js';
import { EXIT, type ExitCode, OfficeError, UsageError } from '../errors.js';
import { ignoreTerminalInterruptUnderLauncher } from './interrupts.js';
import { setQuiet } from './quiet.js';

const VERSION = '0.1.0';

const EXIT_HELP = `
Exit codes:
  0    succeeded
  1    failed or dead-lettered
  2    usage or configuration error
  3    needs approval, or escalated to a person
  4    not found: a trace, callers or callees named no such symbol, or no call path connects
  5    ambiguous: a name matches several symbols (the candidates are listed)
  130  interrupted (state is saved; \`office resume <task>\` continues)`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const MAX_FILE_BYTES = '--max-file-bytes <size>';
const MAX_FILE_BYTES_HELP =
  'leave out files larger than this (bytes, or 800k, 8m); default from config code.maxFileBytes: 2000000';

const EXCLUDE = '--exclude <glob>';
const EXCLUDE_HELP =
  'leave out files matching this gitignore-style glob from indexing and search, on top of .gitignore and config code.exclude (repeatable)';

/** The program's own options, accepted before or after the command: `office -C web trace a b`, `office trace a b -q`. */
interface GlobalOptions {
  readonly cd?: string;
  readonly quiet?: boolean;
  readonly color?: boolean;
}

/** `-C DIR`: everything from here on happens as if office had been started in DIR (as `git -C`, `make -C`). */
function enterDirectory(dir: string): void {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`-C ${dir}: no such directory (give a folder to run in, e.g. -C ./web)`);
  }
  process.chdir(dir);
}

/** `--no-color` before any `--`: read before commander runs, so that help and chalk see it too. */
export function colorTurnedOff(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--no-color');
}

function dirOption(): Option {
  return new Option(
    '--dir <dir>',
    'workspace directory (default: nearest with .git or .office.config.json, below your home folder)',
  );
}

function storeOption(): Option {
  return new Option(
    '--store <url>',
    '"files" (default) or postgres://…: where task state is kept (or OFFICE_STORE)',
  );
}

/** A command group named alone (`office dlq`) asks what it holds: its help on stdout, exit 0. */
function helpWhenBare(group: Command): Command {
  return group.action(() => {
    group.outputHelp();
  });
}

/**
 * A reader that went away (`office list | head -1`) ends the output, not office: writes to a closed pipe are
 * dropped quietly and the command finishes with its own exit code. Any other write error is reported once.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream, name: string): { failed: () => boolean } {
  let failed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || failed) return;
    failed = true;
    if (stream !== process.stderr)
      process.stderr.write(`office: could not write to ${name}: ${err.message}\n`);
  });
  return { failed: () => failed };
}

/**
 * NO_COLOR (no-color.org: set and not empty) turns colour off everywhere: chalk 6, and so ink 8's terminal UI,
 * read FORCE_COLOR and the terminal but not NO_COLOR, so office sets chalk's level itself.
 */
export async function honourNoColor(env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.NO_COLOR) return;
  const { default: chalk } = await import('chalk');
  chalk.level = 0;
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  // First of all: keys leave process.env (no child inherits them) and this process's /proc environ.
  captureSecrets();
  const output = [quietOnClosedPipe(process.stdout, 'stdout'), quietOnClosedPipe(process.stderr, 'stderr')];
  ignoreTerminalInterruptUnderLauncher();
  // --no-color is NO_COLOR for this process and what it starts (commander's help reads NO_COLOR itself).
  if (colorTurnedOff(argv)) process.env.NO_COLOR = '1';
  await honourNoColor(process.env);
  let code: ExitCode = EXIT.ok;
  const done = (c: ExitCode) => {
    code = c;
  };
  const program = new Command('office')
    .description(
      'Local-first developer CLI: decompose a request, plan, validate, approve, run tools, review, loop.',
    )
    .version(VERSION, '-v, --version')
    .option('-C, --cd <dir>', 'run as if office was started in this folder')
    .option(
      '-q, --quiet',
      'print only the answer: no progress, notes or hints on stderr (warnings and errors stay)',
    )
    .option('--no-color', 'no colour in any output (as NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .hook('preAction', (command) => {
      const global = command.opts<GlobalOptions>();
      setQuiet(global.quiet === true);
      if (global.cd !== undefined) enterDirectory(global.cd);
    });

  program
    .command('run')
    .description(
      'run a request through the whole loop, e.g. office run "trace checkout to chargeCard in ./src"',
    )
    .argument('<request...>', 'what to do, in words (quote it)')
    .addOption(dirOption())
    .option('--json', 'print exactly one JSON object with the outcome on stdout')
    .option('--output <format>', 'text (default) or stream-json: one JSON line per loop event on stdout')
    .option('-y, --yes', 'approve steps that policy would ask about (never what it denies)')
    .option(
      '--max-iterations <n>',
      'REVISE rounds per subtask before dead-lettering (default from config: 3)',
    )
    .option('--ci', 'never prompt: steps that need approval stop the task (exit 3); implied by CI=true')
    .option('--offline', 'use no model: templates, rules and deterministic review only')
    .option(
      '-m, --model <tier=provider:model>',
      'override a tier for this run, e.g. medium=openai:gpt-4o-mini (repeatable)',
      collect,
    )
    .option('--record-responses <file>', 'write every model exchange of this run as JSON lines')
    .option('--approval <mode>', 'read-only | ask | auto-edit | full-auto (default from config: ask)')
    .option(
      '--sandbox <mode>',
      'auto | bwrap | process: how run_command is isolated (default from config: auto)',
    )
    .option('--replay-responses <file>', 'answer model calls from a recorded file instead of a provider')
    .option(MAX_FILE_BYTES, MAX_FILE_BYTES_HELP)
    .addOption(storeOption())
    .option(
      '--queue [url]',
      'queue the task for `office worker`s (redis://…, default: OFFICE_QUEUE or config) and wait',
    )
    .option('--priority <n>', 'with --queue: 1 (runs first) to 1000; default 100')
    .option('--no-wait', 'with --queue: print the task id once queued, do not wait')
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .action(async (words: string[], opts) => {
      const { runCommand } = await import('./commands/run.js');
      done(await runCommand(words.join(' '), opts));
    });

  program
    .command('resume')
    .description('continue a task that stopped (interrupted, crashed, or waiting for approval)')
    .argument('<task>', 'task id (or a unique prefix)')
    .addOption(dirOption())
    .option('--json', 'print the outcome as one JSON object')
    .option('--output <format>', 'text or stream-json')
    .option('-y, --yes', 'approve steps that policy would ask about')
    .option('--max-iterations <n>', 'REVISE rounds per subtask')
    .option('--ci', 'never prompt')
    .option('--offline', 'use no model')
    .option('-m, --model <tier=provider:model>', 'override a tier for this run (repeatable)', collect)
    .option('--record-responses <file>', 'write every model exchange as JSON lines')
    .option('--approval <mode>', 'read-only | ask | auto-edit | full-auto (default from config: ask)')
    .option(
      '--sandbox <mode>',
      'auto | bwrap | process: how run_command is isolated (default from config: auto)',
    )
    .option('--replay-responses <file>', 'answer model calls from a recorded file')
    .option(MAX_FILE_BYTES, MAX_FILE_BYTES_HELP)
    .addOption(storeOption())
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .action(async (task: string, opts) => {
      const { resumeCommand } = await import('./commands/run.js');
      done(await resumeCommand(task, opts));
    });

  program
    .command('list')
    .description('list the tasks of this workspace, newest first')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .option('--status <status>', 'only tasks with this status')
    .option('--limit <n>', 'at most n tasks')
    .addOption(storeOption())
    .action(async (opts) => {
      const { listCommand } = await import('./commands/tasks.js');
      done(await listCommand(opts));
    });

  program
    .command('show')
    .description("a task's plans, steps, approvals and reviews")
    .argument('<task>', 'task id (or a unique prefix)')
    .addOption(dirOption())
    .option('--json', 'print the whole task document')
    .addOption(storeOption())
    .action(async (task: string, opts) => {
      const { showCommand } = await import('./commands/tasks.js');
      done(await showCommand(task, opts));
    });

  program
    .command('status')
    .description("a task's status and its subtasks; exit code as for run")
    .argument('<task>', 'task id (or a unique prefix)')
    .addOption(dirOption())
    .option('--json', 'print JSON (the same object as run --json)')
    .addOption(storeOption())
    .action(async (task: string, opts) => {
      const { statusCommand } = await import('./commands/tasks.js');
      done(await statusCommand(task, opts));
    });

  program
    .command('approve')
    .description('approve steps of a task waiting for approval; then `office resume <task>`')
    .argument('<task>', 'task id (or a unique prefix)')
    .argument('[steps...]', 'step ids to approve')
    .option('--all', 'approve every step waiting for approval')
    .addOption(dirOption())
    .addOption(storeOption())
    .option(
      '--queue <url>',
      "the workers' queue to hand the approved task back to (or OFFICE_QUEUE, or config)",
    )
    .action(async (task: string, steps: string[], opts) => {
      const { approveCommand } = await import('./commands/tasks.js');
      done(await approveCommand(task, steps, opts));
    });

  const dlq = helpWhenBare(
    program.command('dlq').description('the dead-letter queue: tasks that found no acceptable plan'),
  );
  dlq
    .command('list')
    .description('the dead-lettered tasks, newest first, with the reason each was given up')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { dlqListCommand } = await import('./commands/dlq.js');
      done(await dlqListCommand(opts));
    });
  dlq
    .command('show')
    .description('why a task was dead-lettered: the reason and the feedback of each round')
    .argument('<task>', 'task id')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (task: string, opts) => {
      const { dlqShowCommand } = await import('./commands/dlq.js');
      done(await dlqShowCommand(task, opts));
    });
  dlq
    .command('retry')
    .description('run a dead-lettered task again, with a fresh allowance of REVISE rounds')
    .argument('<task>', 'task id')
    .addOption(dirOption())
    .option('--json', 'print the outcome as one JSON object')
    .option('-y, --yes', 'approve steps that policy would ask about')
    .option('--offline', 'use no model')
    .action(async (task: string, opts) => {
      const { dlqRetryCommand } = await import('./commands/dlq.js');
      done(await dlqRetryCommand(task, opts));
    });

  const config = helpWhenBare(
    program.command('config').description('the workspace configuration (.office.config.json)'),
  );
  config
    .command('init')
    .description('write a commented default .office.config.json')
    .addOption(dirOption())
    .option('--force', 'replace an existing file')
    .action(async (opts) => {
      const { configInitCommand } = await import('./commands/config.js');
      done(await configInitCommand(opts));
    });
  config
    .command('validate')
    .description('check .office.config.json; errors name the field')
    .addOption(dirOption())
    .action(async (opts) => {
      const { configValidateCommand } = await import('./commands/config.js');
      done(await configValidateCommand(opts));
    });
  config
    .command('show')
    .description(
      'print the effective configuration: defaults, under your user file, under the workspace file',
    )
    .addOption(dirOption())
    .option(
      '--origin',
      'each field with where its value comes from: default, user file, workspace file or env',
    )
    .option('--json', 'with --origin: print JSON')
    .action(async (opts) => {
      const { configShowCommand } = await import('./commands/config.js');
      done(await configShowCommand(opts));
    });

  program
    .command('trace')
    .description('the chain of calls from one function to another, each hop with file, line and code')
    .argument('<from>', 'name, Class.method, or path/file.ts:name (path relative to --dir)')
    .argument('<to>', 'the same forms')
    .option('--dir <dir>', 'directory to index (default: .)')
    .option('--max-paths <k>', 'the k shortest paths (default 1)')
    .option('--max-depth <n>', 'most calls on a path (default from config: 16)')
    .option(
      '--format <format>',
      'text | json | mermaid | dot | html | vimgrep (default text; html: one self-contained page; vimgrep: file:line:col:text per hop)',
    )
    .option('--json', 'same as --format json')
    .option('--all-sites', 'list every call site of each hop (text shows the first and "+N more")')
    .option(
      '--why',
      'under each hop, why office believes the call goes there (how the function or the receiver got there, with file:line); links the tree again',
    )
    .option('--watch', 'answer again whenever a file of the tree changes, showing what changed; Ctrl-C stops')
    .option(MAX_FILE_BYTES, MAX_FILE_BYTES_HELP)
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .action(async (from: string, to: string, opts) => {
      const { traceCommand } = await import('./commands/trace.js');
      done(await traceCommand(from, to, opts));
    });

  for (const direction of ['callers', 'callees'] as const) {
    program
      .command(direction)
      .description(
        direction === 'callers'
          ? 'who calls a function or method, and who calls those, as a tree (each call with file, line and code)'
          : 'what a function or method calls, and what those call, as a tree (each call with file, line and code)',
      )
      .argument(
        '<symbol>',
        'name, Class.method, path/file.ts:name or path/file.ts:LINE (path relative to --dir)',
      )
      .option('--dir <dir>', 'directory to index (default: .)')
      .option('--depth <n>', 'levels of the tree (default 3; 1: only the direct ones)')
      .option('--max-results <n>', `most ${direction} listed per symbol (default 200)`)
      .option(
        '--format <format>',
        'text | json | mermaid | dot | html | vimgrep (default text; html: one self-contained page; vimgrep: file:line:col:text per call)',
      )
      .option('--json', 'same as --format json')
      .option('--all-sites', 'list every call site of each link (text shows the first and "+N more")')
      .option(
        '--watch',
        'answer again whenever a file of the tree changes, showing what changed; Ctrl-C stops',
      )
      .option(MAX_FILE_BYTES, MAX_FILE_BYTES_HELP)
      .option(EXCLUDE, EXCLUDE_HELP, collect)
      .action(async (symbol: string, opts) => {
        const { callersCommand, calleesCommand } = await import('./commands/calls.js');
        done(await (direction === 'callers' ? callersCommand : calleesCommand)(symbol, opts));
      });
  }

  program
    .command('graph')
    .description('the whole call graph of a directory, for people and other tools')
    .option('--dir <dir>', 'directory to index (default: .)')
    .option('--format <format>', 'json | dot (default json)')
    .option(MAX_FILE_BYTES, MAX_FILE_BYTES_HELP)
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .option(
      '--no-refine',
      'skip the TypeScript checker: only calls resolved without it (faster on large TS trees)',
    )
    .action(async (opts) => {
      const { graphCommand } = await import('./commands/graph.js');
      done(await graphCommand(opts));
    });

  program
    .command('check')
    .description('check the call-path rules of .office.config.json ("checks"); exit 1 on a violation')
    .addOption(dirOption())
    .option('--format <format>', 'text | json | sarif | github (default text; github under GitHub Actions)')
    .option('--changed-since <ref>', 'check only rules that files changed since this git ref could affect')
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .action(async (opts) => {
      const { checkCommand } = await import('./commands/check.js');
      done(await checkCommand(opts));
    });

  program
    .command('mcp')
    .description(
      'serve office to MCP clients (Claude Code, Gemini CLI, Codex, VS Code): stdio, or --http PORT',
    )
    .addOption(dirOption())
    .option('--http <port>', 'Streamable HTTP on this port (0: any free one) instead of stdio')
    .option('--host <host>', 'address to listen on with --http (default 127.0.0.1, loopback)')
    .option(
      '--approval <mode>',
      'let run_task steps run by this mode; without it, every step but a read asks',
    )
    .option('--sandbox <mode>', 'auto | bwrap | process: how run_task commands are isolated')
    .option('--offline', 'run_task uses no model')
    .option(EXCLUDE, EXCLUDE_HELP, collect)
    .action(async (opts) => {
      const { mcpCommand } = await import('./commands/mcp.js');
      done(await mcpCommand(opts));
    });

  program
    .command('serve')
    .description('the HTTP API, a web page, /metrics and OpenTelemetry traces over this workspace')
    .addOption(dirOption())
    .option('--host <host>', 'address to listen on (default from config: 127.0.0.1; others need a token)')
    .option('--port <port>', 'port (default from config: 7420; 0: any free port)')
    .option('--approval <mode>', 'approval mode for the tasks it runs (default from config: ask)')
    .option('--sandbox <mode>', 'auto | bwrap | process: how commands are isolated')
    .option('--offline', 'run every task without a model')
    .option('--new-token <name>', 'print a new bearer token for tenant NAME and its config entry, then exit')
    .option('--scopes <list>', 'with --new-token: submit,approve,read,admin (default submit,approve,read)')
    .addOption(storeOption())
    .option('--queue <url>', 'redis://…: queue tasks for `office worker`s instead of running them here')
    .action(async (opts) => {
      const { serveCommand } = await import('./commands/serve.js');
      done(await serveCommand(opts));
    });

  program
    .command('worker')
    .description(
      "run tasks from the workers' queue (BullMQ on Redis) until SIGTERM; state in the configured store",
    )
    .addOption(dirOption())
    .addOption(storeOption())
    .option('--queue <url>', 'redis://host:port (default: OFFICE_QUEUE, or "queue" in .office.config.json)')
    .option('--concurrency <n>', 'tasks run at once (default from config: worker.concurrency, 1)')
    .option('--approval <mode>', 'approval mode for the tasks it runs (default from config: ask)')
    .option('--sandbox <mode>', 'auto | bwrap | process: how commands are isolated')
    .option('--offline', 'run every task without a model')
    .action(async (opts) => {
      const { workerCommand } = await import('./commands/worker.js');
      done(await workerCommand(opts));
    });

  program
    .command('report')
    .description(
      'one task as a self-contained HTML page (status, plans, approvals, cost, the call path diagram)',
    )
    .argument('<task>', 'task id (or a unique prefix)')
    .addOption(dirOption())
    .option('--output <file>', 'write the page to this file instead of stdout')
    .action(async (task: string, opts) => {
      const { reportCommand } = await import('./commands/report.js');
      done(await reportCommand(task, opts));
    });

  program
    .command('doctor')
    .description('what office can use here: models and keys (never printed), sandbox, configuration, tools')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      done(await doctorCommand(opts));
    });

  program
    .command('stats')
    .description(
      'tasks by status, durations, tokens and cost by tier, provider and model, cache hits, fallbacks',
    )
    .addOption(dirOption())
    .option('--since <age>', 'only tasks newer than this, e.g. 7d, 12h (default: all)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { statsCommand } = await import('./commands/stats.js');
      done(await statsCommand(opts));
    });

  const audit = program.command('audit').description('the hash-chained record of approvals and tool runs');
  audit
    .command('show', { isDefault: true })
    .description('print the audit trail')
    .addOption(dirOption())
    .option('--task <task>', 'only entries of this task')
    .option('--json', 'print JSON lines')
    .addOption(storeOption())
    .action(async (opts) => {
      const { auditShowCommand } = await import('./commands/audit.js');
      done(await auditShowCommand(opts));
    });
  audit
    .command('verify')
    .description('check the chain: detects an edited, removed, reordered or truncated entry')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .addOption(storeOption())
    .action(async (opts) => {
      const { auditVerifyCommand } = await import('./commands/audit.js');
      done(await auditVerifyCommand(opts));
    });

  const tools = helpWhenBare(
    program.command('tools').description('the tools plans can use: built-in and plugins'),
  );
  tools
    .command('list')
    .description('every tool plans can use, with its risk and where it comes from')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { toolsListCommand } = await import('./commands/tools.js');
      done(await toolsListCommand(opts));
    });
  tools
    .command('show')
    .description("one tool's description, risk and input schema")
    .argument('<name>', 'tool name')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (name: string, opts) => {
      const { toolsShowCommand } = await import('./commands/tools.js');
      done(await toolsShowCommand(name, opts));
    });

  const memory = program
    .command('memory')
    .description('plan memory: past plans that worked, lessons from those that did not, and your feedback');
  memory
    .command('list', { isDefault: true })
    .description('every memory entry, newest first')
    .addOption(dirOption())
    .option('--kind <kind>', 'only success, failure or feedback entries')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { memoryListCommand } = await import('./commands/memory.js');
      done(await memoryListCommand(opts));
    });
  memory
    .command('search')
    .description('entries most like some text (by the embed tier, or by hashed n-grams with no model)')
    .argument('<text...>', 'what to look for')
    .addOption(dirOption())
    .option('--limit <n>', 'at most this many entries (default 10)')
    .option('--offline', 'use no model: compare by hashed n-grams')
    .option('--json', 'print JSON')
    .action(async (text: string[], opts) => {
      const { memorySearchCommand } = await import('./commands/memory.js');
      done(await memorySearchCommand(text.join(' '), opts));
    });
  memory
    .command('forget')
    .description('remove one entry')
    .argument('<id>', 'entry id, or a unique prefix of one')
    .addOption(dirOption())
    .action(async (id: string, opts) => {
      const { memoryForgetCommand } = await import('./commands/memory.js');
      done(await memoryForgetCommand(id, opts));
    });
  memory
    .command('export')
    .description('every entry as JSON lines')
    .addOption(dirOption())
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (opts) => {
      const { memoryExportCommand } = await import('./commands/memory.js');
      done(await memoryExportCommand(opts));
    });

  program
    .command('feedback')
    .description('tell office how a task went; --bad turns its plans into lessons that are not reused')
    .argument('<task>', 'task id or a unique prefix')
    .addOption(dirOption())
    .option('--good', 'the result was right')
    .option('--bad', 'the result was wrong')
    .option('--comment <text>', 'what was right or wrong')
    .action(async (task: string, opts) => {
      const { feedbackCommand } = await import('./commands/feedback.js');
      done(await feedbackCommand(task, opts));
    });

  program
    .command('gc')
    .description('remove finished tasks, cache entries and memory entries not used for a while')
    .addOption(dirOption())
    .option('--older-than <age>', 'e.g. 30d, 12h (default from config: retention.olderThanDays)')
    .option('--dry-run', 'say what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { gcCommand } = await import('./commands/gc.js');
      done(await gcCommand(opts));
    });

  program
    .command('completion')
    .description('print a completion script for your shell (README: Editors and shells)')
    .addArgument(new Argument('<shell>', 'bash | zsh | fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(program, shell));
      done(EXIT.ok);
    });

  // `office` alone asks what there is: help on stdout, exit 0.
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv as string[]);
    // Output that could not be written (a full disk) is a failure even when the command went well.
    return code === EXIT.ok && output.some((o) => o.failed()) ? EXIT.failed : code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help asked for (`--help`, `office help [cmd]`) and `--version` end with commander's exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof OfficeError) {
      process.stderr.write(`office: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `office: internal error: ${message}\nThis is a bug in office; please report it with the command you ran.${process.env.OFFICE_DEBUG ? `\n${(err as Error).stack}` : ' (set OFFICE_DEBUG=1 for details)'}\n`,
    );
    return EXIT.failed;
  }
}
