// Environment block scrubbing ("IT Security"): blanks secret values in the memory that /proc/<pid>/environ shows.
// Deleting a variable from process.env is not enough: unsetenv() drops the pointer but leaves the string where
// the kernel reads /proc/<pid>/environ from, so any process of the same user (a command in process mode) could
// still read it. This file is loaded by the launcher too, on Node 20: node: built-ins only.
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { isSecretEnvName } from './redact.js';

export type ScrubResult =
  | { readonly type: 'scrubbed'; readonly names: readonly string[] }
  | { readonly type: 'nothing' }
  | { readonly type: 'unsupported'; readonly reason: string }
  | { readonly type: 'failed'; readonly reason: string };

/** Byte ranges (offset, length) of the values of `names` in an environment block (`NAME=value\0…`). */
export function valueRanges(
  block: Uint8Array,
  names: ReadonlySet<string>,
): { offset: number; length: number }[] {
  const ranges: { offset: number; length: number }[] = [];
  const buffer = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0, start);
    if (end === -1) end = buffer.length;
    const equals = buffer.indexOf(0x3d, start);
    if (equals !== -1 && equals < end) {
      const name = buffer.toString('utf8', start, equals);
      if (names.has(name) && end > equals + 1) ranges.push({ offset: equals + 1, length: end - equals - 1 });
    }
    start = end + 1;
  }
  return ranges;
}

/** Start and end addresses of this process's environment block, from /proc/self/stat (fields 50 and 51). */
function environBounds(): { start: number; end: number } | undefined {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start ? { start, end } : undefined;
}

/**
 * Overwrites with zero bytes the values of `names` in this process's environment block, so /proc/<pid>/environ
 * no longer shows them. Linux only; elsewhere (or where /proc/self/mem cannot be written) it says why not.
 */
export function scrubEnvironBlock(names: readonly string[]): ScrubResult {
  if (names.length === 0) return { type: 'nothing' };
  if (process.platform !== 'linux') {
    return { type: 'unsupported', reason: `no /proc/<pid>/environ to scrub on ${process.platform}` };
  }
  let fd: number | undefined;
  try {
    const bounds = environBounds();
    if (!bounds)
      return { type: 'unsupported', reason: '/proc/self/stat does not give the environment block' };
    fd = openSync('/proc/self/mem', 'r+');
    const block = Buffer.alloc(bounds.end - bounds.start);
    readSync(fd, block, 0, block.length, bounds.start);
    const ranges = valueRanges(block, new Set(names));
    for (const { offset, length } of ranges)
      writeSync(fd, Buffer.alloc(length), 0, length, bounds.start + offset);
    return { type: 'scrubbed', names: [...names] };
  } catch (err) {
    return { type: 'failed', reason: err instanceof Error ? err.message : String(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Names of the secret-holding variables (`*_KEY`, `*_TOKEN`, `*SECRET*`, `*PASSWORD*`) set in `env`. */
export function secretEnvNames(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter(
    (name) => env[name] !== undefined && env[name] !== '' && isSecretEnvName(name),
  );
}
