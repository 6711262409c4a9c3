// Built-in read tools ("Workshop"): list_files, read_file and search_code, written against the public defineTool API.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import ignore from 'ignore';
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { defineTool } from '../src/tools/define-tool.js';
import { clip } from '../src/util/clip.js';
import { summarizeTooLarge, tooLargeNote } from '../src/util/too-large.js';
import { walkFiles } from '../src/util/walk.js';

const dir = z.string().min(1).default('.').describe('directory relative to the workspace root');
const glob = z
  .string()
  .min(1)
  .optional()
  .describe('only files matching this gitignore-style glob, e.g. "*.ts" or "src/**/*.js"');

function toRel(workspace: string, abs: string): string {
  return relative(workspace, abs).split('\\').join('/') || '.';
}

function globFilter(pattern: string | undefined): (rel: string) => boolean {
  if (!pattern) return () => true;
  const ig = ignore().add(pattern);
  return (rel) => ig.ignores(rel);
}

async function listUnder(
  ctx: { workspace: string; resolvePath(p: string): string; signal: AbortSignal },
  dirInput: string,
) {
  const abs = ctx.resolvePath(dirInput);
  const info = await stat(abs).catch(() => undefined);
  if (!info?.isDirectory()) throw new ToolError(`"${dirInput}" is not a directory in the workspace`);
  const files = await walkFiles(abs, { gitignoreFrom: ctx.workspace, signal: ctx.signal });
  const prefix = toRel(ctx.workspace, abs);
  return { abs, files: files.map((f) => (prefix === '.' ? f : `${prefix}/${f}`)) };
}

export const listFiles = defineTool({
  name: 'list_files',
  description: 'List the files under a directory of the workspace, as git sees them (.gitignore honoured).',
  risk: 'read',
  input: z.strictObject({ dir, glob, max_results: z.int().min(1).max(100_000).default(2_000) }),
  paths: (input) => [{ path: input.dir, access: 'read' }],
  async run(input, ctx) {
    const { files } = await listUnder(ctx, input.dir);
    const keep = globFilter(input.glob);
    const matching = files.filter(keep);
    return {
      dir: input.dir,
      files: matching.slice(0, input.max_results),
      total: matching.length,
      truncated: matching.length > input.max_results,
    };
  },
  summarize: (out) =>
    `${out.total} file${out.total === 1 ? '' : 's'}${out.truncated ? ` (first ${out.files.length} shown)` : ''}`,
  render: (out, view) =>
    [
      ...out.files.map((file) => (view ? view.path(file) : file)),
      ...(out.truncated ? [`… ${out.total - out.files.length} more`] : []),
    ].join('\n'),
});

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a text file of the workspace, optionally a range of lines.',
  risk: 'read',
  input: z.strictObject({
    path: z.string().min(1),
    start_line: z.int().min(1).optional(),
    end_line: z.int().min(1).optional(),
    max_bytes: z.int().min(1).max(10_000_000).default(262_144),
  }),
  paths: (input) => [{ path: input.path, access: 'read' }],
  async run(input, ctx) {
    const abs = ctx.resolvePath(input.path);
    const info = await stat(abs).catch(() => undefined);
    if (!info?.isFile()) throw new ToolError(`"${input.path}" is not a file in the workspace`);
    const handle = await open(abs, 'r');
    let buffer: Buffer;
    try {
      buffer = Buffer.alloc(Math.min(info.size, input.max_bytes));
      await handle.read(buffer, 0, buffer.length, 0);
    } finally {
      await handle.close();
    }
    if (buffer.includes(0)) throw new ToolError(`"${input.path}" is a binary file`);
    const truncated = info.size > input.max_bytes;
    // A cut read ends mid-line: show whole lines only (unless the first line alone is longer than the cut).
    const lastNewline = buffer.lastIndexOf(0x0a);
    const read = truncated && lastNewline >= 0 ? buffer.subarray(0, lastNewline + 1) : buffer;
    const lines = linesOf(read.toString('utf8'));
    const start = input.start_line ?? 1;
    const end = Math.min(input.end_line ?? lines.length, lines.length);
    return {
      path: toRel(ctx.workspace, abs),
      start_line: start,
      end_line: end,
      // Lines of the whole file, not of the part read.
      total_lines: truncated ? await countLines(abs) : lines.length,
      text: lines.slice(start - 1, end).join('\n'),
      truncated,
      ...(truncated ? { bytes_read: read.length, file_bytes: info.size } : {}),
    };
  },
  summarize: (out) =>
    `${out.path} lines ${out.start_line}-${out.end_line} of ${out.total_lines}` +
    (out.truncated
      ? ` (only the first ${out.bytes_read} of ${out.file_bytes} bytes read; raise max_bytes)`
      : ''),
  render: (out) => out.text,
});

/** A text's lines: split at newlines, a final newline ending the last line rather than starting an empty one. */
export function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Lines of a file of any size, counted as `linesOf` would, reading it in chunks. */
async function countLines(abs: string): Promise<number> {
  let newlines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(abs) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) newlines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return newlines + (last === 0x0a ? 0 : 1);
}

/** Finds a pattern in a line: the 0-based column of the first match, or -1. */
export type LineMatcher = (line: string) => number;

/**
 * A pattern as a line matcher: a regular expression when it compiles (and mode allows), else the literal text,
 * found with indexOf, so that text of any length (a pasted 100 KB line) is searched, never a "too large" error.
 */
export function compilePattern(
  pattern: string,
  mode: 'auto' | 'regex' | 'literal',
  ignoreCase: boolean,
): LineMatcher {
  if (mode !== 'literal') {
    try {
      const regex = new RegExp(pattern, ignoreCase ? 'i' : '');
      // V8 compiles a regular expression on its first use: one too large to compile fails there, not above.
      regex.exec('');
      return (line) => regex.exec(line)?.index ?? -1;
    } catch (err) {
      if (mode === 'regex') {
        const shown =
          pattern.length > 80 ? `${pattern.slice(0, 80)}… (${pattern.length} characters)` : pattern;
        throw new ToolError(
          `"${shown}" is not a valid regular expression: ${(err as Error).message.slice(0, 200)}`,
        );
      }
    }
  }
  if (!ignoreCase) return (line) => line.indexOf(pattern);
  const lower = pattern.toLowerCase();
  return (line) => line.toLowerCase().indexOf(lower);
}

export const searchCode = defineTool({
  name: 'search_code',
  description:
    'Search the text files under a directory for a regular expression (or literal text), line by line. ' +
    'Honours .gitignore and the configured excludes; skips binary files and files over max_file_bytes, and says which it skipped for size.',
  risk: 'read',
  input: z.strictObject({
    pattern: z.string().min(1),
    dir,
    glob,
    mode: z
      .enum(['auto', 'regex', 'literal'])
      .default('auto')
      .describe('auto: a regular expression if it compiles, else literal text'),
    ignore_case: z.boolean().default(false),
    max_results: z.int().min(1).max(100_000).default(500),
    max_file_bytes: z
      .int()
      .min(1)
      .optional()
      .describe('skip larger files (default: config code.maxFileBytes, 2 MB)'),
  }),
  paths: (input) => [{ path: input.dir, access: 'read' }],
  async run(input, ctx) {
    const find = compilePattern(input.pattern, input.mode, input.ignore_case);
    const abs = ctx.resolvePath(input.dir);
    const info = await stat(abs).catch(() => undefined);
    if (!info?.isDirectory()) throw new ToolError(`"${input.dir}" is not a directory in the workspace`);
    const keep = globFilter(input.glob);
    const maxFileBytes = input.max_file_bytes ?? ctx.config.code.maxFileBytes;
    const prefix = toRel(ctx.workspace, abs);
    const inWorkspace = (rel: string) => (prefix === '.' ? rel : `${prefix}/${rel}`);
    const tooLarge: { path: string; bytes: number }[] = [];
    const rels = (
      await walkFiles(abs, {
        gitignoreFrom: ctx.workspace,
        // config code.exclude (and --exclude): what is left out of the index is left out of search too.
        exclude: ctx.config.code.exclude,
        skipBinary: true,
        maxFileBytes,
        onTooLarge: (file) => {
          if (keep(file.path)) tooLarge.push({ path: inWorkspace(file.path), bytes: file.bytes });
        },
        signal: ctx.signal,
      })
    ).filter(keep);
    const matches: { file: string; line: number; column: number; text: string }[] = [];
    const filesMatched = new Set<string>();
    let total = 0;
    for (const rel of rels) {
      ctx.signal.throwIfAborted();
      const file = inWorkspace(rel);
      const text = await readFile(`${abs}/${rel}`, 'utf8').catch(() => '');
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        const column = find(line);
        if (column < 0) continue;
        total++;
        filesMatched.add(file);
        if (matches.length < input.max_results) {
          matches.push({ file, line: i + 1, column: column + 1, text: line.trim().slice(0, 300) });
        }
      }
    }
    return {
      pattern: input.pattern,
      dir: input.dir,
      matches,
      total_matches: total,
      files_searched: rels.length,
      files_matched: filesMatched.size,
      truncated: total > matches.length,
      too_large: summarizeTooLarge(tooLarge, maxFileBytes),
    };
  },
  summarize: (out) =>
    `${out.total_matches} match${out.total_matches === 1 ? '' : 'es'} in ${out.files_matched} file${out.files_matched === 1 ? '' : 's'} (${out.files_searched} searched)` +
    (out.too_large.files > 0 ? `; ${skippedNote(out.too_large)}` : ''),
  render: (out, view) =>
    [
      ...(out.matches.length === 0
        ? [
            `no match for ${JSON.stringify(clip(out.pattern, 80))} in ${out.dir} (${out.files_searched} files searched)`,
          ]
        : out.matches.map(
            (m) =>
              `${view ? view.path(m.file, m.line, m.column) : `${m.file}:${m.line}:${m.column}`}: ${m.text}`,
          )),
      ...(out.truncated
        ? [`… ${out.total_matches - out.matches.length} more matches (raise max_results)`]
        : []),
      ...(out.too_large.files > 0 ? [`note: ${skippedNote(out.too_large)}`] : []),
    ].join('\n'),
});

function skippedNote(tooLarge: Parameters<typeof tooLargeNote>[0]): string {
  return tooLargeNote(tooLarge, 'searched', 'office run --max-file-bytes or code.maxFileBytes') ?? '';
}
