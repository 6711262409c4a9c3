// `--exclude GLOB` (Receptionist): more gitignore-syntax rules for the code index and search of one command, on top
// of .gitignore and config `code.exclude`.
import { UsageError } from '../errors.js';
import type { OfficeConfig } from '../schemas/config.js';

/** `code` with the `--exclude` values added (each must say something: an empty rule excludes nothing). */
export function withExclude(
  code: OfficeConfig['code'],
  globs: readonly string[] | undefined,
): OfficeConfig['code'] {
  if (!globs || globs.length === 0) return code;
  for (const glob of globs) {
    if (glob.trim() === '' || glob.trim().startsWith('#')) {
      throw new UsageError(
        `--exclude "${glob}" is not a rule: give a gitignore-style glob such as "dist/" or "**/*.gen.ts"`,
      );
    }
  }
  return { ...code, exclude: [...code.exclude, ...globs] };
}
