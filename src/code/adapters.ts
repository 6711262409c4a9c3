// Adapter registry (code intelligence): which language adapter reads which files, each loaded only when needed,
// so that starting the CLI loads no parser.
import type { LanguageAdapter } from './model.js';

export interface AdapterEntry {
  readonly id: string;
  /** Lower-case suffixes with the dot; known without loading the adapter, so the walker can filter. */
  readonly extensions: readonly string[];
  /** Suffixes left out although an extension matches (declaration files). */
  readonly excludeSuffixes?: readonly string[];
  /** Imports the adapter module (and awaits whatever start-up it needs, e.g. loading WASM grammars). */
  load(): Promise<LanguageAdapter>;
}

/** Every language the index reads. A new language is one more entry here. */
export const builtinAdapters: readonly AdapterEntry[] = [
  {
    id: 'ecmascript',
    extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
    excludeSuffixes: ['.d.ts', '.d.mts', '.d.cts'],
    load: async () => (await import('./ecmascript/index.js')).ecmascriptAdapter,
  },
  {
    id: 'python',
    extensions: ['.py'],
    load: async () => (await import('./treesitter/index.js')).pythonAdapter,
  },
  { id: 'go', extensions: ['.go'], load: async () => (await import('./treesitter/index.js')).goAdapter },
  {
    id: 'java',
    extensions: ['.java'],
    load: async () => (await import('./treesitter/index.js')).javaAdapter,
  },
];

/** The entry whose extensions match `path` (a relative or absolute file name), if any. */
export function adapterEntryFor(entries: readonly AdapterEntry[], path: string): AdapterEntry | undefined {
  const lower = path.toLowerCase();
  return entries.find(
    (entry) =>
      entry.extensions.some((e) => lower.endsWith(e)) &&
      !(entry.excludeSuffixes ?? []).some((e) => lower.endsWith(e)),
  );
}

/** Every extension some adapter reads, for the walker. */
export function indexedExtensions(entries: readonly AdapterEntry[]): string[] {
  return [...new Set(entries.flatMap((entry) => entry.extensions))];
}

const loaded = new Map<AdapterEntry, Promise<LanguageAdapter>>();

/** Loads an adapter once per process. */
export function loadAdapter(entry: AdapterEntry): Promise<LanguageAdapter> {
  let adapter = loaded.get(entry);
  if (!adapter) {
    adapter = entry.load();
    loaded.set(entry, adapter);
    adapter.catch(() => loaded.delete(entry));
  }
  return adapter;
}
