// `office trace FROM TO` (Receptionist): prints the call paths between two symbols as text, JSON, Mermaid or dot.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { traceFacts } from '../../code/answer-changes.js';
import { createCodeIndexService } from '../../code/code-service.js';
import { indexRoot } from '../../code/indexer.js';
import { formatTrace, traceFormats } from '../../code/format.js';
import { formatTraceVimgrep } from '../../code/format-vimgrep.js';
import type { CodeIndexService, IndexOptions, IndexStats } from '../../code/service.js';
import { type ExitCode, exitCodeForAnswer, UsageError } from '../../errors.js';
import { traceReportHtml } from '../../report/trace-report.js';
import { loadConfig } from '../../config/load.js';
import type { OfficeConfig } from '../../schemas/config.js';
import { minifiedNote } from '../../util/minified.js';
import { tooLargeNote, withMaxFileBytes } from '../../util/too-large.js';
import { stdoutPathView } from '../path-view.js';
import { printRound, watchAnswers } from '../watch.js';
import { editorPathView, vimgrepOutput } from '../editor-output.js';
import { withExclude } from '../exclude.js';
import { isQuiet, note } from '../quiet.js';
import { findWorkspaceRoot } from '../../util/workspace.js';

export interface TraceCommandOptions {
  dir?: string;
  maxPaths?: string;
  maxDepth?: string;
  format?: string;
  json?: boolean;
  maxFileBytes?: string;
  /** List every call site of each hop in text output, not only the first. */
  allSites?: boolean;
  /** Say under each hop why office believes the call goes there. */
  why?: boolean;
  /** Answer again whenever a file of the tree changes, until Ctrl-C. */
  watch?: boolean;
  /** --exclude: more gitignore-style rules for the index, on top of config code.exclude. */
  exclude?: string[];
}

/** What the caller may supply: the workspace's code settings, and a service (tests, or one shared per process). */
export interface CodeCommandDeps {
  readonly config?: OfficeConfig['code'];
  readonly service?: CodeIndexService;
}

export async function traceCommand(
  from: string,
  to: string,
  opts: TraceCommandOptions,
  deps: CodeCommandDeps = {},
): Promise<ExitCode> {
  const format = chooseFormat(
    opts.json ? 'json' : opts.format,
    [...traceFormats, 'html', 'vimgrep'] as const,
    '--format',
  );
  if (opts.watch) refuseDiagramWatch(format);
  const maxPaths = wholeNumber(opts.maxPaths, '--max-paths', 1, 100);
  const dir = resolve(opts.dir ?? '.');
  const config = withExclude(
    withMaxFileBytes(deps.config ?? (await workspaceCodeConfig(dir)), opts.maxFileBytes),
    opts.exclude,
  );
  const maxDepth = wholeNumber(opts.maxDepth, '--max-depth', 1, 64) ?? config.maxDepth;
  const service = deps.service ?? codeService(config);
  const query = {
    dir,
    from,
    to,
    maxDepth,
    ...(maxPaths !== undefined ? { maxPaths } : {}),
    ...(opts.why ? { why: true } : {}),
  };
  const show = stdoutPathView(dir);
  const sites = { allSites: opts.allSites === true, hint: true };
  if (opts.watch) {
    return watchAnswers({
      dir: await indexRoot(dir),
      answer: (signal) => withIndexProgress((progress) => service.trace(query, { ...progress, signal })),
      show: (round) => {
        printRound(round, {
          json: format === 'json',
          render: (result) => formatTrace(result, 'text', show, sites),
          facts: traceFacts,
          show,
        });
        if (round.previous === undefined) reportTooLarge(round.result.stats);
      },
      ready: () => watchingNote(dir),
    });
  }
  const result = await withIndexProgress((progress) => service.trace(query, progress));
  process.stdout.write(
    format === 'html'
      ? traceReportHtml(result)
      : format === 'vimgrep'
        ? vimgrepOutput(formatTraceVimgrep(result, editorPathView(dir)), result.notes)
        : formatTrace(result, format, show, sites),
  );
  reportTooLarge(result.stats);
  return exitCodeForAnswer(result.status);
}

/** `--watch` prints text, or JSON lines: a diagram or a page is one document, not a stream of them. */
export function refuseDiagramWatch(format: string): void {
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--watch prints text or JSON (one object per line), not ${format}.`);
  }
}

/** Said once on stderr when watching starts. */
export function watchingNote(dir: string): void {
  note(`office: watching ${dir} for changes; Ctrl-C to stop`);
}

/** The `code` settings of the workspace DIR belongs to (defaults when it has no config file). */
export async function workspaceCodeConfig(dir: string): Promise<OfficeConfig['code']> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--dir ${dir} is not a directory`);
  }
  return (await loadConfig(findWorkspaceRoot(dir))).config.code;
}

/** Files the index left out for size, on stderr as well: a `not_found` may be one of them. */
export function reportTooLarge(stats: IndexStats): void {
  const skipped = tooLargeNote(stats.too_large, 'indexed', '--max-file-bytes');
  if (skipped) note(`office: ${skipped}`);
  const minified = minifiedNote(stats.minified);
  if (minified) note(`office: ${minified}`);
}

export function codeService(config: OfficeConfig['code']): CodeIndexService {
  return createCodeIndexService({
    exclude: config.exclude,
    maxFileBytes: config.maxFileBytes,
    indexMinified: config.indexMinified,
    maxDepth: config.maxDepth,
  });
}

/** Checks a `--format` value against the formats a command prints. */
export function chooseFormat<F extends string>(
  value: string | undefined,
  formats: readonly F[],
  flag: string,
): F {
  const format = value ?? formats[0]!;
  if (!(formats as readonly string[]).includes(format)) {
    throw new UsageError(`${flag} must be one of ${formats.join(', ')} (got "${format}").`);
  }
  return format as F;
}

/** A flag's whole number within [min, max], or a usage error naming the flag; undefined when not given. */
export function wholeNumber(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}").`);
  }
  return n;
}

/**
 * Runs an index-backed query with a progress bar on stderr while files are parsed, only when stderr is a
 * terminal: stdout carries the answer, and a pipe or CI log gets no bar.
 */
export async function withIndexProgress<T>(query: (options: IndexOptions) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY || isQuiet()) return query({});
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream: process.stderr,
      format: 'indexing [{bar}] {value}/{total} files{rate}',
      clearOnComplete: true,
      hideCursor: true,
    },
    progress.Presets.shades_classic,
  );
  let started = false;
  const since = performance.now();
  /** Files per second and what is left, or, once every file is read, the phase that follows (the calls). */
  const rate = (done: number, total: number, first: number): string => {
    if (total > 0 && done >= total) return ' — linking calls (value flow)';
    const seconds = (performance.now() - since) / 1000;
    const speed = (done - first) / seconds;
    // The first seconds (workers starting, the cache read) say little about the rest.
    if (seconds < 2 || done - first < 50 || speed <= 0) return '';
    return `, ${Math.round(speed)} files/s, about ${Math.ceil((total - done) / speed)} s left`;
  };
  let first = 0;
  try {
    return await query({
      onProgress: (done, total) => {
        if (!started) {
          // Files found in the cache are counted at once: the rate is of the files parsed since.
          first = done;
          bar.start(total, done, { rate: rate(done, total, first) });
          started = true;
        } else bar.update(done, { rate: rate(done, total, first) });
      },
    });
  } finally {
    if (started) bar.stop();
  }
}
