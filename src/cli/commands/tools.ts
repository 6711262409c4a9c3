// `office tools list|show` ("Workshop"): the tools plans can use, where each comes from, and what it takes.
import { z } from 'zod';
import { EXIT, type ExitCode, UsageError } from '../../errors.js';
import type { ToolDefinition } from '../../tools/define-tool.js';
import { openTools } from '../../tools/open-tools.js';
import type { LoadedRegistry } from '../../tools/registry.js';
import { openWorkspace } from '../wiring.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
}

/** The registry, MCP servers' tools included; the servers are stopped once their tools are listed. */
async function registryOf(flags: Flags): Promise<LoadedRegistry> {
  const ws = await openWorkspace(flags.dir);
  const tools = await openTools({ workspace: ws.root, config: ws.config });
  await tools.close();
  for (const p of tools.problems) process.stderr.write(`office: plugin problem: ${p}\n`);
  for (const p of tools.mcpProblems) process.stderr.write(`office: ${p}\n`);
  return tools.registry;
}

/** Up to the first sentence end followed by a capital letter (so "e.g. [..." does not end it). */
export function firstSentence(description: string): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?=\s+[A-Z]|$)/.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}

export async function toolsListCommand(flags: Flags): Promise<ExitCode> {
  const registry = await registryOf(flags);
  const rows = registry
    .list()
    .map((t) => ({
      name: t.name,
      risk: t.risk,
      origin: registry.origin(t.name) ?? 'builtin',
      description: firstSentence(t.description),
    }))
    .sort(
      (a, b) =>
        Number(a.origin !== 'builtin') - Number(b.origin !== 'builtin') || a.name.localeCompare(b.name),
    );
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ tools: rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = (key: 'name' | 'risk' | 'origin') => Math.max(key.length, ...rows.map((r) => r[key].length));
  const [wName, wRisk, wOrigin] = [width('name'), width('risk'), width('origin')];
  const line = (name: string, risk: string, origin: string, description: string) =>
    `${name.padEnd(wName)}  ${risk.padEnd(wRisk)}  ${origin.padEnd(wOrigin)}  ${description}`;
  const lines = [
    line('name', 'risk', 'origin', 'description'),
    ...rows.map((r) => line(r.name, r.risk, r.origin, r.description)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** The input schema as JSON Schema (the input side: fields with defaults may be left out). */
function inputSchema(tool: ToolDefinition): unknown {
  try {
    return z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' });
  } catch (err) {
    return { error: `this schema cannot be shown as JSON Schema: ${(err as Error).message}` };
  }
}

export async function toolsShowCommand(name: string, flags: Flags): Promise<ExitCode> {
  const registry = await registryOf(flags);
  const tool = registry.get(name);
  if (!tool) {
    const closest = closestNames(
      name,
      registry.list().map((t) => t.name),
    );
    throw new UsageError(
      `no tool named "${name}"${closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : ''} ` +
        '`office tools list` shows every tool.',
    );
  }
  const info = {
    name: tool.name,
    risk: tool.risk,
    origin: registry.origin(tool.name) ?? 'builtin',
    description: tool.description,
    model_generated: tool.modelGenerated ?? false,
    declares_paths: typeof tool.paths === 'function',
    declares_command: typeof tool.command === 'function',
    reviews_its_output: typeof tool.review === 'function',
    input_schema: inputSchema(tool),
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return EXIT.ok;
  }
  const traits = [
    info.declares_paths
      ? 'declares the paths it reads or writes (checked against the workspace and write scopes)'
      : undefined,
    info.declares_command ? 'declares its command line (checked against command rules)' : undefined,
    info.reviews_its_output ? 'checks its own output after a step' : undefined,
    info.model_generated ? 'output comes from a model (never used as evidence by the review)' : undefined,
  ].filter((t): t is string => t !== undefined);
  const lines = [
    `${info.name}`,
    `  risk         ${info.risk}`,
    `  origin       ${info.origin}`,
    `  description  ${info.description.replace(/\s+/g, ' ').trim()}`,
    ...traits.map((t, i) => `  ${i === 0 ? 'traits       ' : '             '}${t}`),
    '',
    'input (JSON Schema):',
    JSON.stringify(info.input_schema, null, 2),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two names. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Up to three names nearest to `name`: names containing it (or contained in it), then the fewest edits away. */
export function closestNames(name: string, names: readonly string[]): string[] {
  const query = name.toLowerCase();
  const scored = names.map((candidate) => {
    const contains = query.length >= 3 && (candidate.includes(query) || query.includes(candidate));
    return { candidate, score: contains ? 0 : distance(query, candidate) };
  });
  const limit = Math.max(2, Math.floor(query.length / 2));
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map((s) => s.candidate);
}
