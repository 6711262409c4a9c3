// What a walk left out for size (shared by search_code and the code index): a count and the largest few, for the
// result and for a line on stderr, so that "no match" or `not_found` never hides a file that was not read.
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** The largest files of a set left out, largest first (at most five). */
export const largestSchema = z.array(z.strictObject({ file: z.string(), bytes: z.int() }));

export const tooLargeSchema = z.strictObject({
  /** The cap in force, in bytes. */
  max_file_bytes: z.int(),
  /** Files left out for being larger. */
  files: z.int(),
  /** The largest of them, largest first (at most five). */
  largest: largestSchema,
});
export type TooLarge = z.infer<typeof tooLargeSchema>;

const LARGEST_SHOWN = 5;

export function summarizeTooLarge(
  files: readonly { readonly path: string; readonly bytes: number }[],
  maxFileBytes: number,
): TooLarge {
  return { max_file_bytes: maxFileBytes, files: files.length, largest: largestOf(files) };
}

/** The few largest of `files`, largest first (ties by path), as results show them. */
export function largestOf(
  files: readonly { readonly path: string; readonly bytes: number }[],
): z.infer<typeof largestSchema> {
  return [...files]
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, LARGEST_SHOWN)
    .map((f) => ({ file: f.path, bytes: f.bytes }));
}

/** "a.js (3.1 MB), b.js (2.4 MB), and 3 more": the largest shown, and how many were not. */
export function largestText(summary: {
  readonly files: number;
  readonly largest: z.infer<typeof largestSchema>;
}): string {
  const shown = summary.largest.map((f) => `${f.file} (${formatBytes(f.bytes)})`).join(', ');
  const more = summary.files - summary.largest.length;
  return more > 0 ? `${shown}, and ${more} more` : shown;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "2 files over the 2.0 MB cap were not read: a.js (3.1 MB), b.js (2.4 MB); raise it with <how>". */
export function tooLargeNote(summary: TooLarge, verb: string, how: string): string | undefined {
  if (summary.files === 0) return undefined;
  return (
    `${summary.files} file${summary.files === 1 ? '' : 's'} over the ${formatBytes(summary.max_file_bytes)} cap ` +
    `${summary.files === 1 ? 'was' : 'were'} not ${verb}: ${largestText(summary)}; raise the cap with ${how}`
  );
}

/** `--max-file-bytes` values: a whole number of bytes, or with k / m (KiB, MiB), e.g. 500k, 8m. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase().charAt(0);
  const n = Number(match[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Settings with `--max-file-bytes` applied (the config's `code` section, for search and the code index). */
export function withMaxFileBytes<C extends { readonly maxFileBytes: number }>(
  config: C,
  flag: string | undefined,
): C {
  if (flag === undefined) return config;
  const bytes = parseByteSize(flag);
  if (bytes === undefined) {
    throw new UsageError(`--max-file-bytes takes a size in bytes, e.g. 5000000, 800k or 8m (got "${flag}").`);
  }
  return { ...config, maxFileBytes: bytes };
}
