// JS/TS language adapter (code intelligence): precise call edges for .ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs.
//
// extract(file) parses with Babel and records facts (facts.ts): symbols, scoped bindings with their values and
// declared types, classes and interfaces, exports, and call sites described as unevaluated shapes. It is a pure
// function of the text (the indexer caches it by content hash).
//
// link(files) resolves modules between files (modules.ts: relative paths, tsconfig `paths` and `baseUrl` read by
// tsconfig.ts, package.json `imports` and in-tree packages), evaluates shapes across files (types.ts), and resolves
// each call most precisely first (calls.ts): direct, method, constructor, dispatch (to every implementation or
// override in the tree), callback; `heuristic` name matching only for untyped receivers with few candidates.
// Calls in TypeScript files the syntactic pass cannot type (generics, inferred returns) are left pending.
//
// refine({ outgoingFrom, incomingTo }) resolves pending calls (refiner.ts) with the TypeScript checker
// (checker.ts), only those inside the requested symbols or named like them, in a ts-morph project holding only the
// files those calls' modules import, whose imports resolve as link resolved them. ts-morph is loaded on the first
// call that needs the checker, never by link. Each site is resolved once per process; refine returns only edges not
// returned before, so the indexer's fixpoint loop ends.
//
// Caching: link and refine are deterministic for a given set of (path, content hash) of the files linked together
// plus the config files module resolution reads (tsconfig chains, package.json files, also above the indexed
// directory): linkInputsDigest fingerprints the latter, and the indexer keys its linked graph and refinements by
// both (with `version`), so an edited tsconfig re-links. src/code/refine.ts persists what refine returned and the
// symbols it asked about under that key and skips asking again. After an edit that key changes; memo() then carries
// the checker's answers per call over to the next link, which reuses those whose file and imports are unchanged.
import type { CallEdge, LanguageAdapter, LinkedGraph, RefineRequest } from '../model.js';
import { extractFacts } from './extract.js';
import { type EcmascriptFacts, FACTS_VERSION } from './facts.js';
import { LinkedProgram } from './link.js';
import { ModuleConfig } from './modules.js';
import { ecmascriptExtensions } from './parse.js';
import { Refiner } from './refiner.js';

export type { EcmascriptFacts } from './facts.js';

export const ecmascriptAdapter: LanguageAdapter<EcmascriptFacts> = {
  id: 'ecmascript',
  // Facts version plus linking version: the indexer keys cached facts and refinements by it, and refinements
  // depend on how linking resolves calls. Bump `link-N` when linking changes, FACTS_VERSION when facts do.
  version: `${FACTS_VERSION};link-7`,
  extensions: ecmascriptExtensions,
  extract: (file) => extractFacts(file.text, file.path),
  linkInputsDigest: (paths, ctx) => new ModuleConfig(ctx.root).digestFor(paths),
  async link(files, ctx): Promise<LinkedGraph> {
    const program = await LinkedProgram.create(files, ctx);
    const explain = async (edges: readonly CallEdge[]) =>
      (await LinkedProgram.create(files, { ...ctx, provenance: true })).explain(edges);
    const graph: LinkedGraph = { symbols: program.symbols, edges: [...program.edges], explain };
    if (program.pending.length === 0) return graph;
    // ts-morph is loaded only when a call needs the checker: answers remembered from an earlier index do not.
    const refiner = new Refiner(program, ctx.memo, async (linked) => {
      const { TsChecker } = await import('./checker.js');
      return new TsChecker(linked);
    });
    return {
      ...graph,
      refine: (request: RefineRequest) => refiner.refine(request),
      refineScope: refiner.scope(),
      memo: () => refiner.memo(),
    };
  },
};
