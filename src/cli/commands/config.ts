// `office config init|validate|show`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { configPath, defaultConfigText, loadConfig } from '../../config/load.js';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
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

export async function configShowCommand(flags: { dir?: string }): Promise<ExitCode> {
  const { config } = await loadConfig(await rootOf(flags.dir));
  process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
  return EXIT.ok;
}
