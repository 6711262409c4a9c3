import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { graphCommand } from '../../src/cli/commands/graph.js';
import { traceCommand } from '../../src/cli/commands/trace.js';
import { createCodeIndexService } from '../../src/code/code-service.js';
import { graphJsonSchema, traceResultSchema } from '../../src/code/service.js';
import { EXIT, UsageError } from '../../src/errors.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let dir: string;
let stdout: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'office-trace-command-'));
  await mkdir(join(dir, '.git'));
  await writeFile(join(dir, 'shop.toy'), 'def checkout\n  place()\ndef place\n  charge()\ndef charge\n');
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const deps = () => ({ service: createCodeIndexService({ adapters: [toyEntry(toyAdapter())] }) });

describe('traceCommand', () => {
  it('prints the text path, with paths relative to the current folder, and exits 0 when found', async () => {
    expect(await traceCommand('checkout', 'charge', { dir }, deps())).toBe(EXIT.ok);
    const shop = relative(process.cwd(), join(dir, 'shop.toy'));
    expect(stdout).toContain(
      `checkout → charge: 1 call path\n  1. checkout  ${shop}:1\n  2. place  ${shop}:3\n`,
    );
    expect(stdout).toContain(`     ↳ ${shop}:2:3  place()  [direct]`);
  });

  it('prints exactly a TraceResult with --json, and exits 4 when not found', async () => {
    expect(await traceCommand('charge', 'checkout', { dir, json: true }, deps())).toBe(EXIT.notFound);
    const result = traceResultSchema.parse(JSON.parse(stdout));
    expect(result.status).toBe('not_found');
  });

  it('prints Mermaid and dot on request', async () => {
    await traceCommand('checkout', 'charge', { dir, format: 'mermaid' }, deps());
    expect(stdout.startsWith('sequenceDiagram\n')).toBe(true);
    stdout = '';
    await traceCommand('checkout', 'charge', { dir, format: 'dot', maxPaths: '2', maxDepth: '4' }, deps());
    expect(stdout.startsWith('digraph trace {')).toBe(true);
  });

  it('refuses bad options with a usage error that names the option', async () => {
    await expect(traceCommand('a', 'b', { dir, maxPaths: 'two' }, deps())).rejects.toThrow(
      '--max-paths must be a whole number from 1 to 100 (got "two").',
    );
    await expect(traceCommand('a', 'b', { dir, maxDepth: '0' }, deps())).rejects.toThrow(UsageError);
    await expect(traceCommand('a', 'b', { dir, format: 'svg' }, deps())).rejects.toThrow(
      '--format must be one of text, json, mermaid, dot, html, vimgrep (got "svg").',
    );
    await expect(traceCommand('a', 'b', { dir: join(dir, 'missing') }, deps())).rejects.toThrow(UsageError);
  });
});

describe('the names an ambiguous answer suggests', () => {
  // Two builds of one module and a vendored copy: office's hint must name each alone, and work when followed.
  beforeEach(async () => {
    const js = 'export function foo() { return bar(); }\nexport function bar() { return 1; }\n';
    for (const file of ['esm/x.js', 'cjs/x.js', 'lib/esm/x.js']) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), js);
    }
    await writeFile(
      join(dir, 'jobs.js'),
      'export class A { run() { return helper(); } }\nexport class B { run() { return 2; } }\nfunction helper() {}\n',
    );
  });
  const real = () => ({ service: createCodeIndexService() });
  const traceJson = async (from: string, to: string) => {
    stdout = '';
    const code = await traceCommand(from, to, { dir, json: true }, real());
    return { code, result: traceResultSchema.parse(JSON.parse(stdout)) };
  };

  it('are exact paths, and following them answers', async () => {
    const first = await traceJson('foo', 'bar');
    expect(first.code).toBe(EXIT.ambiguous);
    const note = first.result.notes.find((n) => n.includes('candidate pairs connect'));
    expect(note).toContain('esm/x.js:foo → esm/x.js:bar');
    expect(note).toContain('cjs/x.js:foo → cjs/x.js:bar');
    expect(note).toContain('lib/esm/x.js:foo → lib/esm/x.js:bar');
    const [from, to] = /(?:^|; |: )(esm\/x\.js:foo) → (esm\/x\.js:bar)/.exec(note!)!.slice(1) as [
      string,
      string,
    ];
    const followed = await traceJson(from, to);
    expect(followed.code).toBe(EXIT.ok);
    expect(followed.result.from?.file).toBe('esm/x.js');
    expect(followed.result.to?.file).toBe('esm/x.js');
  });

  it('accept path/file.js:LINE', async () => {
    const byLine = await traceJson('lib/esm/x.js:1', 'lib/esm/x.js:2');
    expect(byLine.code).toBe(EXIT.ok);
    expect(byLine.result.paths[0]?.hops.map((h) => `${h.file}:${h.qualified_name}`)).toEqual([
      'lib/esm/x.js:foo',
      'lib/esm/x.js:bar',
    ]);
  });

  it('are Class.method when the candidates share a file', async () => {
    const ambiguous = await traceJson('run', 'bar');
    expect(ambiguous.code).toBe(EXIT.ambiguous);
    expect(ambiguous.result.notes).toContain('write "run" as one of: A.run, B.run');
  });
});

describe('graphCommand', () => {
  it('prints the graph as JSON by default and as dot on request', async () => {
    expect(await graphCommand({ dir }, deps())).toBe(EXIT.ok);
    expect(graphJsonSchema.parse(JSON.parse(stdout)).edges).toHaveLength(2);
    stdout = '';
    await graphCommand({ dir, format: 'dot' }, deps());
    expect(stdout.startsWith('digraph calls {')).toBe(true);
    await expect(graphCommand({ dir, format: 'mermaid' }, deps())).rejects.toThrow(UsageError);
  });

  it('includes calls only refinement resolves, unless --no-refine', async () => {
    await writeFile(join(dir, 'shop.toy'), 'def checkout\n  ?place()\ndef place\n');
    await graphCommand({ dir, refine: false }, deps());
    expect(graphJsonSchema.parse(JSON.parse(stdout)).edges).toEqual([]);
    stdout = '';
    await graphCommand({ dir }, deps());
    expect(graphJsonSchema.parse(JSON.parse(stdout)).edges.map((edge) => `${edge.from} ${edge.to}`)).toEqual([
      'shop.toy#checkout shop.toy#place',
    ]);
  });
});
