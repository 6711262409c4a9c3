// Offline decomposition and planning: every documented phrasing reaches its template, and template plans keep the contract.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decomposeWithTemplates,
  normaliseRequest,
  planFromTemplate,
  rebasePath,
} from '../../src/office/templates.js';
import type { Template } from '../../src/schemas/template.js';
import { loadTemplates } from '../../src/templates/load.js';
import { REPO_ROOT } from '../helpers/workspace.js';
import { contractValidator } from '../schemas/plan-contract.js';

const SAMPLE: Record<string, string> = {
  symbol: 'chargeCard',
  from: 'checkout',
  to: 'chargeCard',
  dir: './src',
  pattern: 'TODO',
  file: 'src/app.ts',
  n: '2',
};
/** Placeholder names in phrasings that templates capture under another name. */
const PARAM_NAME: Record<string, string> = { file: 'path', n: 'depth' };

/** Concrete requests for one documented phrasing: every optional part with and without, placeholders filled. */
function expand(phrasing: string): { request: string; params: Record<string, string> }[] {
  const text = phrasing.replace(/\s*\(.*\)\s*$/, '').trim();
  let variants = [text];
  while (variants.some((v) => v.includes('['))) {
    variants = variants.flatMap((v) => {
      const m = /\[([^\]]*)\]/.exec(v);
      if (!m) return [v];
      return [v.replace(m[0], m[1] ?? ''), v.replace(m[0], '')];
    });
  }
  return variants.map((v) => {
    const params: Record<string, string> = {};
    const request = v
      .replace(/<(\w+)>/g, (_, name: string) => {
        params[PARAM_NAME[name] ?? name] = SAMPLE[name] ?? name;
        return SAMPLE[name] ?? name;
      })
      .replace(/\s+/g, ' ')
      .trim();
    return { request, params };
  });
}

let templates: Template[] = [];
beforeAll(async () => {
  templates = await loadTemplates(REPO_ROOT, []);
});

describe('decomposeWithTemplates with the built-in templates', () => {
  it('loads the built-in templates', () => {
    expect(templates.map((t) => t.id)).toEqual(
      expect.arrayContaining(['callees', 'callers', 'find', 'list', 'read', 'trace']),
    );
  });

  it('sends every documented phrasing to its own template with the values it names', () => {
    const checked: string[] = [];
    for (const template of templates) {
      for (const phrasing of template.phrasings) {
        for (const { request, params } of expand(phrasing)) {
          const dag = decomposeWithTemplates(request, templates);
          expect(dag, `"${request}" (phrasing "${phrasing}") was not understood`).not.toBeNull();
          const first = dag?.subtasks[0]?.template;
          expect(first?.id, `"${request}" went to the wrong template`).toBe(template.id);
          expect(first?.params, `"${request}" captured the wrong values`).toMatchObject({
            ...template.defaults,
            ...params,
          });
          checked.push(request);
        }
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(30);
  });

  it('understands "find TODO in ./src" as a search for TODO in ./src', () => {
    const dag = decomposeWithTemplates('find TODO in ./src', templates);
    expect(dag?.subtasks).toHaveLength(1);
    expect(dag?.subtasks[0]?.template).toMatchObject({
      id: 'find',
      params: { pattern: 'TODO', dir: './src' },
    });
    expect(dag?.subtasks[0]?.tool_hints).toContain('search_code');
  });

  it('understands "search for <pattern> in <dir>"', () => {
    const dag = decomposeWithTemplates('search for createOrder in lib/orders', templates);
    expect(dag?.subtasks[0]?.template).toMatchObject({
      id: 'find',
      params: { pattern: 'createOrder', dir: 'lib/orders' },
    });
  });

  it('takes a quoted pattern with spaces without its quotes', () => {
    const dag = decomposeWithTemplates('search for "not yet" in ./src', templates);
    expect(dag?.subtasks[0]?.template?.params).toMatchObject({ pattern: 'not yet', dir: './src' });
  });

  it('ignores case, extra white space and a trailing question mark', () => {
    const dag = decomposeWithTemplates('  Who   calls chargeCard in ./src? ', templates);
    expect(dag?.subtasks[0]?.template).toMatchObject({
      id: 'callers',
      params: { symbol: 'chargeCard', dir: './src' },
    });
  });

  it('searches the workspace root for "find TODO in ."', () => {
    // The CLI itself suggests this request (`office list` on an empty workspace).
    const dag = decomposeWithTemplates('find TODO in .', templates);
    expect(dag?.subtasks[0]?.template?.params).toMatchObject({ pattern: 'TODO', dir: '.' });
  });

  it('splits "X then Y" into clauses, each depending on the one before', () => {
    const dag = decomposeWithTemplates('list files in ./lib then find TODO in ./src', templates);
    expect(dag?.subtasks.map((s) => s.id)).toEqual(['c1-list', 'c2-search']);
    expect(dag?.subtasks[1]?.dependencies).toEqual(['c1-list']);
    expect(dag?.subtasks[0]?.template?.params).toMatchObject({ dir: './lib' });
    expect(dag?.subtasks[1]?.template?.params).toMatchObject({ pattern: 'TODO', dir: './src' });
  });

  it('splits a request that starts with a search at "then" instead of searching for the rest of it', () => {
    const dag = decomposeWithTemplates('find TODO in ./src then list files in ./lib', templates);
    expect(dag?.subtasks.map((s) => s.template?.id)).toEqual(['find', 'list']);
    expect(dag?.subtasks[0]?.template?.params).toMatchObject({ pattern: 'TODO', dir: './src' });
  });

  it('returns null for a request no template understands, even partly', () => {
    expect(decomposeWithTemplates('make me a sandwich', templates)).toBeNull();
    expect(decomposeWithTemplates('make me a sandwich then find TODO in ./src', templates)).toBeNull();
    expect(decomposeWithTemplates('list files in ./src then make me a sandwich', templates)).toBeNull();
  });

  it('normalises requests without touching their inner text', () => {
    expect(normaliseRequest('  find   TODO\tin ./src?! ')).toBe('find TODO in ./src');
  });
});

describe('planFromTemplate', () => {
  it('makes contract-valid plans for every built-in template', () => {
    const validate = contractValidator();
    for (const template of templates) {
      const request = expand(template.phrasings[0] ?? '')[0]?.request ?? '';
      const dag = decomposeWithTemplates(request, templates);
      for (const subtask of dag?.subtasks ?? []) {
        const plan = planFromTemplate(subtask, templates, 'task-1', 1, new Date('2026-11-23T10:00:00Z'));
        expect(plan, `no plan for ${template.id}`).toBeDefined();
        expect(validate(plan), `${template.id}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(plan?.task_id).toBe('task-1');
      }
    }
  });

  it('fills "{{name:int}}" with a whole number and gives each step a distinct idempotency key', () => {
    const dag = decomposeWithTemplates('trace checkout to chargeCard in ./src', templates);
    const subtask = dag?.subtasks[0];
    if (!subtask) throw new Error('trace not understood');
    const plan = planFromTemplate(subtask, templates, 'task-1', 1, new Date());
    const trace = plan?.steps.find((s) => s.action === 'trace_calls');
    expect(trace?.inputs).toEqual({ dir: './src', from: 'checkout', to: 'chargeCard', max_paths: 1 });
    const keys = plan?.steps.map((s) => s.idempotency_key) ?? [];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('request paths made in a subfolder', () => {
  it('rebase a path onto the folder, leaving absolute paths and the root folder alone', () => {
    expect(rebasePath('sub/a.txt', 'src')).toBe('src/sub/a.txt');
    expect(rebasePath('./sub/', 'src')).toBe('src/sub');
    expect(rebasePath('..', 'src')).toBe('.');
    expect(rebasePath('.', 'src/lib')).toBe('src/lib');
    expect(rebasePath('../../etc', 'src')).toBe('../etc');
    expect(rebasePath('/abs/x', 'src')).toBe('/abs/x');
    expect(rebasePath('sub', '')).toBe('sub');
    expect(rebasePath('sub', undefined)).toBe('sub');
  });
});

describe('decomposing a request made in a subfolder', () => {
  let templates: Template[];
  beforeAll(async () => {
    templates = await loadTemplates(REPO_ROOT, []);
  });
  it('turns the paths it names into workspace paths, and keeps defaults at the root', () => {
    const read = decomposeWithTemplates('read sub/a.txt', templates, 'src');
    expect(read?.subtasks[0]?.template?.params.path).toBe('src/sub/a.txt');
    const trace = decomposeWithTemplates('trace a to b in ./lib', templates, 'src');
    expect(trace?.subtasks[0]?.template?.params.dir).toBe('src/lib');
    // "find X" with no folder searches the whole workspace, wherever it is asked.
    const find = decomposeWithTemplates('find TODO', templates, 'src');
    expect(find?.subtasks[0]?.template?.params.dir).toBe('.');
    // A pattern is not a path.
    const pattern = decomposeWithTemplates('find ./x in .', templates, 'src');
    expect(pattern?.subtasks[0]?.template?.params).toMatchObject({ pattern: './x', dir: 'src' });
  });
});
