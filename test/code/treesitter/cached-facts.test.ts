import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LanguageAdapter } from '../../../src/code/model.js';
import { goFactsSchema } from '../../../src/code/treesitter/go/facts.js';
import { goAdapter, javaAdapter, pythonAdapter } from '../../../src/code/treesitter/index.js';
import { javaFactsSchema } from '../../../src/code/treesitter/java/facts.js';
import { pyFactsSchema } from '../../../src/code/treesitter/python/facts.js';
import { fixturesDir, sourceFile } from './link-fixture.js';

const languages = [
  { adapter: pythonAdapter as LanguageAdapter, schema: pyFactsSchema, fixture: 'py-shop' },
  { adapter: goAdapter as LanguageAdapter, schema: goFactsSchema, fixture: 'go-shop' },
  { adapter: javaAdapter as LanguageAdapter, schema: javaFactsSchema, fixture: 'java-shop' },
];

async function fixtureFiles(fixture: string, extensions: readonly string[]) {
  const root = join(fixturesDir, fixture);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((e) => e.isFile() && extensions.some((x) => e.name.endsWith(x)))
      .map(async (e) =>
        sourceFile(
          relative(root, join(e.parentPath, e.name)),
          await readFile(join(e.parentPath, e.name), 'utf8'),
        ),
      ),
  );
}

describe.each(languages)('$adapter.id facts', ({ adapter, schema, fixture }) => {
  it('match their schema after a trip through JSON, so cached facts are used as they are', async () => {
    for (const file of await fixtureFiles(fixture, adapter.extensions)) {
      const cached: unknown = JSON.parse(JSON.stringify(adapter.extract(file)));
      expect(schema.safeParse(cached).error).toBeUndefined();
    }
  });

  it('are extracted again when the cached ones are unusable, giving the same graph', async () => {
    const files = await fixtureFiles(fixture, adapter.extensions);
    const ctx = { root: join(fixturesDir, fixture), readText: () => '' };
    const good = await adapter.link(
      files.map((file) => ({ file, facts: adapter.extract(file) })),
      ctx,
    );
    const corrupt = await adapter.link(
      files.map((file, i) => ({ file, facts: i % 2 === 0 ? { calls: 'not facts' } : adapter.extract(file) })),
      ctx,
    );
    expect(corrupt.edges).toEqual(good.edges);
    expect(corrupt.symbols).toEqual(good.symbols);
  });
});
