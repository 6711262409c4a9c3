import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkFiles } from '../../src/util/walk.js';

let base: string;
let root: string;

async function put(path: string, content: string | Uint8Array = 'x'): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'office-walk-'));
  root = join(base, 'repo');
  await mkdir(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('walkFiles', () => {
  it('lists files as sorted relative posix paths', async () => {
    await put('src/b.ts');
    await put('src/a/c.ts');
    await put('README.md');
    expect(await walkFiles(root)).toEqual(['README.md', 'src/a/c.ts', 'src/b.ts']);
  });

  it('honours the root .gitignore, directories and negations included', async () => {
    await put('.gitignore', 'dist/\n*.log\n!keep.log\n');
    await put('dist/out.js');
    await put('src/app.ts');
    await put('debug.log');
    await put('keep.log');
    expect(await walkFiles(root)).toEqual(['.gitignore', 'keep.log', 'src/app.ts']);
  });

  it('honours nested .gitignore files relative to their own directory, deeper rules winning', async () => {
    await put('.gitignore', '*.gen.ts\n');
    await put('pkg/.gitignore', 'fixtures/\n!special.gen.ts\n');
    await put('pkg/fixtures/data.ts');
    await put('pkg/special.gen.ts');
    await put('pkg/other.gen.ts');
    await put('fixtures/top.ts');
    await put('top.gen.ts');
    expect(await walkFiles(root, { extensions: ['.ts'] })).toEqual(['fixtures/top.ts', 'pkg/special.gen.ts']);
  });

  it('applies .gitignore files above the root, from the given ancestor down', async () => {
    await put('.gitignore', 'src/generated/\n');
    await put('src/generated/api.ts');
    await put('src/app.ts');
    expect(await walkFiles(join(root, 'src'), { gitignoreFrom: root })).toEqual(['app.ts']);
    expect(await walkFiles(join(root, 'src'))).toEqual(['app.ts', 'generated/api.ts']);
  });

  it('still walks a directory that an outer .gitignore ignores when asked for it explicitly', async () => {
    await put('.gitignore', 'build/\n');
    await put('build/out.js');
    expect(await walkFiles(join(root, 'build'), { gitignoreFrom: root })).toEqual(['out.js']);
  });

  it('never enters .git, node_modules or .office', async () => {
    await put('.git/config');
    await put('node_modules/pkg/index.js');
    await put('.office/tasks/t.json');
    await put('index.js');
    expect(await walkFiles(root)).toEqual(['index.js']);
  });

  it('applies exclude rules in gitignore syntax, extensions and a size limit', async () => {
    await put('src/a.ts', 'small');
    await put('src/big.ts', 'x'.repeat(5_000));
    await put('src/a.test.ts');
    await put('src/a.d.ts');
    await put('src/b.py');
    const files = await walkFiles(root, { extensions: ['.ts'], exclude: ['*.test.ts'], maxFileBytes: 1_000 });
    expect(files).toEqual(['src/a.d.ts', 'src/a.ts']);
  });

  it('skips binary files (a NUL byte in the first 8 KB) when asked', async () => {
    await put('image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    await put('text.txt', 'hello');
    expect(await walkFiles(root, { skipBinary: true })).toEqual(['text.txt']);
    expect(await walkFiles(root)).toEqual(['image.png', 'text.txt']);
  });

  it('does not follow a symlinked directory or file out of the root', async () => {
    const outside = join(base, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.ts'), 'x');
    await put('src/app.ts');
    await symlink(outside, join(root, 'linked'));
    await symlink(join(outside, 'secret.ts'), join(root, 'secret.ts'));
    expect(await walkFiles(root)).toEqual(['src/app.ts']);
  });

  it('keeps a symlinked file whose target is inside the root, but does not walk symlinked directories', async () => {
    await put('src/app.ts');
    await symlink(join(root, 'src', 'app.ts'), join(root, 'alias.ts'));
    await symlink(join(root, 'src'), join(root, 'src-link'));
    expect(await walkFiles(root)).toEqual(['alias.ts', 'src/app.ts']);
  });

  it('survives a symlink loop', async () => {
    await put('src/app.ts');
    await symlink(root, join(root, 'src', 'loop'));
    expect(await walkFiles(root)).toEqual(['src/app.ts']);
  });
});
