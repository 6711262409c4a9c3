// A tiny language for testing the indexer, cache, refinement and service apart from any real parser.
//
//   def checkout          a function (symbol at this line)
//     place()             a call resolved by `link` (kind direct): to the function of that name in the same file,
//                         else to every function of that name
//     ?charge()           a call only `refine` resolves (like a call the TS checker must type)
//     ~save()             a call matched by name only (kind heuristic)
//
// Lines before the first `def` belong to the file's module symbol.
import type {
  CallEdge,
  CodeSymbol,
  LanguageAdapter,
  LinkedGraph,
  RefineRequest,
} from '../../src/code/model.js';

interface ToyCall {
  name: string;
  line: number;
  column: number;
  text: string;
  mode: 'link' | 'refine' | 'heuristic';
}
interface ToyFunction {
  name: string;
  line: number;
  endLine: number;
  calls: ToyCall[];
}
interface ToyFacts {
  functions: ToyFunction[];
  moduleCalls: ToyCall[];
}

export interface ToyAdapter extends LanguageAdapter<ToyFacts> {
  /** Paths passed to `extract`, in order. */
  readonly extracted: string[];
  /** Every refine request received. */
  readonly refineRequests: RefineRequest[];
  /** The `ctx.memo` each `link` was given, in order (undefined when none). */
  readonly linkMemos: unknown[];
}

export function toyAdapter(version = '1'): ToyAdapter {
  const extracted: string[] = [];
  const refineRequests: RefineRequest[] = [];
  const linkMemos: unknown[] = [];
  return {
    id: 'toy',
    version,
    extensions: ['.toy'],
    extracted,
    refineRequests,
    linkMemos,
    extract(file) {
      extracted.push(file.path);
      const facts: ToyFacts = { functions: [], moduleCalls: [] };
      let current: ToyFunction | undefined;
      file.text.split('\n').forEach((raw, i) => {
        const line = i + 1;
        const def = /^def\s+(\w+)/.exec(raw);
        if (def) {
          current = { name: def[1]!, line, endLine: line, calls: [] };
          facts.functions.push(current);
          return;
        }
        const call = /^(\s*)([?~]?)(\w+)\(\)/.exec(raw);
        if (!call) return;
        const mode = call[2] === '?' ? 'refine' : call[2] === '~' ? 'heuristic' : 'link';
        const entry: ToyCall = { name: call[3]!, line, column: call[1]!.length + 1, text: raw.trim(), mode };
        if (current) {
          current.calls.push(entry);
          current.endLine = line;
        } else facts.moduleCalls.push(entry);
      });
      return facts;
    },
    async link(files, ctx): Promise<LinkedGraph> {
      linkMemos.push(ctx.memo);
      const symbols: CodeSymbol[] = [];
      const byName = new Map<string, CodeSymbol[]>();
      const owned: { from: string; file: string; call: ToyCall }[] = [];
      for (const { file, facts } of files) {
        const lines = file.text.split('\n').length;
        const moduleId = `${file.path}#<module>`;
        symbols.push({
          id: moduleId,
          name: '<module>',
          qualified_name: '<module>',
          kind: 'module',
          file: file.path,
          line: 1,
          column: 1,
          end_line: Math.max(1, lines),
          language: 'toy',
        });
        for (const call of facts.moduleCalls) owned.push({ from: moduleId, file: file.path, call });
        for (const fn of facts.functions) {
          const symbol: CodeSymbol = {
            id: `${file.path}#${fn.name}`,
            name: fn.name,
            qualified_name: fn.name,
            kind: 'function',
            file: file.path,
            line: fn.line,
            column: 1,
            end_line: fn.endLine,
            language: 'toy',
          };
          symbols.push(symbol);
          byName.set(fn.name, [...(byName.get(fn.name) ?? []), symbol]);
          for (const call of fn.calls) owned.push({ from: symbol.id, file: file.path, call });
        }
      }
      const targetsOf = (site: (typeof owned)[number]): CodeSymbol[] => {
        const all = byName.get(site.call.name) ?? [];
        const local = all.filter((target) => target.file === site.file);
        return local.length > 0 ? local : all;
      };
      const edgesOf = (site: (typeof owned)[number]): CallEdge[] =>
        targetsOf(site).map((target) => ({
          from: site.from,
          to: target.id,
          kind: site.call.mode === 'heuristic' ? 'heuristic' : 'direct',
          call: { file: site.file, line: site.call.line, column: site.call.column, text: site.call.text },
        }));
      const resolved = new Set<(typeof owned)[number]>();
      return {
        symbols,
        edges: owned.filter((site) => site.call.mode !== 'refine').flatMap(edgesOf),
        async refine(request) {
          refineRequests.push(request);
          const names = new Set(
            (request.incomingTo ?? []).map((id) => symbols.find((s) => s.id === id)?.name).filter(Boolean),
          );
          const sites = owned.filter(
            (site) =>
              site.call.mode === 'refine' &&
              !resolved.has(site) &&
              ((request.outgoingFrom ?? []).includes(site.from) || names.has(site.call.name)),
          );
          for (const site of sites) resolved.add(site);
          return sites.flatMap(edgesOf);
        },
        // What a real adapter would remember per call; here, which calls refine resolved.
        memo: () => ({ resolved: [...resolved].map((site) => `${site.file}:${site.call.line}`) }),
      };
    },
  };
}

/** The registry entry for a toy adapter instance. */
export function toyEntry(adapter: ToyAdapter) {
  return { id: adapter.id, extensions: adapter.extensions, load: async () => adapter };
}
