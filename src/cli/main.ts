// Receptionist (CLI intake): parses the command line and hands each command to its module, loaded on demand,
// so `office --version` and `office --help` load no parser, SDK or UI.
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode, OfficeError } from '../errors.js';

export async function main(argv: readonly string[]): Promise<ExitCode> {
  const program = new Command('office');
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
  });
  program.version('0.1.0');
  try {
    await program.parseAsync(argv as string[]);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof OfficeError) {
      process.stderr.write(`office: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
