// Tool registry: built-ins and plugins load through one API; a broken plugin is reported and skipped.
import { cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTools } from '../../src/tools/registry.js';
import { FIXTURES, makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await mkdir(ws.path('office-tools'));
});
afterEach(async () => {
  await ws.cleanup();
});

async function copyPlugins(from: string): Promise<void> {
  for (const name of await readdir(from)) {
    if (name.endsWith('.js')) await cp(join(from, name), ws.path(`office-tools/${name}`));
  }
}

describe('loadTools', () => {
  it('loads the built-in tools', async () => {
    const { registry, problems } = await loadTools({ workspace: ws.root, plugins: [] });
    expect(problems).toEqual([]);
    const names = registry.list().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_files', 'read_file', 'search_code']));
    expect(registry.origin('search_code')).toBe('builtin');
    expect(registry.isPlugin('search_code')).toBe(false);
  });

  it('loads plugin tools from an officeTools factory, with their origin', async () => {
    await copyPlugins(join(FIXTURES, 'plugins'));
    const { registry, problems } = await loadTools({ workspace: ws.root, plugins: ['./office-tools/*.js'] });
    expect(problems).toEqual([]);
    expect(registry.get('count_step')?.risk).toBe('write');
    expect(registry.origin('count_step')).toBe(join('office-tools', 'count-step.js'));
    expect(registry.isPlugin('count_step')).toBe(true);
  });

  it('reports and skips a plugin that throws at import, a tool without a risk, and a name clash', async () => {
    await copyPlugins(join(FIXTURES, 'plugins'));
    await copyPlugins(join(FIXTURES, 'plugins', 'broken'));
    const { registry, problems } = await loadTools({ workspace: ws.root, plugins: ['office-tools/*.js'] });

    expect(problems).toHaveLength(3);
    const about = (file: string) => problems.find((p) => p.includes(file)) ?? '';
    expect(about('throws-at-import.js')).toMatch(/could not be loaded \(this plugin is broken on purpose\)/);
    expect(about('no-risk.js')).toMatch(/risk/);
    expect(about('clashes.js')).toMatch(/"search_code".*taken by builtin/);

    expect(registry.get('riskless_tool')).toBeUndefined();
    expect(registry.origin('search_code')).toBe('builtin');
    expect(registry.get('count_step')).toBeDefined();
    expect(registry.get('list_files')).toBeDefined();
  });

  it('reports a plugin glob that matches nothing and a module that exports no tool', async () => {
    await ws.write('office-tools/empty.js', 'export const answer = 42;\n');
    const { problems } = await loadTools({
      workspace: ws.root,
      plugins: ['./office-tools/empty.js', './missing/*.js'],
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('empty.js: exports no tool');
    expect(problems.join('\n')).toContain('"./missing/*.js" matched no file');
  });
});
