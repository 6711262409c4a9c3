// Tree-sitter syntax helpers (code intelligence): one cursor walk per file, positions and call-site text.
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';

/** Positions in facts are 1-based, like `CodeSymbol`. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
}

export function spanOf(node: Node): Span {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
  };
}

/**
 * Visits every node once with a single tree cursor (far cheaper than materialising `Node`s for every node).
 * `enter` returns false to skip a node's children; `leave` is called with the depth of each node left.
 */
export function walkTree(
  tree: Tree,
  enter: (cursor: TreeCursor, depth: number) => boolean,
  leave: (depth: number) => void,
): void {
  const cursor = tree.walk();
  let depth = 0;
  try {
    outer: for (;;) {
      if (enter(cursor, depth) && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        leave(depth);
        if (cursor.gotoNextSibling()) continue outer;
        if (!cursor.gotoParent()) break outer;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

const maxCallText = 200;

/** The trimmed text of source lines, for call sites; split once per file, only when a call needs it. */
export class LineText {
  #lines: string[] | undefined;
  constructor(private readonly text: string) {}

  /** 1-based line, trimmed and cut to a readable length. */
  at(line: number): string {
    this.#lines ??= this.text.split('\n');
    const raw = (this.#lines[line - 1] ?? '').trim();
    return raw.length > maxCallText ? `${raw.slice(0, maxCallText)}…` : raw;
  }
}

/** Count of argument nodes in an argument list (comments are named nodes too, so they are left out). */
export function argumentCount(args: Node | null): number {
  if (!args) return 0;
  let count = 0;
  for (const child of args.namedChildren) if (child && child.type !== 'comment') count++;
  return count;
}
