// Java linking (code intelligence): symbols for types, methods and constructors (`X.constructor`; overloads get
// `~2`, `~3` ids), and an edge for every call the resolver can name; a name-only guess only for unknown receivers.
import type { LinkContext, LinkedGraph, SourceFile } from '../../model.js';
import { GraphBuilder, heuristicTargets } from '../graph-builder.js';
import { usableFacts } from '../cached-facts.js';
import { extractJava } from './extract.js';
import { javaFactsSchema } from './facts.js';
import { JavaResolver } from './resolve.js';
import { TypeTable } from './types.js';

export function linkJava(
  files: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
  _ctx: LinkContext,
): LinkedGraph {
  const builder = new GraphBuilder('java');
  const table = new TypeTable(
    files.map(({ file, facts }) => ({
      path: file.path,
      facts: usableFacts(javaFactsSchema, file, facts, extractJava),
    })),
  );
  const methodsByName = new Map<string, string[]>();
  for (const file of table.files) {
    for (const t of file.types) {
      const { decl } = t;
      t.id = builder.addSymbol({
        file: file.path,
        name: decl.name,
        qualifiedName: decl.qn,
        kind: 'class',
        line: decl.line,
        column: decl.column,
        endLine: decl.endLine,
      });
    }
    for (const info of file.methods) {
      const { m, owner } = info;
      const name = m.ctor ? 'constructor' : m.name;
      info.id = builder.addSymbol({
        file: file.path,
        name,
        qualifiedName: `${owner.decl.qn}.${name}`,
        kind: m.ctor ? 'constructor' : 'method',
        line: m.line,
        column: m.column,
        endLine: m.endLine,
      });
      if (!m.ctor && !m.static) {
        const ids = methodsByName.get(m.name) ?? [];
        ids.push(info.id);
        methodsByName.set(m.name, ids);
      }
    }
  }

  const resolver = new JavaResolver(table);
  for (const file of table.files) {
    for (const call of file.facts.calls) {
      const type = file.types[call.type];
      if (!type) continue;
      const from = call.method >= 0 ? file.methods[call.method]?.id : type.id;
      if (!from) continue;
      const site = { file: file.path, line: call.line, column: call.column, text: call.text };
      const { targets, known } = resolver.callTargets(call.call, { file, type, method: call.method });
      if (!known && call.call.k === 'invoke') {
        const name = call.call.name;
        const guesses = heuristicTargets(name, methodsByName.get(name) ?? []).map((to) => ({
          to,
          kind: 'heuristic' as const,
          note: `by name only: the receiver of .${name}() is not known`,
        }));
        builder.addCall(from, site, guesses);
      } else builder.addCall(from, site, targets);
    }
  }
  return builder.build();
}
