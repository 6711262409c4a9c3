// `office config init|validate|show`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { configPath, defaultConfigText, loadConfig } from '../../config/load.js';
import { ConfigError, EXIT, type ExitCode, UsageError } from '../../errors.js';
import { configSchema } from '../../schemas/config.js';
import { workspaceRoot } from '../workspace-root.js';

function rootOf(dir: string | undefined): Promise<string> {
  return workspaceRoot(dir);
}

export async function configInitCommand(flags: { dir?: string; force?: boolean }): Promise<ExitCode> {
  const path = configPath(await rootOf(flags.dir));
  if (existsSync(path) && !flags.force) {
    throw new UsageError(`${path} exists already; pass --force to replace it with the defaults`);
  }
  await writeFile(path, defaultConfigText());
  process.stdout.write(`wrote ${path}\n`);
  return EXIT.ok;
}

export async function configValidateCommand(flags: { dir?: string }): Promise<ExitCode> {
  const { path, exists } = await loadConfig(await rootOf(flags.dir));
  process.stdout.write(
    exists ? `${path} is valid\n` : `no ${path}; the defaults apply (\`office config init\` writes them)\n`,
  );
  return EXIT.ok;
}

/**
 * The effective configuration. When the file is invalid, says what is wrong (the fields, on stderr) and still
 * prints every field with its default, which is what the error message sends people here for; exit 2.
 */
export async function configShowCommand(flags: { dir?: string }): Promise<ExitCode> {
  try {
    const { config } = await loadConfig(await rootOf(flags.dir));
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(
      `office: ${err.message}\noffice: the file cannot be used as it is; below is every field with its default.\n`,
    );
    process.stdout.write(`${JSON.stringify(configSchema.parse({}), null, 2)}\n`);
    return err.exitCode;
  }
}
