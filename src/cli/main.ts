// Receptionist (CLI intake): parses the command line and hands each command to its module, loaded on demand,
// so `office --version` and `office --help` load no parser, SDK or UI.
import { Command, CommanderError, Option } from 'commander';
import { captureSecrets } from '../config/secrets.js';
import { EXIT, type ExitCode, OfficeError } from '../errors.js';

const VERSION = '0.1.0';

const EXIT_HELP = `
Exit codes:
  0    succeeded
  1    failed or dead-lettered (or a trace found no path)
  2    usage or configuration error
  3    needs approval, or escalated to a person
  130  interrupted (state is saved; \`office resume <task>\` continues)`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function dirOption(): Option {
  return new Option(
    '--dir <dir>',
    'workspace directory (default: nearest with .git or .office.config.json, below your home folder)',
  );
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  // First of all: keys leave process.env (no child inherits them) and this process's /proc environ.
  captureSecrets();
  let code: ExitCode = EXIT.ok;
  const done = (c: ExitCode) => {
    code = c;
  };
  const program = new Command('office')
    .description(
      'Local-first developer CLI: decompose a request, plan, validate, approve, run tools, review, loop.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

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
    .option('--ci', 'never prompt: steps that need approval stop the task (exit 3)')
    .option('--offline', 'use no model: templates, rules and deterministic review only')
    .option(
      '--model <tier=provider:model>',
      'override a tier for this run, e.g. medium=openai:gpt-4o-mini (repeatable)',
      collect,
      [],
    )
    .option('--record-responses <file>', 'write every model exchange of this run as JSON lines')
    .option('--approval <mode>', 'read-only | ask | auto-edit | full-auto (default from config: ask)')
    .option(
      '--sandbox <mode>',
      'auto | bwrap | process: how run_command is isolated (default from config: auto)',
    )
    .option('--replay-responses <file>', 'answer model calls from a recorded file instead of a provider')
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
    .option('--model <tier=provider:model>', 'override a tier for this run (repeatable)', collect, [])
    .option('--record-responses <file>', 'write every model exchange as JSON lines')
    .option('--approval <mode>', 'read-only | ask | auto-edit | full-auto (default from config: ask)')
    .option(
      '--sandbox <mode>',
      'auto | bwrap | process: how run_command is isolated (default from config: auto)',
    )
    .option('--replay-responses <file>', 'answer model calls from a recorded file')
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
    .action(async (task: string, steps: string[], opts) => {
      const { approveCommand } = await import('./commands/tasks.js');
      done(await approveCommand(task, steps, opts));
    });

  const dlq = program
    .command('dlq')
    .description('the dead-letter queue: tasks that found no acceptable plan');
  dlq
    .command('list')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { dlqListCommand } = await import('./commands/dlq.js');
      done(await dlqListCommand(opts));
    });
  dlq
    .command('show')
    .argument('<task>', 'task id')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (task: string, opts) => {
      const { dlqShowCommand } = await import('./commands/dlq.js');
      done(await dlqShowCommand(task, opts));
    });
  dlq
    .command('retry')
    .argument('<task>', 'task id')
    .addOption(dirOption())
    .option('--json', 'print the outcome as one JSON object')
    .option('-y, --yes', 'approve steps that policy would ask about')
    .option('--offline', 'use no model')
    .action(async (task: string, opts) => {
      const { dlqRetryCommand } = await import('./commands/dlq.js');
      done(await dlqRetryCommand(task, opts));
    });

  const config = program.command('config').description('the workspace configuration (.office.config.json)');
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
    .description('print the effective configuration, defaults included')
    .addOption(dirOption())
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
    .option('--max-depth <n>', 'longest path in hops (default from config: 16)')
    .option('--format <format>', 'text | json | mermaid | dot (default text)')
    .option('--json', 'same as --format json')
    .action(async (from: string, to: string, opts) => {
      const { traceCommand } = await import('./commands/trace.js');
      done(await traceCommand(from, to, opts));
    });

  program
    .command('graph')
    .description('the whole call graph of a directory, for people and other tools')
    .option('--dir <dir>', 'directory to index (default: .)')
    .option('--format <format>', 'json | dot (default json)')
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
    .action(async (opts) => {
      const { mcpCommand } = await import('./commands/mcp.js');
      done(await mcpCommand(opts));
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
    .action(async (opts) => {
      const { auditShowCommand } = await import('./commands/audit.js');
      done(await auditShowCommand(opts));
    });
  audit
    .command('verify')
    .description('check the chain: detects an edited, removed, reordered or truncated entry')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { auditVerifyCommand } = await import('./commands/audit.js');
      done(await auditVerifyCommand(opts));
    });

  const tools = program.command('tools').description('the tools plans can use: built-in and plugins');
  tools
    .command('list')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { toolsListCommand } = await import('./commands/tools.js');
      done(await toolsListCommand(opts));
    });
  tools
    .command('show')
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

  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return EXIT.usage;
      return EXIT.usage;
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
