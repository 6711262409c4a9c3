// Output for editors (Receptionist): `--format vimgrep` lines carry plain paths relative to the current folder
// (never a terminal hyperlink: an editor parses them), and the notes that explain an empty answer go to stderr.
import type { ShowPath } from '../code/format.js';
import { pathView } from './path-view.js';
import { note } from './quiet.js';

/** Paths of `base` (the indexed dir) as `path:line:col` relative to the current folder, without links. */
export function editorPathView(base: string): ShowPath {
  return pathView({ base, cwd: process.cwd(), links: false });
}

/** The vimgrep lines for stdout; the answer's notes (why nothing was found, how to name a symbol) on stderr. */
export function vimgrepOutput(lines: string, notes: readonly string[]): string {
  for (const line of notes) note(`office: ${line}`);
  return lines;
}
