// Cached facts (code intelligence): facts handed back by the indexer may come from a cache file on disk, so each
// tree-sitter linker checks them against its schema and extracts the file again when they are unusable.
import type { z } from 'zod';
import type { SourceFile } from '../model.js';

export function usableFacts<T>(
  schema: z.ZodType<T>,
  file: SourceFile,
  facts: unknown,
  extract: (file: SourceFile) => T,
): T {
  const parsed = schema.safeParse(facts);
  return parsed.success ? parsed.data : extract(file);
}
