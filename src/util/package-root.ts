// Where office itself is installed: the nearest ancestor of this module holding office's package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('office: cannot find its own package root (package.json next to templates/)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
