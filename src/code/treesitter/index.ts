// Tree-sitter language adapters (code intelligence): Python, Go and Java on the shared code model.
// Importing this module initialises web-tree-sitter (top-level await in ./runtime.ts); grammars compile on first use.
import type { LanguageAdapter } from '../model.js';
import type { GoFacts } from './go/facts.js';
import { extractGo } from './go/extract.js';
import { linkGo } from './go/link.js';
import type { JavaFacts } from './java/facts.js';
import { extractJava } from './java/extract.js';
import { linkJava } from './java/link.js';
import type { PyFacts } from './python/facts.js';
import { extractPython } from './python/extract.js';
import { linkPython } from './python/link.js';

export const pythonAdapter: LanguageAdapter<PyFacts> = {
  id: 'python',
  version: '4',
  extensions: ['.py'],
  extract: extractPython,
  link: async (files, ctx) => linkPython(files, ctx),
};

export const goAdapter: LanguageAdapter<GoFacts> = {
  id: 'go',
  version: '1',
  extensions: ['.go'],
  extract: extractGo,
  link: async (files, ctx) => linkGo(files, ctx),
};

export const javaAdapter: LanguageAdapter<JavaFacts> = {
  id: 'java',
  version: '1',
  extensions: ['.java'],
  extract: extractJava,
  link: async (files, ctx) => linkJava(files, ctx),
};
