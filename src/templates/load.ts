// Template library: reads intent templates from the package's templates/ and the workspace's extra directories.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { type PromptSet, promptRoles } from '../office/prompts.js';
import { type Template, templateSchema } from '../schemas/template.js';
import { packageRoot } from '../util/package-root.js';

export function builtinTemplateDir(): string {
  return join(packageRoot(), 'templates', 'intents');
}

async function readTemplateDir(dir: string): Promise<Template[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const templates: Template[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`template ${path} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = templateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`template ${path}: ${issue?.path.join('.') || 'document'}: ${issue?.message}`);
    }
    for (const pattern of parsed.data.patterns) {
      try {
        new RegExp(pattern, 'i');
      } catch (err) {
        throw new ConfigError(
          `template ${path}: pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message})`,
        );
      }
    }
    templates.push(parsed.data);
  }
  return templates;
}

/** Built-in templates, then the workspace's (a workspace template with a built-in's id replaces it). */
export async function loadTemplates(workspace: string, extraDirs: readonly string[]): Promise<Template[]> {
  const byId = new Map<string, Template>();
  for (const t of await readTemplateDir(builtinTemplateDir())) byId.set(t.id, t);
  for (const dir of extraDirs) {
    const abs = resolve(workspace, dir);
    const templates = await readTemplateDir(abs).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT')
        throw new ConfigError(`templates: directory ${abs} does not exist (set in .office.config.json)`);
      throw err;
    });
    for (const t of templates) byId.set(t.id, t);
  }
  return [...byId.values()].sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
}

/** The prompts of the model-backed roles, from templates/prompts/<role>.system.md and <role>.user.md. */
export async function loadPrompts(): Promise<PromptSet> {
  const dir = join(packageRoot(), 'templates', 'prompts');
  const entries = await Promise.all(
    promptRoles.map(async (role) => {
      const [system, user] = await Promise.all([
        readFile(join(dir, `${role}.system.md`), 'utf8'),
        readFile(join(dir, `${role}.user.md`), 'utf8'),
      ]);
      return [role, { system: system.trim(), user: user.trim() }] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as PromptSet;
}
