// Vitest global setup: office's per-user cache ($XDG_CACHE_HOME/office) goes to a temporary folder for the whole
// run, so tests (and the office processes they start, which inherit the environment) never touch the real one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'office-test-xdg-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
