// Tree-sitter runtime (code intelligence): web-tree-sitter initialised once, each grammar compiled on first use.
//
// `Parser.init()` is asynchronous and `LanguageAdapter.extract` is not, so this module awaits the runtime at its
// top level: whoever imports it (the adapter registry imports adapters lazily and awaits the import) gets a ready
// runtime. Grammars are compiled synchronously (`Language.loadSync`) the first time a language is parsed, so an
// index of a Python tree never compiles the Go or Java grammar.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, LANGUAGE_VERSION, MIN_COMPATIBLE_VERSION, Parser, type Tree } from 'web-tree-sitter';
import { OfficeError } from '../../errors.js';

export type GrammarName = 'python' | 'go' | 'java';

const require = createRequire(import.meta.url);

await Parser.init();

const parsers = new Map<GrammarName, Parser>();

// Our `lib` setting carries no WebAssembly types; Node has the global.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } })
  .WebAssembly;

function grammarPath(name: GrammarName): string {
  return require.resolve(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${name}.wasm`);
}

function loadParser(name: GrammarName): Parser {
  let path: string;
  let language: Language;
  try {
    path = grammarPath(name);
    language = Language.loadSync(new wasm.Module(readFileSync(path)));
  } catch (err) {
    throw new OfficeError(
      `The ${name} grammar of @vscode/tree-sitter-wasm could not be loaded (${String(err)}). Reinstall office.`,
      { cause: err },
    );
  }
  const parser = new Parser();
  const abi = language.abiVersion;
  // Live bindings, set by Parser.init().
  if (abi < MIN_COMPATIBLE_VERSION || abi > LANGUAGE_VERSION) {
    parser.delete();
    throw new OfficeError(
      `The ${name} grammar at ${path} has tree-sitter ABI ${abi}; this web-tree-sitter reads ` +
        `${MIN_COMPATIBLE_VERSION}-${LANGUAGE_VERSION}. Reinstall office so that both packages match.`,
    );
  }
  parser.setLanguage(language);
  return parser;
}

/**
 * Parses `text` and hands the tree to `use`, deleting the tree afterwards: WASM memory is not garbage-collected.
 * `use` must not keep nodes: they die with the tree.
 */
export function withTree<T>(name: GrammarName, text: string, use: (tree: Tree) => T): T {
  let parser = parsers.get(name);
  if (!parser) {
    parser = loadParser(name);
    parsers.set(name, parser);
  }
  const tree = parser.parse(text);
  if (!tree)
    throw new OfficeError(`tree-sitter returned no ${name} tree; the parser was reset or cancelled.`);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
