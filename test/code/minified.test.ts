// Minified JavaScript is left out of the code index by default, said in the stats and the notes, and kept in on
// request (config code.indexMinified).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../src/code/code-service.js';
import { isMinified } from '../../src/util/minified.js';

const TINY = 'function minifiedHelper(){return 1}\n';
let workspace: string;
let dir: string;

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

/** A bundle as a minifier writes it: a module table on a few very long lines, with a function of each name. */
function bundle(names: readonly string[]): string {
  const modules = Array.from(
    { length: 400 },
    (_, i) => `${i}:function(e,t,n){var r=n(${(i + 1) % 400});e.exports=function(){return r}}`,
  );
  const own = names.map((name) => `function ${name}(){return 1}`).join(';');
  return `!function(){var m={${modules.join(',')}};${own};function n(i){return m[i]({},{},n)}}();\n`;
}

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-minified-'));
  await mkdir(join(workspace, '.git'));
  dir = join(workspace, 'src');
  await put('app.js', 'import { pay } from "./pay.js";\nexport function checkout() {\n  pay();\n}\n');
  await put('pay.js', 'export function pay() {\n  chargeCard();\n}\nfunction chargeCard() {}\n');
  await put('vendor/bundle.cjs', bundle(['checkout', 'chargeCard']));
  await put('vendor/tiny.min.js', TINY);
  // Long lines, but small: hand-written data stays in.
  await put(
    'table.js',
    `export const table = [${'"a-long-entry-of-data",'.repeat(20)}];\nexport function lookup() {}\n`,
  );
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('minified JavaScript', () => {
  it('is recognised by a .min name, or by lines averaging over 110 characters in 16 KB or more', () => {
    expect(isMinified('vendor/bundle.cjs', bundle(['a']))).toBe(true);
    expect(isMinified('x.min.js', 'f()')).toBe(true);
    expect(isMinified('table.js', `${'x'.repeat(300)}\n`)).toBe(false);
    expect(isMinified('bundle.ts', bundle(['a']))).toBe(false);
    // The same text on short lines is source.
    expect(isMinified('spread.js', bundle(['a']).replaceAll(',', ',\n'))).toBe(false);
  });

  it('is left out of the index by default, named in the stats and the notes; the path goes through the source', async () => {
    const service = createCodeIndexService();
    const result = await service.trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(result.status).toBe('found');
    expect(result.paths[0]!.hops.map((hop) => `${hop.file}:${hop.name}`)).toEqual([
      'app.js:checkout',
      'pay.js:pay',
      'pay.js:chargeCard',
    ]);
    expect(result.stats.minified).toEqual({
      files: 2,
      largest: [
        { file: 'vendor/bundle.cjs', bytes: Buffer.byteLength(bundle(['checkout', 'chargeCard'])) },
        { file: 'vendor/tiny.min.js', bytes: TINY.length },
      ],
    });
    expect(result.notes).toContain(
      '2 minified JavaScript files were not indexed: vendor/bundle.cjs (' +
        `${(Buffer.byteLength(bundle(['checkout', 'chargeCard'])) / 1024).toFixed(1)} KB), vendor/tiny.min.js (${TINY.length} B); ` +
        'set "code": { "indexMinified": true } in .office.config.json to index them',
    );
    const files = new Set((await service.graph(dir)).symbols.map((symbol) => symbol.file));
    expect([...files].sort()).toEqual(['app.js', 'pay.js', 'table.js']);
  });

  it('is indexed with code.indexMinified, and then no note says it was left out', async () => {
    const service = createCodeIndexService({ indexMinified: true });
    const graph = await service.graph(dir);
    const files = new Set(graph.symbols.map((symbol) => symbol.file));
    expect(files).toContain('vendor/bundle.cjs');
    expect(files).toContain('vendor/tiny.min.js');
    const result = await service.trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(result.stats.minified).toBeUndefined();
    expect(result.notes.some((note) => note.includes('minified'))).toBe(false);
  });
});
