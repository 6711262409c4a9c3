// How paths are shown to a person (Receptionist): relative to the folder they are in, so that a terminal or an
// editor can open them as printed, and as OSC 8 hyperlinks on a terminal that supports them. JSON keeps the
// documented paths (relative to the indexed directory or the workspace); only text for people goes through here.
import { hostname } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { link } from 'ansi-escapes';
import { createSupportsHyperlinks } from 'supports-hyperlinks';
import type { ShowPath } from '../code/format.js';

export interface PathViewOptions {
  /** The directory `file` arguments are relative to (the indexed dir, or the workspace), absolute. */
  readonly base: string;
  /** The folder the person runs office in, absolute. */
  readonly cwd: string;
  /** Wrap each path in an OSC 8 hyperlink to the file. */
  readonly links: boolean;
  /** Host named in file URLs (the OSC 8 convention: a link opens only on the machine holding the file). */
  readonly host?: string;
}

/** `path:line:column` relative to `cwd`, linked to `file://host/absolute/path` when links are on. */
export function pathView(options: PathViewOptions): ShowPath {
  const host = options.host ?? hostname();
  return (file, line, column) => {
    const absolute = resolve(options.base, file);
    const shown = relative(options.cwd, absolute).split(sep).join('/') || '.';
    const text = `${shown}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}`;
    if (!options.links) return text;
    return link(text, `file://${host}${pathToFileURL(absolute).pathname}`);
  };
}

/** Whether `stream` is a terminal that shows OSC 8 hyperlinks (decided by supports-hyperlinks). */
export function hyperlinksOn(stream: { isTTY?: boolean }): boolean {
  return createSupportsHyperlinks(stream);
}

/** The view of paths for text printed on stdout by this process. */
export function stdoutPathView(base: string): ShowPath {
  return pathView({ base, cwd: process.cwd(), links: hyperlinksOn(process.stdout) });
}
