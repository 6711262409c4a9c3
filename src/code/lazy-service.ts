// Code index, loaded on first use: the CLI can start (and --help can print) without loading parsers.
import type { CodeServiceOptions } from './code-service.js';
import type { CodeIndexService } from './service.js';

export function lazyCodeIndexService(options: CodeServiceOptions = {}): CodeIndexService {
  let loading: Promise<CodeIndexService> | undefined;
  const real = () => {
    loading ??= import('./code-service.js').then((m) => m.createCodeIndexService(options));
    return loading;
  };
  return {
    index: async (...args) => (await real()).index(...args),
    findSymbol: async (...args) => (await real()).findSymbol(...args),
    callers: async (...args) => (await real()).callers(...args),
    callees: async (...args) => (await real()).callees(...args),
    trace: async (...args) => (await real()).trace(...args),
    graph: async (...args) => (await real()).graph(...args),
    verifyPaths: async (...args) => (await real()).verifyPaths(...args),
  };
}
