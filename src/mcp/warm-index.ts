// The code index of an `office mcp` process ("Receptionist"): one code service for every call, so the index of a
// directory stays in memory between calls, and a record of which directories it holds, so a result can say so.
import { realpath } from 'node:fs/promises';
import type { CodeIndexService } from '../code/service.js';

export interface WarmCodeIndex extends CodeIndexService {
  /** True when an earlier call of this process indexed `dir` (the code service keeps that index in memory). */
  isWarm(dir: string): Promise<boolean>;
}

async function realDir(dir: string): Promise<string> {
  return realpath(dir).catch(() => dir);
}

/**
 * Wraps the code service, noting every directory a call indexed successfully. The service keeps the last index
 * of each directory for the life of the process, so a noted directory is served from memory: only files whose
 * content changed since are parsed again (the result's `cache` says whether any was).
 */
export function warmCodeIndex(service: CodeIndexService): WarmCodeIndex {
  const indexed = new Set<string>();
  const noting = <T>(dir: string, work: Promise<T>): Promise<T> =>
    work.then(async (value) => {
      indexed.add(await realDir(dir));
      return value;
    });
  return {
    index: (dir, options) => noting(dir, service.index(dir, options)),
    findSymbol: (dir, query, options) => noting(dir, service.findSymbol(dir, query, options)),
    callers: (dir, symbol, options) => noting(dir, service.callers(dir, symbol, options)),
    callees: (dir, symbol, options) => noting(dir, service.callees(dir, symbol, options)),
    trace: (query, options) => noting(query.dir, service.trace(query, options)),
    graph: (dir, options) => noting(dir, service.graph(dir, options)),
    verifyPaths: (dir, paths, options) => noting(dir, service.verifyPaths(dir, paths, options)),
    isWarm: async (dir) => indexed.has(await realDir(dir)),
  };
}
