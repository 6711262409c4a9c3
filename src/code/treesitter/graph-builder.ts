// Graph builder (code intelligence): symbols with stable ids and deduplicated call edges, shared by the
// tree-sitter languages; it also applies the rule that a heuristic edge never stands beside a precise one.
import {
  type CallEdge,
  type CallSite,
  type CodeSymbol,
  type EdgeKind,
  externalSymbol,
  type LinkedGraph,
  type SymbolKind,
} from '../model.js';

export interface SymbolSpec {
  readonly file: string;
  readonly name: string;
  readonly qualifiedName: string;
  readonly kind: SymbolKind;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
}

/** One resolved callee of a call site. */
export interface CallTarget {
  readonly to: string;
  readonly kind: EdgeKind;
  readonly note?: string;
}

/**
 * Method names too common for a name-only guess to mean anything (containers, I/O, lifecycle, dunder methods).
 * A call on an unknown receiver with one of these names gets no heuristic edge.
 */
// biome-ignore format: a word list reads better packed
export const commonMethodNames: ReadonlySet<string> = new Set([
  'get', 'set', 'put', 'add', 'append', 'extend', 'insert', 'remove', 'pop', 'push', 'clear', 'copy',
  'update', 'items', 'keys', 'values', 'index', 'count', 'sort', 'reverse', 'discard', 'setdefault', 'join',
  'split', 'strip', 'format', 'replace', 'encode', 'decode', 'lower', 'upper', 'startswith', 'endswith',
  'read', 'write', 'open', 'close', 'flush', 'send', 'recv', 'seek', 'readline', 'readlines', 'run', 'start',
  'stop', 'call', 'execute', 'apply', 'wait', 'next', 'iter', 'map', 'filter', 'reduce', 'len', 'size',
  'length', 'isEmpty', 'contains', 'containsKey', 'equals', 'hashCode', 'toString', 'compareTo', 'String',
  'Error', 'Close', 'Read', 'Write', 'Get', 'Set', 'Len', 'Add', 'Run', 'Start', 'Stop', 'debug', 'info',
  'warn', 'warning', 'error', 'exception', 'log', 'print', 'printf', 'println', 'then', 'catch', 'resolve',
  'reject', 'emit', 'on', 'off', 'init', 'load', 'save', 'parse', 'render', '__init__', '__call__',
  '__enter__', '__exit__', '__str__', '__repr__', '__eq__', '__hash__', '__len__', '__iter__', '__next__',
  '__getitem__', '__setitem__', '__getattr__', '__setattr__', '__new__',
]);

/** A name-only guess is made only when at most this many symbols carry the name. */
export const maxHeuristicCandidates = 3;

/** The targets a name-only guess may use: none for common names or too many candidates. */
export function heuristicTargets(name: string, candidates: readonly string[]): readonly string[] {
  if (commonMethodNames.has(name) || candidates.length === 0 || candidates.length > maxHeuristicCandidates) {
    return [];
  }
  return candidates;
}

export class GraphBuilder {
  readonly #symbols: CodeSymbol[] = [];
  readonly #ids = new Set<string>();
  readonly #edges: CallEdge[] = [];
  readonly #edgeKeys = new Set<string>();

  constructor(private readonly language: string) {}

  /** Adds a symbol and returns its id: `<file>#<qualified_name>`, with `~2`, `~3`… on a clash (overloads, redefinitions). */
  addSymbol(spec: SymbolSpec): string {
    const base = `${spec.file}#${spec.qualifiedName}`;
    let id = base;
    for (let n = 2; this.#ids.has(id); n++) id = `${base}~${n}`;
    this.#ids.add(id);
    this.#symbols.push({
      id,
      name: spec.name,
      qualified_name: spec.qualifiedName,
      kind: spec.kind,
      file: spec.file,
      line: spec.line,
      column: spec.column,
      end_line: Math.max(spec.line, spec.endLine),
      language: this.language,
    });
    return id;
  }

  /** Adds the symbol of library code handed a function of the tree at one call site (see `externalSymbol`). */
  addExternal(name: string, path: string, line: number, column: number): string {
    const symbol = externalSymbol(name, path, line, column, this.language);
    if (!this.#ids.has(symbol.id)) {
      this.#ids.add(symbol.id);
      this.#symbols.push(symbol);
    }
    return symbol.id;
  }

  /** Adds the edges of one call site; targets are deduplicated, a target reached precisely wins over a guess. */
  addCall(from: string, call: CallSite, targets: readonly CallTarget[]): void {
    const precise = targets.some((t) => t.kind !== 'heuristic');
    for (const target of targets) {
      if (precise && target.kind === 'heuristic') continue;
      const key = `${from}\0${target.to}\0${call.line}:${call.column}`;
      if (this.#edgeKeys.has(key)) continue;
      this.#edgeKeys.add(key);
      this.#edges.push({
        from,
        to: target.to,
        kind: target.kind,
        call,
        ...(target.note === undefined ? {} : { note: target.note }),
      });
    }
  }

  build(): LinkedGraph {
    return { symbols: this.#symbols, edges: this.#edges };
  }
}
