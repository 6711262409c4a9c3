// Receptionist (CLI intake): parses the command line and hands each command to its module, loaded on demand,
// so `office --version` and `office --help` load no parser, SDK or UI.
import { Command, CommanderError, Option } from 'commander';
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
    'workspace directory (default: nearest with .office.config.json, .office/ or .git)',
  );
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
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
