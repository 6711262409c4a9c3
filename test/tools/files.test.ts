// Built-in file tools: search_code, read_file and list_files over a real temporary tree.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathOutsideWorkspace, ToolError } from '../../src/errors.js';
import { configSchema } from '../../src/schemas/config.js';
import type { ToolContext, ToolDefinition } from '../../src/tools/define-tool.js';
import { resolveInside } from '../../src/util/workspace.js';
import { listFiles, readFileTool, searchCode } from '../../tools/files.js';
import { makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let outside: TempWorkspace;

beforeAll(async () => {
  ws = await makeWorkspace();
  outside = await makeWorkspace('office-outside-');
  await outside.write('secret.txt', 'TODO outside\n');
  await ws.write('.gitignore', 'build/\n*.log\n');
  await ws.write('src/a.ts', 'const x = 1;\n// TODO: first\nfoo(bar);\n');
  await ws.write('src/b.ts', 'export {}; // todo lower case\n');
  await ws.write('src/.gitignore', 'generated.ts\n');
  await ws.write('src/generated.ts', '// TODO nested-ignored\n');
  await ws.write('build/out.js', '// TODO ignored build output\n');
  await ws.write('debug.log', 'TODO in a log\n');
  await ws.write('node_modules/dep/index.js', '// TODO in a dependency\n');
  await mkdir(ws.path('assets'));
  await writeFile(
    ws.path('assets/blob.bin'),
    Buffer.concat([Buffer.from('TODO '), Buffer.from([0, 1, 2, 0])]),
  );
  await ws.write('big/huge.txt', `${'x'.repeat(4_000)}\nTODO in a big file\n`);
  await symlink(outside.root, ws.path('escape'));
  await symlink(outside.path('secret.txt'), ws.path('src/secret-link.txt'));
});

afterAll(async () => {
  await ws.cleanup();
  await outside.cleanup();
});

function context(): ToolContext {
  return {
    workspace: ws.root,
    taskId: 't',
    stepId: 's',
    signal: new AbortController().signal,
    config: configSchema.parse({}),
    resolvePath: (p) => resolveInside(ws.root, p),
    log: () => {},
    services: {} as ToolContext['services'],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: each tool's output type differs; tests read fields by name.
async function call(tool: unknown, input: Record<string, unknown>): Promise<any> {
  const t = tool as ToolDefinition;
  return t.run(t.input.parse(input), context());
}

describe('search_code', () => {
  it('honours .gitignore (root and nested) and never enters node_modules', async () => {
    const out = await call(searchCode, { pattern: 'TODO' });
    const files = out.matches.map((m: { file: string }) => m.file);
    expect(files).toContain('src/a.ts');
    for (const hidden of ['build/out.js', 'debug.log', 'src/generated.ts', 'node_modules/dep/index.js']) {
      expect(files).not.toContain(hidden);
    }
  });

  it('reports file, line and column of each match', async () => {
    const out = await call(searchCode, { pattern: 'TODO', dir: 'src' });
    expect(out.matches).toContainEqual({ file: 'src/a.ts', line: 2, column: 4, text: '// TODO: first' });
  });

  it('skips binary files and files over max_file_bytes', async () => {
    const out = await call(searchCode, { pattern: 'TODO', max_file_bytes: 1_000 });
    const files = out.matches.map((m: { file: string }) => m.file);
    expect(files).not.toContain('assets/blob.bin');
    expect(files).not.toContain('big/huge.txt');
    const roomy = await call(searchCode, { pattern: 'TODO in a big', dir: 'big', max_file_bytes: 10_000 });
    expect(roomy.total_matches).toBe(1);
  });

  it('searches for the literal text when the pattern is not a valid regular expression', async () => {
    const out = await call(searchCode, { pattern: 'foo(', dir: 'src' });
    expect(out.matches.map((m: { file: string; line: number }) => `${m.file}:${m.line}`)).toEqual([
      'src/a.ts:3',
    ]);
  });

  it('refuses an invalid regular expression in regex mode, naming it', async () => {
    const err = await call(searchCode, { pattern: 'foo(', mode: 'regex' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as Error).message).toContain('"foo("');
  });

  it('ignores case when asked, and caps the matches it returns', async () => {
    const out = await call(searchCode, { pattern: 'todo', dir: 'src', ignore_case: true, max_results: 1 });
    expect(out.total_matches).toBe(2);
    expect(out.matches).toHaveLength(1);
    expect(out.truncated).toBe(true);
  });

  it('does not follow a symlink out of the workspace', async () => {
    const out = await call(searchCode, { pattern: 'outside' });
    expect(out.total_matches).toBe(0);
  });

  it('refuses a directory outside the workspace', async () => {
    await expect(call(searchCode, { pattern: 'TODO', dir: '../' })).rejects.toBeInstanceOf(
      PathOutsideWorkspace,
    );
    await expect(call(searchCode, { pattern: 'TODO', dir: 'escape' })).rejects.toBeInstanceOf(
      PathOutsideWorkspace,
    );
  });
});

describe('search_code says what it skipped for size', () => {
  it('counts the files over the cap and names the largest, in the output and its summary', async () => {
    const out = await call(searchCode, { pattern: 'TODO in a big', max_file_bytes: 1_000 });
    expect(out.total_matches).toBe(0);
    expect(out.too_large).toEqual({
      max_file_bytes: 1_000,
      files: 1,
      largest: [{ file: 'big/huge.txt', bytes: 4_020 }],
    });
    expect(searchCode.summarize?.(out)).toContain(
      '1 file over the 1000 B cap was not searched: big/huge.txt (3.9 KB)',
    );
    expect(searchCode.render?.(out)).toContain('note: 1 file over the 1000 B cap was not searched');
  });

  it('takes the cap from config code.maxFileBytes when the step names none', async () => {
    const out = await call(searchCode, { pattern: 'TODO in a big' });
    expect(out.too_large.max_file_bytes).toBe(configSchema.parse({}).code.maxFileBytes);
    expect(out.total_matches).toBe(1);
  });
});

describe('read_file', () => {
  it('counts the lines of the whole file when it reads only part of it, and shows whole lines', async () => {
    const text = Array.from({ length: 10 }, (_, i) => `line ${i + 1} ${'.'.repeat(20)}`).join('\n');
    await ws.write('long.txt', `${text}\n`);
    const out = await call(readFileTool, { path: 'long.txt', max_bytes: 70 });
    expect(out.truncated).toBe(true);
    expect(out.total_lines).toBe(10);
    expect(out.text.split('\n')).toEqual([`line 1 ${'.'.repeat(20)}`, `line 2 ${'.'.repeat(20)}`]);
    expect(out.end_line).toBe(2);
    expect(readFileTool.summarize?.(out)).toBe(
      'long.txt lines 1-2 of 10 (only the first 56 of 281 bytes read; raise max_bytes)',
    );
    const whole = await call(readFileTool, { path: 'long.txt' });
    expect(whole.total_lines).toBe(10);
    expect(whole.end_line).toBe(10);
  });

  it('reads a range of lines', async () => {
    const out = await call(readFileTool, { path: 'src/a.ts', start_line: 2, end_line: 3 });
    expect(out).toMatchObject({
      path: 'src/a.ts',
      start_line: 2,
      end_line: 3,
      text: '// TODO: first\nfoo(bar);',
    });
  });

  it.each([
    ['a ../ path', '../secret.txt'],
    ['an absolute path elsewhere', '/etc/hostname'],
    ['a symlinked file pointing outside', 'src/secret-link.txt'],
    ['a path through a symlinked directory pointing outside', 'escape/secret.txt'],
  ])('refuses %s with an error that names it', async (_label, path) => {
    const err = await call(readFileTool, { path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PathOutsideWorkspace);
    expect((err as Error).message).toContain(`"${path}" is outside the workspace`);
  });

  it('refuses a binary file', async () => {
    await expect(call(readFileTool, { path: 'assets/blob.bin' })).rejects.toThrow(/binary/);
  });
});

describe('list_files', () => {
  it('lists files as git sees them', async () => {
    const out = await call(listFiles, { dir: '.' });
    expect(out.files).toContain('src/a.ts');
    expect(out.files).toContain('.gitignore');
    for (const hidden of ['build/out.js', 'debug.log', 'src/generated.ts', 'node_modules/dep/index.js']) {
      expect(out.files).not.toContain(hidden);
    }
    expect(out.files).not.toContain('src/secret-link.txt');
    expect(out.files.some((f: string) => f.startsWith('escape'))).toBe(false);
  });

  it('filters with a glob', async () => {
    const out = await call(listFiles, { dir: 'src', glob: '*.ts' });
    expect(out.files).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it.each([
    ['../', '../'],
    ['a symlinked directory pointing outside', 'escape'],
  ])('refuses %s with an error that names it', async (_label, dir) => {
    const err = await call(listFiles, { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PathOutsideWorkspace);
    expect((err as Error).message).toContain(`"${dir}" is outside the workspace`);
  });
});
