// Watch mode (Receptionist): answers a code question, then again each time a file of the tree changes (Node's
// recursive fs.watch, debounced), until Ctrl-C, which ends it with exit 0. The answers come from one code service,
// whose index is incremental: only the files that changed are parsed again.
import { type FSWatcher, watch } from 'node:fs';
import { extname } from 'node:path';
import { builtinAdapters, indexedExtensions } from '../code/adapters.js';
import { type AnswerFacts, answerChanges, changesText, isUnchanged } from '../code/answer-changes.js';
import type { ShowPath } from '../code/format.js';
import { EXIT, type ExitCode, OfficeError } from '../errors.js';
import { inSkippedDirectory } from '../util/walk.js';
import { onInterrupt } from './interrupts.js';

/** Quiet time after the last change before answering again: an editor's save is several events. */
const DEBOUNCE_MS = 200;

const SOURCE_EXTENSIONS = new Set(indexedExtensions(builtinAdapters));

/**
 * Whether a change to `rel` (relative to the watched tree) can change an answer: a source file, a JSON file (tsconfig
 * and package.json steer module resolution), an ignore file, or a directory (no extension: a folder moved or removed).
 * Never anything in `.git`, `node_modules` or `.office` (office's own cache is written there while it answers).
 */
export function mattersToIndex(rel: string): boolean {
  if (inSkippedDirectory(rel)) return false;
  const name = rel.split(/[\\/]/).at(-1) ?? rel;
  const ext = extname(name).toLowerCase();
  return ext === '' || ext === '.json' || name === '.gitignore' || SOURCE_EXTENSIONS.has(ext);
}

export interface WatchRound<R> {
  readonly result: R;
  /** The files whose change led to this answer (relative to the watched tree); none for the first answer. */
  readonly changed: readonly string[];
  /** The answer before this one; undefined for the first. */
  readonly previous: R | undefined;
}

export interface WatchOptions<R> {
  /** The tree to watch, absolute. */
  readonly dir: string;
  /** Answers the question; the signal is aborted by Ctrl-C. */
  answer(signal: AbortSignal): Promise<R>;
  /** Prints one answer (and what changed since the one before). */
  show(round: WatchRound<R>): void;
  /** Told once the tree is watched and the first answer printed. */
  ready?(): void;
  readonly debounceMs?: number;
}

/**
 * Answers, then answers again after each quiet spell following changes, one answer at a time, until interrupted.
 * An error in the first answer ends watching (it is thrown); a later one is reported and watching goes on.
 */
export async function watchAnswers<R>(options: WatchOptions<R>): Promise<ExitCode> {
  const controller = new AbortController();
  let finish!: (code: ExitCode) => void;
  const finished = new Promise<ExitCode>((resolve) => {
    finish = resolve;
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let previous: R | undefined;

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void answerAgain(), options.debounceMs ?? DEBOUNCE_MS);
  };
  const answerAgain = async (): Promise<void> => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    const changed = [...pending].sort();
    pending.clear();
    try {
      const result = await options.answer(controller.signal);
      if (controller.signal.aborted) return;
      options.show({ result, changed, previous });
      previous = result;
    } catch (err) {
      if (controller.signal.aborted) return;
      process.stderr.write(`office: ${(err as Error).message}; still watching\n`);
    } finally {
      busy = false;
    }
    if (pending.size > 0) schedule();
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(options.dir, { recursive: true }, (_event, name) => {
      const rel = name === null ? '.' : String(name);
      if (name !== null && !mattersToIndex(rel)) return;
      pending.add(rel);
      schedule();
    });
  } catch (err) {
    throw new OfficeError(
      `could not watch ${options.dir} for changes (${(err as Error).message}); run without --watch, or raise ` +
        'the limit on watched folders (Linux: sysctl fs.inotify.max_user_watches)',
    );
  }
  watcher.on('error', (err) => {
    process.stderr.write(`office: stopped watching ${options.dir}: ${err.message}\n`);
    finish(EXIT.failed);
  });
  // Ctrl-C ends watching with exit 0: stopping is how a watch is meant to end, not a failure.
  const dispose = onInterrupt(() => finish(EXIT.ok));
  try {
    busy = true;
    const answering = options.answer(controller.signal).then((result) => ({ result }));
    // Interrupted while answering the first time: that answer is abandoned (its rejection is expected).
    answering.catch(() => undefined);
    const first = await Promise.race([answering, finished.then((code) => ({ code }))]);
    busy = false;
    if ('code' in first) return first.code;
    options.show({ result: first.result, changed: [], previous: undefined });
    previous = first.result;
    options.ready?.();
    if (pending.size > 0) schedule();
    return await finished;
  } finally {
    controller.abort();
    clearTimeout(timer);
    watcher.close();
    dispose();
  }
}

export interface AnswerPrinter<R> {
  /** One JSON object per line (`changed_files`, `changes`, `result`) instead of text. */
  readonly json: boolean;
  /** The whole answer as text. */
  render(result: R): string;
  /** The facts of an answer that changes are told by; locations in them shown with `show`, or as indexed. */
  facts(result: R, show?: ShowPath): AnswerFacts;
  /** How a file (relative to the watched tree) is shown in text. */
  readonly show: ShowPath;
}

/**
 * Prints one answer of a watch on stdout: the first in full; each later one under a line naming the files that
 * changed, with what changed in the answer, then in full (only the line when nothing changed).
 */
export function printRound<R>(round: WatchRound<R>, printer: AnswerPrinter<R>): void {
  const changes =
    round.previous === undefined
      ? null
      : printer.json
        ? answerChanges(printer.facts(round.previous), printer.facts(round.result))
        : answerChanges(
            printer.facts(round.previous, printer.show),
            printer.facts(round.result, printer.show),
          );
  if (printer.json) {
    process.stdout.write(
      `${JSON.stringify({ changed_files: round.changed, changes, result: round.result })}\n`,
    );
    return;
  }
  if (!changes) {
    process.stdout.write(printer.render(round.result));
    return;
  }
  const time = new Date().toTimeString().slice(0, 8);
  const files =
    round.changed
      .slice(0, 3)
      .map((file) => printer.show(file))
      .join(', ') + (round.changed.length > 3 ? ` and ${round.changed.length - 3} more` : '');
  process.stdout.write(`\n── ${time} · changed: ${files} ──\n${changesText(changes).join('\n')}\n`);
  if (!isUnchanged(changes)) process.stdout.write(printer.render(round.result));
}
