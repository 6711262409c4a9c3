// `office memory list|search|forget|export`: what plan memory ("Corporate Knowledge") holds, for people and tools.
import { resolve } from 'node:path';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import { type EntryKind, entryKinds, type MemoryEntry } from '../../memory/entry.js';
import { AmbiguousMemoryId, createPlanMemory, type PlanMemoryStore } from '../../memory/plan-memory.js';
import { entryLine } from '../../memory/recall.js';
import { createModelRouter } from '../../models/router.js';
import { writeFileAtomic } from '../../util/files.js';
import { redactingRouter } from '../safety.js';
import { openWorkspace, type Workspace } from '../wiring.js';
import { note } from '../quiet.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
}

/** Plan memory of a workspace for a command; `withModels` lets search embed through the configured embed tier. */
export function openMemory(ws: Workspace, withModels = false): PlanMemoryStore {
  return createPlanMemory({
    workspace: ws.root,
    ...(withModels
      ? { router: redactingRouter(createModelRouter({ config: ws.config, workspace: ws.root })) }
      : {}),
    topK: ws.config.memory.topK,
    onWarning: (message) => process.stderr.write(`office: ${message}\n`),
  });
}

/** An entry for JSON output: everything but the embedded text, which repeats the request and lesson. */
function entryJson(e: MemoryEntry): Omit<MemoryEntry, 'text'> {
  const { text: _text, ...rest } = e;
  return rest;
}

function parseKind(kind: string | undefined): EntryKind | undefined {
  if (kind === undefined) return undefined;
  if ((entryKinds as readonly string[]).includes(kind)) return kind as EntryKind;
  throw new UsageError(`--kind takes one of ${entryKinds.join(', ')}, not "${kind}"`);
}

export async function memoryListCommand(flags: Flags & { kind?: string }): Promise<ExitCode> {
  const kind = parseKind(flags.kind);
  const ws = await openWorkspace(flags.dir);
  const entries = (await openMemory(ws).list()).filter((e) => !kind || e.kind === kind);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ entries: entries.map(entryJson) }, null, 2)}\n`);
  } else if (entries.length === 0) {
    note(
      `office: plan memory is empty${kind ? ` of ${kind} entries` : ''}; it fills as \`office run\` plans with a model, and with \`office feedback\``,
    );
  } else {
    for (const e of entries) process.stdout.write(`${entryLine(e)}\n`);
  }
  return EXIT.ok;
}

export async function memorySearchCommand(
  text: string,
  flags: Flags & { limit?: string; offline?: boolean },
): Promise<ExitCode> {
  const limit = flags.limit === undefined ? 10 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`--limit takes a whole number of 1 or more, not "${flags.limit}"`);
  }
  if (text.trim() === '')
    throw new UsageError('say what to search for, e.g. office memory search "checkout"');
  const ws = await openWorkspace(flags.dir);
  const { hits, model } = await openMemory(ws, !flags.offline).search(text, limit);
  if (flags.json) {
    const rows = hits.map((h) => ({ score: Number(h.score.toFixed(4)), ...entryJson(h.entry) }));
    process.stdout.write(`${JSON.stringify({ model, hits: rows }, null, 2)}\n`);
  } else if (hits.length === 0) {
    note(`office: nothing in plan memory is like "${text}" (compared by ${model})`);
  } else {
    for (const h of hits) process.stdout.write(`${h.score.toFixed(2)}  ${entryLine(h.entry)}\n`);
    note(`office: compared by ${model}`);
  }
  return EXIT.ok;
}

export async function memoryForgetCommand(id: string, flags: { dir?: string }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  let gone: MemoryEntry | undefined;
  try {
    gone = await openMemory(ws).forget(id);
  } catch (err) {
    if (!(err instanceof AmbiguousMemoryId)) throw err;
    throw new UsageError(
      `"${id}" matches ${err.matches.length} memory entries (${err.matches.slice(0, 5).join(', ')}); give more of the id.`,
    );
  }
  if (!gone) {
    throw new UsageError(`no memory entry "${id}". Run \`office memory list\` to see the entries there are.`);
  }
  process.stdout.write(`forgot ${gone.id} (${gone.kind}: "${gone.request}")\n`);
  return EXIT.ok;
}

/** JSON lines, one entry a line, to stdout or (atomically) to a file. */
export async function memoryExportCommand(flags: { dir?: string; output?: string }): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const entries = await openMemory(ws).list();
  const text = entries.map((e) => `${JSON.stringify(entryJson(e))}\n`).join('');
  if (flags.output === undefined || flags.output === '-') {
    process.stdout.write(text);
  } else {
    const path = resolve(flags.output);
    await writeFileAtomic(path, text);
    note(`office: wrote ${entries.length} memory entries to ${path}`);
  }
  return EXIT.ok;
}
