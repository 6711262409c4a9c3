// JS/TS parsing: picks the Babel dialect for a file's extension and falls back to script mode for old CommonJS.
import { type ParserOptions, parse } from '@babel/parser';
import type { File } from '@babel/types';

export type Dialect = 'ts' | 'tsx' | 'js';

/** Extensions the adapter reads; `.d.ts` files are declarations only and are skipped by the caller. */
export const ecmascriptExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function dialectOf(path: string): Dialect {
  if (path.endsWith('.tsx')) return 'tsx';
  if (path.endsWith('.ts') || path.endsWith('.mts') || path.endsWith('.cts')) return 'ts';
  return 'js';
}

export function isDeclarationFile(path: string): boolean {
  return /\.d\.[mc]?ts$/.test(path);
}

// `.ts` must not get `jsx`: `<T>value` casts would parse as elements. JS gets JSX but never Flow.
const pluginsByDialect: Record<Dialect, NonNullable<ParserOptions['plugins']>> = {
  ts: ['typescript', 'decorators-legacy', 'decoratorAutoAccessors'],
  tsx: ['jsx', 'typescript', 'decorators-legacy', 'decoratorAutoAccessors'],
  js: ['jsx', 'decorators-legacy', 'decoratorAutoAccessors'],
};

/**
 * Parses with error recovery. Module mode first (ESM and most CommonJS parse fine there); if that throws,
 * script mode (legacy CommonJS: `with`, octal literals), then `unambiguous`. Returns the first error when all fail.
 */
export function parseSource(text: string, dialect: Dialect): { ast: File } | { error: string } {
  const base: ParserOptions = {
    plugins: pluginsByDialect[dialect],
    errorRecovery: true,
    // Extraction never reads comments off nodes (surface.ts reads the file's list), and attaching them costs.
    attachComment: false,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowUndeclaredExports: true,
    allowNewTargetOutsideFunction: true,
    allowSuperOutsideMethod: true,
  };
  let first: unknown;
  for (const sourceType of ['module', 'script', 'unambiguous'] as const) {
    try {
      return { ast: parse(text, { ...base, sourceType }) };
    } catch (err) {
      first ??= err;
    }
  }
  return { error: first instanceof Error ? first.message : String(first) };
}
