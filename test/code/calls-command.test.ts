// `office callers` and `office callees` in process (the toy language): the tree in each format, exit codes as for
// `office trace`, usage errors that name the flag; and `office trace --all-sites`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { calleesCommand, callersCommand } from '../../src/cli/commands/calls.js';
import { traceCommand } from '../../src/cli/commands/trace.js';
import { createCodeIndexService } from '../../src/code/code-service.js';
import { neighboursResultSchema, traceResultSchema } from '../../src/code/service.js';
import { EXIT, UsageError } from '../../src/errors.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let dir: string;
let stdout: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'office-calls-command-'));
  await mkdir(join(dir, '.git'));
  // main → checkout → place → charge (called twice by place); charge also calls itself.
  await writeFile(
    join(dir, 'shop.toy'),
    'def main\n  checkout()\ndef checkout\n  place()\ndef place\n  charge()\n  charge()\ndef charge\n  charge()\n',
  );
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

describe('callersCommand', () => {
  it('prints the tree three levels deep by default, paths relative to the current folder', async () => {
    expect(await callersCommand('charge', { dir }, deps())).toBe(EXIT.ok);
    const shop = relative(process.cwd(), join(dir, 'shop.toy'));
    expect(stdout).toContain(
      [
        'callers of charge, 3 levels: 4 callers',
        `charge  ${shop}:8`,
        `├── place  ${shop}:5`,
        `│   ↳ ${shop}:6:3  charge()  [direct]  +1 more`,
        `│   └── checkout  ${shop}:3`,
        `│       ↳ ${shop}:4:3  place()  [direct]`,
        `│       └── main  ${shop}:1`,
        `│           ↳ ${shop}:2:3  checkout()  [direct]`,
        `└── charge  ${shop}:8  ↻ cycle (already above)`,
        `    ↳ ${shop}:9:3  charge()  [direct]`,
      ].join('\n'),
    );
    expect(stdout).toContain('--all-sites lists them');
  });

  it('lists both call sites of a link with --all-sites, and goes one level with --depth 1', async () => {
    await callersCommand('charge', { dir, depth: '1', allSites: true }, deps());
    const shop = relative(process.cwd(), join(dir, 'shop.toy'));
    expect(stdout).toContain(
      `├── place  ${shop}:5  (+1 more caller past depth 1)\n│   ↳ ${shop}:6:3  charge()  [direct]\n│   ↳ ${shop}:7:3  charge()  [direct]\n`,
    );
    expect(stdout).not.toContain('checkout');
  });

  it('prints the result as JSON: the nested tree, every call site in `calls`', async () => {
    expect(await callersCommand('charge', { dir, json: true }, deps())).toBe(EXIT.ok);
    const result = neighboursResultSchema.parse(JSON.parse(stdout));
    expect(result.depth).toBe(3);
    const place = result.tree?.children[0];
    expect(place?.qualified_name).toBe('place');
    expect(place?.calls.map((c) => c.line)).toEqual([6, 7]);
    expect(place?.call?.line).toBe(6);
    expect(place?.children[0]?.children[0]?.qualified_name).toBe('main');
  });

  it('draws the tree in Mermaid, dot and HTML', async () => {
    await callersCommand('charge', { dir, format: 'mermaid' }, deps());
    expect(stdout.startsWith('flowchart LR\n')).toBe(true);
    stdout = '';
    await calleesCommand('main', { dir, format: 'dot' }, deps());
    expect(stdout.startsWith('digraph callees {\n')).toBe(true);
    stdout = '';
    await calleesCommand('main', { dir, format: 'html' }, deps());
    expect(stdout.startsWith('<!doctype html>')).toBe(true);
    expect(stdout).toContain('<h1>office callees of main</h1>');
  });

  it('exits 4 for an unknown name, as office trace does', async () => {
    expect(await calleesCommand('chekout', { dir }, deps())).toBe(EXIT.notFound);
    expect(stdout).toContain(
      'no callees: the symbol was not found\nnote: no symbol "chekout"; closest: checkout',
    );
  });

  it('refuses bad options with a usage error that names the option', async () => {
    await expect(callersCommand('charge', { dir, depth: '0' }, deps())).rejects.toThrow(
      '--depth must be a whole number from 1 to 16 (got "0").',
    );
    await expect(callersCommand('charge', { dir, maxResults: 'all' }, deps())).rejects.toThrow(UsageError);
    await expect(callersCommand('charge', { dir, format: 'svg' }, deps())).rejects.toThrow(
      '--format must be one of text, json, mermaid, dot, html, vimgrep (got "svg").',
    );
    await expect(callersCommand('charge', { dir, watch: true, format: 'dot' }, deps())).rejects.toThrow(
      '--watch prints text or JSON (one object per line), not dot.',
    );
  });
});

describe('traceCommand with a hop called twice', () => {
  it('shows the first call site and +1 more, every one with --all-sites, and both in JSON', async () => {
    await traceCommand('checkout', 'charge', { dir }, deps());
    expect(stdout).toContain('charge()  [direct]  +1 more\n');
    stdout = '';
    await traceCommand('checkout', 'charge', { dir, allSites: true }, deps());
    expect(stdout).toMatch(/:6:3 {2}charge\(\) {2}\[direct\]\n.*:7:3 {2}charge\(\) {2}\[direct\]\n/);
    stdout = '';
    await traceCommand('checkout', 'charge', { dir, json: true }, deps());
    const hops = traceResultSchema.parse(JSON.parse(stdout)).paths[0]!.hops;
    expect(hops.at(-1)?.calls?.map((c) => `${c.line}:${c.column}`)).toEqual(['6:3', '7:3']);
  });
});
