// `office config init|validate|show`: the workspace file, the user file under it, and where each value comes from.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { configPath, defaultConfigText, loadConfig } from '../../config/load.js';
import { ConfigError, EXIT, type ExitCode, UsageError } from '../../errors.js';
import { configSchema } from '../../schemas/config.js';
import { envLayer, type FieldOrigin, fieldOrigins } from '../../config/layers.js';
import { officeEnv } from '../../config/secrets.js';
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
  const { path, exists, user } = await loadConfig(await rootOf(flags.dir));
  if (user.exists) process.stdout.write(`${user.path} is valid\n`);
  process.stdout.write(
    exists ? `${path} is valid\n` : `no ${path}; the defaults apply (\`office config init\` writes them)\n`,
  );
  return EXIT.ok;
}

export interface ConfigShowFlags {
  dir?: string;
  /** Each field with where its value comes from, instead of the JSON. */
  origin?: boolean;
  json?: boolean;
}

/**
 * The effective configuration. When a file is invalid, says what is wrong (the fields, on stderr) and still
 * prints every field with its default, which is what the error message sends people here for; exit 2.
 */
export async function configShowCommand(flags: ConfigShowFlags): Promise<ExitCode> {
  try {
    const loaded = await loadConfig(await rootOf(flags.dir));
    if (flags.origin) {
      const origins = fieldOrigins(loaded.config, [...loaded.layers, envLayer(officeEnv())]);
      process.stdout.write(
        flags.json ? `${JSON.stringify({ fields: origins }, null, 2)}\n` : originsText(origins),
      );
    } else {
      process.stdout.write(`${JSON.stringify(loaded.config, null, 2)}\n`);
    }
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

const ORIGIN_LABEL = {
  default: 'default',
  user: 'user file',
  workspace: 'workspace file',
  env: 'env',
} as const;

/** One line per field: `field = value`, then where it came from, aligned. */
function originsText(origins: readonly FieldOrigin[]): string {
  const rows = origins.map((o) => [`${o.field} = ${JSON.stringify(o.value)}`, o] as const);
  const width = Math.min(72, Math.max(...rows.map(([left]) => left.length)));
  return rows
    .map(
      ([left, o]) =>
        `${left.padEnd(width)}  ${ORIGIN_LABEL[o.origin]}${o.source !== undefined ? ` ${o.source}` : ''}\n`,
    )
    .join('');
}
