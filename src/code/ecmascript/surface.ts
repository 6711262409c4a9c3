// A TypeScript file's type surface: what the type checker can see of it from another file. Lazy refinement
// (refiner.ts) keeps the checker's answer for a call while the call's own file is unchanged and every file it
// imports keeps its surface, so an edit inside a function body of an imported file costs no checker time.
//
// The surface is the text without comments (triple-slash directives kept: they add files to the program) and
// without sealed bodies: those of functions whose signature alone fixes their type (an annotated return type,
// constructors, setters). A declaration inside such a body is local to it, and the return type is written out,
// so nothing there changes a type seen outside. Unannotated functions keep their bodies: their return type is
// inferred from them. Whitespace runs become one space, or one newline when they hold one (line breaks matter to
// automatic semicolon insertion); leading and trailing whitespace is dropped.
import { createHash } from 'node:crypto';
import type { Comment } from '@babel/types';

/** The digest of `text`'s surface, given its comments and its sealed bodies. */
export function surfaceDigest(
  text: string,
  comments: readonly Comment[],
  sealedBodies: ReadonlyArray<readonly [number, number]>,
): string {
  const cuts: Array<readonly [number, number, string]> = sealedBodies.map(([start, end]) => [
    start,
    end,
    '{}',
  ]);
  for (const { type, value, start, end } of comments) {
    if ((type === 'CommentLine' && value.startsWith('/')) || start == null || end == null) continue;
    cuts.push([start, end, text.slice(start, end).includes('\n') ? '\n' : ' ']);
  }
  cuts.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const kept: string[] = [];
  let at = 0;
  for (const [start, end, replacement] of cuts) {
    // A cut inside one already made (a comment or a body in a sealed body) is gone with it.
    if (end <= at) continue;
    kept.push(text.slice(at, Math.max(at, start)), replacement);
    at = end;
  }
  kept.push(text.slice(at));
  const surface = kept
    .join('')
    .trim()
    .replace(/\s+/g, (space) => (space.includes('\n') ? '\n' : ' '));
  return createHash('sha256').update(surface).digest('hex').slice(0, 32);
}

/** The bodies not inside another, sorted by start. */
export function outermostBodies(bodies: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...bodies].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start < last[1]) continue;
    out.push([start, end]);
  }
  return out;
}
