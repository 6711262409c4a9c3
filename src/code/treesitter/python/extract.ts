// Python extraction (code intelligence): one file's symbols and value-flow unit. The scan finds each scope's
// locals, then one walk of the tree writes the unit (walker.ts, statements.ts, expressions.ts, functions.ts).
import type { SourceFile } from '../../model.js';
import { withTree } from '../runtime.js';
import { PY_FACTS_VERSION, type PyFacts } from './facts.js';
import { scanScopes } from './scan.js';
import { statements } from './statements.js';
import { PyWalker } from './walker.js';

/** Extracts the facts of one Python file: a pure function of its text. */
export function extractPython(file: SourceFile): PyFacts {
  return withTree('python', file.text, (tree) => {
    const root = tree.rootNode;
    const w = new PyWalker(scanScopes(root), root.id);
    statements(w, root);
    w.exportModuleNames();
    w.scope.names.finish();
    return {
      v: PY_FACTS_VERSION,
      lines: root.endPosition.row + 1,
      defs: w.defs,
      flow: w.b.unit(),
    };
  });
}
