// Minified JavaScript (bundles, vendored builds such as `.yarn/plugins/*.cjs`): left out of the code index by
// default. Nobody traces a path through a bundle's one-letter names, and a megabyte of them costs more to analyse
// than the rest of a tree: a module table indexed by number makes every `require(n)` a call of every module.
import { z } from 'zod';
import { largestOf, largestSchema, largestText } from './too-large.js';

export const minifiedSchema = z.strictObject({
  /** Minified files left out. */
  files: z.int(),
  /** The largest of them, largest first (at most five). */
  largest: largestSchema,
});
export type Minified = z.infer<typeof minifiedSchema>;

const SCRIPT = /\.(js|cjs|mjs)$/;
/** GitHub Linguist's rule: lines averaging more than this many characters. */
const AVERAGE_LINE = 110;
/** Smaller files cost nothing to analyse, whatever their lines: they stay in. */
const MIN_BYTES = 16 * 1024;

/** Whether `text` at `path` is minified JavaScript: `*.min.js`, or 16 KB or more of lines averaging over 110 chars. */
export function isMinified(path: string, text: string): boolean {
  if (!SCRIPT.test(path)) return false;
  if (/\.min\.[cm]?js$/.test(path)) return true;
  if (text.length < MIN_BYTES) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > AVERAGE_LINE;
}

export function summarizeMinified(
  files: readonly { readonly path: string; readonly bytes: number }[],
): Minified {
  return { files: files.length, largest: largestOf(files) };
}

/** "1 minified file was not indexed: .yarn/plugins/x.cjs (1.0 MB); set code.indexMinified …". */
export function minifiedNote(summary: Minified | undefined): string | undefined {
  if (!summary || summary.files === 0) return undefined;
  const one = summary.files === 1;
  return (
    `${summary.files} minified JavaScript file${one ? ' was' : 's were'} not indexed: ${largestText(summary)}; ` +
    `set "code": { "indexMinified": true } in .office.config.json to index ${one ? 'it' : 'them'}`
  );
}
