// `office tools list|show` through the real binary: built-ins and a plugin, a tool's input schema, unknown names.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installFixtures,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await installFixtures(ws);
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const office = (args: string[]) => runOffice([...args, '--dir', ws.root], { cwd: ws.root });

describe('office tools list', () => {
  it('shows the built-in tools with their risk and the plugin tools with their file', async () => {
    const run = await office(['tools', 'list']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^name +risk +origin +description$/m);
    for (const [name, risk] of [
      ['list_files', 'read'],
      ['read_file', 'read'],
      ['search_code', 'read'],
      ['run_command', 'exec'],
      ['ask_model', 'read'],
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^${name} +${risk} +builtin +\\S`, 'm'));
    }
    expect(run.stdout).toMatch(
      /^count_step +write +office-tools\/count-step\.js +Appends the label to a file in the workspace, then sleeps\.$/m,
    );
    // The first sentence only.
    expect(run.stdout).toMatch(/^run_command .+ returns its exit code, stdout and stderr\.$/m);

    const json = onlyJson((await office(['tools', 'list', '--json'])).stdout) as {
      tools: { name: string; risk: string; origin: string }[];
    };
    expect(json.tools).toContainEqual(
      expect.objectContaining({ name: 'run_command', risk: 'exec', origin: 'builtin' }),
    );
    expect(json.tools).toContainEqual(
      expect.objectContaining({ name: 'count_step', risk: 'write', origin: 'office-tools/count-step.js' }),
    );
  });

  it('reports a plugin that cannot load on stderr and lists the rest', async () => {
    await ws.write('office-tools/throws.js', "throw new Error('plugin exploded at import');\n");
    const run = await office(['tools', 'list']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('office-tools/throws.js: could not be loaded (plugin exploded at import)');
    expect(run.stdout).toContain('count_step');
  });
});

describe('office tools show', () => {
  it('prints everything about one tool, with its input JSON Schema', async () => {
    const run = await office(['tools', 'show', 'run_command']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ +risk +exec$/m);
    expect(run.stdout).toMatch(/^ +origin +builtin$/m);
    expect(run.stdout).toContain('never a shell string');
    const schemaText = run.stdout.slice(
      run.stdout.indexOf('input (JSON Schema):') + 'input (JSON Schema):'.length,
    );
    const schema = JSON.parse(schemaText) as {
      properties: Record<string, { type?: string }>;
      required: string[];
    };
    expect(schema.properties.argv?.type).toBe('array');
    expect(schema.required).toEqual(['argv']);

    const json = onlyJson((await office(['tools', 'show', 'count_step', '--json'])).stdout);
    expect(json).toMatchObject({
      name: 'count_step',
      risk: 'write',
      origin: 'office-tools/count-step.js',
      declares_paths: true,
      input_schema: { type: 'object', required: ['label'], properties: { file: { default: 'count.log' } } },
    });
  });

  it('an unknown name exits 2 and suggests the closest names', async () => {
    const typo = await office(['tools', 'show', 'read_fiel']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no tool named "read_fiel"; did you mean read_file?');
    expect(typo.stdout).toBe('');

    const plugin = await office(['tools', 'show', 'count']);
    expect(plugin.code).toBe(2);
    expect(plugin.stderr).toContain('did you mean count_step?');

    const nothing = await office(['tools', 'show', 'zzzzzzzzzzzz']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no tool named "zzzzzzzzzzzz"');
    expect(nothing.stderr).toContain('office tools list');
  });
});
