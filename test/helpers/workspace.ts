// Test helper: temporary workspaces with fixture plugins and templates, and the real `office` binary as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newTaskDocument } from '../../src/office/orchestrate.js';
import { type TaskDocument, taskDocumentSchema } from '../../src/schemas/task.js';
import { officeEnv } from './clean-env.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'office.js');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export interface TempWorkspace {
  /** Real (symlink-free) absolute path of the workspace root. */
  readonly root: string;
  path(rel: string): string;
  write(rel: string, text: string): Promise<string>;
  read(rel: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** A fresh empty directory under the OS temp dir; `cleanup` removes it. */
export async function makeWorkspace(prefix = 'office-test-'): Promise<TempWorkspace> {
  const root = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  const path = (rel: string) => join(root, rel);
  return {
    root,
    path,
    async write(rel, text) {
      await mkdir(dirname(path(rel)), { recursive: true });
      await writeFile(path(rel), text);
      return path(rel);
    },
    read: (rel) => readFile(path(rel), 'utf8'),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Writes `.office.config.json`. */
export async function writeConfig(ws: TempWorkspace, config: Record<string, unknown>): Promise<void> {
  await ws.write('.office.config.json', `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Copies the fixture plugins (test/fixtures/plugins/*.js) to office-tools/ and the fixture templates to
 * office-templates/, and writes a config that loads both (plus `extra` config fields).
 */
export async function installFixtures(ws: TempWorkspace, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(ws.path('office-tools'), { recursive: true });
  for (const name of await readdir(join(FIXTURES, 'plugins'))) {
    if (name.endsWith('.js')) await cp(join(FIXTURES, 'plugins', name), ws.path(`office-tools/${name}`));
  }
  await cp(join(FIXTURES, 'templates'), ws.path('office-templates'), { recursive: true });
  await writeConfig(ws, { plugins: ['./office-tools/*.js'], templates: ['./office-templates'], ...extra });
}

export interface OfficeResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningOffice {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  readonly done: Promise<OfficeResult>;
}

const live = new Set<ChildProcess>();

/**
 * Starts `office <args>` in a clean environment (officeEnv: no key and no model host from the developer's shell;
 * `env` adds the test's own), under Node 24 (the one running the tests) or the `node` binary given (an older one
 * runs the launcher, which starts office under the project's Node); killed after `timeoutMs`.
 */
export function startOffice(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; node?: string },
): RunningOffice {
  const child = spawn(options.node ?? process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: officeEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const done = new Promise<OfficeResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

/** Runs `office <args>` to its end. */
export function runOffice(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; node?: string },
): Promise<OfficeResult> {
  return startOffice(args, options).done;
}

/** Kills every office process a test started and has not seen end (for afterEach). */
export async function killStrayOffices(): Promise<void> {
  const waiting = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(waiting);
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lines of a workspace file (empty when it does not exist yet). */
export async function linesOf(ws: TempWorkspace, rel: string): Promise<string[]> {
  const text = await ws.read(rel).catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

/** The stored task document, checked against the schema. */
export async function readTask(ws: TempWorkspace, taskId: string): Promise<TaskDocument> {
  const text = await ws.read(`.office/tasks/${taskId}.json`);
  return taskDocumentSchema.parse(JSON.parse(text));
}

/** Ids of the task files under .office/tasks/. */
export async function taskIds(ws: TempWorkspace): Promise<string[]> {
  const names = await readdir(ws.path('.office/tasks')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
}

/** Parses stdout that must be exactly one JSON value. */
export function onlyJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** A minimal task document valid per the schema, with `fields` on top (for tests that write task files by hand). */
export function taskDocument(fields: Partial<TaskDocument> & { task_id: string }): TaskDocument {
  const at = new Date(fields.created_at ?? Date.now());
  const base = newTaskDocument(fields.task_id, 'hand-written task', '/nowhere', {}, at);
  return taskDocumentSchema.parse({ ...base, status: 'succeeded', options: {}, ...fields });
}

/** Writes a task document to .office/tasks/<task_id>.json, as the store would. */
export async function writeTask(ws: TempWorkspace, doc: TaskDocument): Promise<void> {
  await ws.write(
    `.office/tasks/${doc.task_id}.json`,
    `${JSON.stringify(taskDocumentSchema.parse(doc), null, 2)}\n`,
  );
}
