// `office callers X` and `office callees X` (Receptionist): the tree of who calls a symbol (or what it calls) to a
// depth, as text, JSON, Mermaid, dot or an HTML page; with --watch, answered again on every change.
import { resolve } from 'node:path';
import { treeFacts } from '../../code/answer-changes.js';
import { indexRoot } from '../../code/indexer.js';
import { MAX_TREE_DEPTH, type NeighboursResult } from '../../code/service.js';
import { formatNeighboursVimgrep } from '../../code/format-vimgrep.js';
import { formatTree, treeFormats } from '../../code/tree-format.js';
import { type ExitCode, exitCodeForAnswer } from '../../errors.js';
import { callTreeReportHtml } from '../../report/call-tree-report.js';
import { withMaxFileBytes } from '../../util/too-large.js';
import { editorPathView, vimgrepOutput } from '../editor-output.js';
import { withExclude } from '../exclude.js';
import { stdoutPathView } from '../path-view.js';
import { printRound, watchAnswers } from '../watch.js';
import {
  type CodeCommandDeps,
  chooseFormat,
  codeService,
  refuseDiagramWatch,
  reportTooLarge,
  watchingNote,
  wholeNumber,
  withIndexProgress,
  workspaceCodeConfig,
} from './trace.js';

export interface CallsCommandOptions {
  dir?: string;
  depth?: string;
  maxResults?: string;
  format?: string;
  json?: boolean;
  allSites?: boolean;
  watch?: boolean;
  maxFileBytes?: string;
  /** --exclude: more gitignore-style rules for the index, on top of config code.exclude. */
  exclude?: string[];
}

/** Levels of the tree when --depth is not given. */
export const DEFAULT_TREE_DEPTH = 3;

export function callersCommand(symbol: string, opts: CallsCommandOptions, deps?: CodeCommandDeps) {
  return callsCommand('callers', symbol, opts, deps);
}

export function calleesCommand(symbol: string, opts: CallsCommandOptions, deps?: CodeCommandDeps) {
  return callsCommand('callees', symbol, opts, deps);
}

async function callsCommand(
  direction: 'callers' | 'callees',
  symbol: string,
  opts: CallsCommandOptions,
  deps: CodeCommandDeps = {},
): Promise<ExitCode> {
  const format = chooseFormat(
    opts.json ? 'json' : opts.format,
    [...treeFormats, 'html', 'vimgrep'] as const,
    '--format',
  );
  if (opts.watch) refuseDiagramWatch(format);
  const depth = wholeNumber(opts.depth, '--depth', 1, MAX_TREE_DEPTH) ?? DEFAULT_TREE_DEPTH;
  const maxResults = wholeNumber(opts.maxResults, '--max-results', 1, 10_000);
  const dir = resolve(opts.dir ?? '.');
  const config = withExclude(
    withMaxFileBytes(deps.config ?? (await workspaceCodeConfig(dir)), opts.maxFileBytes),
    opts.exclude,
  );
  const service = deps.service ?? codeService(config);
  const limits = { depth, ...(maxResults !== undefined ? { maxResults } : {}) };
  const ask = (signal?: AbortSignal): Promise<NeighboursResult> =>
    withIndexProgress((progress) =>
      service[direction](dir, symbol, { ...progress, ...limits, ...(signal ? { signal } : {}) }),
    );
  const show = stdoutPathView(dir);
  const sites = { allSites: opts.allSites === true, hint: true };
  if (opts.watch) {
    return watchAnswers({
      dir: await indexRoot(dir),
      answer: ask,
      show: (round) => {
        printRound(round, {
          json: format === 'json',
          render: (result) => formatTree(result, 'text', show, sites),
          facts: treeFacts,
          show,
        });
        if (round.previous === undefined) reportTooLarge(round.result.stats);
      },
      ready: () => watchingNote(dir),
    });
  }
  const result = await ask();
  process.stdout.write(
    format === 'html'
      ? callTreeReportHtml(result)
      : format === 'vimgrep'
        ? vimgrepOutput(formatNeighboursVimgrep(result, editorPathView(dir)), result.notes)
        : formatTree(result, format, show, sites),
  );
  reportTooLarge(result.stats);
  return exitCodeForAnswer(result.status);
}
