import { describe, expect, it } from 'vitest';
import type { PolicyFn } from '../../src/office/ports.js';
import { type Decision, decide, type Policy, type PolicyRequest } from '../../src/policy/decide.js';
import { type PolicyRule, configSchema } from '../../src/schemas/config.js';

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { tool: 'read_file', risk: 'read', paths: [], interactive: true, pluginTool: false, ...overrides };
}

const readFile = request();
const writeInside = request({
  tool: 'write_file',
  risk: 'write',
  paths: [{ path: 'src/a.ts', access: 'write' }],
});
const writeOutside = request({
  tool: 'write_file',
  risk: 'write',
  paths: [{ path: '../elsewhere/a.ts', access: 'write' }],
});
const writeAbsolute = request({
  tool: 'write_file',
  risk: 'write',
  paths: [{ path: '/etc/passwd', access: 'write' }],
});
const writeUndeclared = request({ tool: 'patch_files', risk: 'write', paths: [] });
const runNpm = request({
  tool: 'run_command',
  risk: 'exec',
  command: ['npm', 'test'],
  paths: [{ path: '.', access: 'read' }],
});
const pluginExec = request({ tool: 'deploy', risk: 'exec', pluginTool: true });
const fetchUrl = request({ tool: 'fetch_url', risk: 'network' });

function policy(mode: Policy['mode'], rules: PolicyRule[] = [], sandbox?: Policy['sandbox']): Policy {
  return { mode, rules, ...(sandbox ? { sandbox } : {}) };
}

function verdict(d: Decision): [string, string] {
  return [d.type, d.rule];
}

describe('mode defaults', () => {
  const table: [string, PolicyRequest, Policy, Decision['type'], string][] = [
    ['read-only allows reads', readFile, policy('read-only'), 'allow', 'mode:read-only/read'],
    ['read-only denies writes', writeInside, policy('read-only'), 'deny', 'mode:read-only/write'],
    ['read-only denies commands', runNpm, policy('read-only', [], 'bwrap'), 'deny', 'mode:read-only/exec'],
    ['read-only denies network', fetchUrl, policy('read-only'), 'deny', 'mode:read-only/network'],
    ['ask allows reads', readFile, policy('ask'), 'allow', 'mode:ask/read'],
    ['ask asks before writes', writeInside, policy('ask'), 'ask', 'mode:ask/write'],
    ['ask asks before commands', runNpm, policy('ask', [], 'bwrap'), 'ask', 'mode:ask/exec'],
    ['ask asks before network', fetchUrl, policy('ask'), 'ask', 'mode:ask/network'],
    ['auto-edit allows reads', readFile, policy('auto-edit'), 'allow', 'mode:auto-edit/read'],
    [
      'auto-edit allows writes inside the workspace',
      writeInside,
      policy('auto-edit'),
      'allow',
      'mode:auto-edit/write',
    ],
    [
      'auto-edit asks before a write that leaves the workspace',
      writeOutside,
      policy('auto-edit'),
      'ask',
      'mode:auto-edit/write',
    ],
    [
      'auto-edit asks before an absolute write path',
      writeAbsolute,
      policy('auto-edit'),
      'ask',
      'mode:auto-edit/write',
    ],
    [
      'auto-edit asks when a write tool declares no paths',
      writeUndeclared,
      policy('auto-edit'),
      'ask',
      'mode:auto-edit/write',
    ],
    [
      'auto-edit asks before commands',
      runNpm,
      policy('auto-edit', [], 'bwrap'),
      'ask',
      'mode:auto-edit/exec',
    ],
    ['auto-edit asks before network', fetchUrl, policy('auto-edit'), 'ask', 'mode:auto-edit/network'],
    ['full-auto allows reads', readFile, policy('full-auto'), 'allow', 'mode:full-auto/read'],
    [
      'full-auto allows writes inside the workspace',
      writeInside,
      policy('full-auto'),
      'allow',
      'mode:full-auto/write',
    ],
    [
      'full-auto asks before a write outside the workspace',
      writeOutside,
      policy('full-auto'),
      'ask',
      'mode:full-auto/write',
    ],
    [
      'full-auto allows commands under bwrap',
      runNpm,
      policy('full-auto', [], 'bwrap'),
      'allow',
      'mode:full-auto/exec',
    ],
    [
      'full-auto asks before commands in process mode',
      runNpm,
      policy('full-auto', [], 'process'),
      'ask',
      'mode:full-auto/exec',
    ],
    [
      'full-auto asks before commands with no known sandbox',
      runNpm,
      policy('full-auto'),
      'ask',
      'mode:full-auto/exec',
    ],
    [
      'full-auto asks before a plugin exec tool, even under bwrap',
      pluginExec,
      policy('full-auto', [], 'bwrap'),
      'ask',
      'mode:full-auto/exec',
    ],
    [
      'full-auto asks before network',
      fetchUrl,
      policy('full-auto', [], 'bwrap'),
      'ask',
      'mode:full-auto/network',
    ],
  ];
  it.each(table)('%s', (_name, req, pol, type, rule) => {
    expect(verdict(decide(req, pol))).toEqual([type, rule]);
  });

  it('full-auto says that commands run only inside the sandbox', () => {
    expect(decide(runNpm, policy('full-auto', [], 'bwrap')).reason).toMatch(
      /only inside the bubblewrap sandbox/,
    );
    expect(decide(runNpm, policy('full-auto', [], 'process')).reason).toMatch(
      /process mode, which does not hide files outside the workspace or block the network; install bubblewrap/,
    );
  });

  it('the default config is ask mode with no rules', () => {
    const { approval } = configSchema.parse({});
    expect(verdict(decide(writeInside, approval))).toEqual(['ask', 'mode:ask/write']);
  });

  it('an unknown risk counts as exec and says so', () => {
    const d = decide(request({ tool: 'odd', risk: 'teleport' }), policy('auto-edit'));
    expect(verdict(d)).toEqual(['ask', 'mode:auto-edit/exec']);
    expect(d.reason).toContain('"teleport" is not a known risk');
  });
});

describe('the approval seam', () => {
  it('decide fits the PolicyFn the Office Manager calls', () => {
    const fromConfig: PolicyFn = (req) =>
      decide(req, { ...configSchema.parse({}).approval, sandbox: 'bwrap' });
    expect(fromConfig(writeInside)).toEqual(decide(writeInside, policy('ask')));
  });
});

describe('rules', () => {
  it('the first matching rule wins, by tool before a later rule by risk', () => {
    const rules: PolicyRule[] = [
      { tool: 'write_file', decision: 'deny' },
      { risk: 'write', decision: 'allow' },
    ];
    expect(verdict(decide(writeInside, policy('ask', rules)))).toEqual(['deny', 'rules[0]']);
    expect(verdict(decide(writeUndeclared, policy('ask', rules)))).toEqual(['allow', 'rules[1]']);
    const reversed = [rules[1], rules[0]] as PolicyRule[];
    expect(verdict(decide(writeInside, policy('ask', reversed)))).toEqual(['allow', 'rules[0]']);
  });

  it('a rule overrides the mode in either direction', () => {
    expect(
      verdict(decide(writeInside, policy('read-only', [{ tool: 'write_file', decision: 'allow' }]))),
    ).toEqual(['allow', 'rules[0]']);
    expect(verdict(decide(readFile, policy('full-auto', [{ tool: 'read_file', decision: 'deny' }])))).toEqual(
      ['deny', 'rules[0]'],
    );
  });

  it('a rule naming both tool and risk needs both to match', () => {
    const rules: PolicyRule[] = [{ tool: 'write_file', risk: 'exec', decision: 'allow' }];
    expect(verdict(decide(writeInside, policy('ask', rules)))).toEqual(['ask', 'mode:ask/write']);
  });

  it('a rule with neither tool nor risk applies to every tool', () => {
    const rules: PolicyRule[] = [{ decision: 'deny', when: 'headless' }];
    expect(verdict(decide({ ...readFile, interactive: false }, policy('ask', rules)))).toEqual([
      'deny',
      'rules[0]',
    ]);
  });

  it('a user reason is carried into the decision', () => {
    const rules: PolicyRule[] = [{ risk: 'network', decision: 'deny', reason: 'this repo builds offline' }];
    expect(decide(fetchUrl, policy('full-auto', rules)).reason).toContain('this repo builds offline');
  });

  describe('when', () => {
    const rules: PolicyRule[] = [{ risk: 'exec', decision: 'allow', when: 'interactive' }];
    it('an interactive-only rule applies in a terminal', () => {
      expect(verdict(decide(runNpm, policy('ask', rules)))).toEqual(['allow', 'rules[0]']);
    });
    it('an interactive-only rule does not apply headless, and the reason says so', () => {
      const d = decide({ ...runNpm, interactive: false }, policy('ask', rules));
      expect(verdict(d)).toEqual(['ask', 'mode:ask/exec']);
      expect(d.reason).toContain('rules[0] (risk exec, only interactive) does not apply headless');
    });
    it('a headless-only rule does not apply in a terminal', () => {
      const headless: PolicyRule[] = [{ risk: 'exec', decision: 'deny', when: 'headless' }];
      expect(verdict(decide(runNpm, policy('ask', headless)))).toEqual(['ask', 'mode:ask/exec']);
      expect(verdict(decide({ ...runNpm, interactive: false }, policy('ask', headless)))).toEqual([
        'deny',
        'rules[0]',
      ]);
    });
  });

  describe('path scopes', () => {
    const write = (...paths: string[]) =>
      request({
        tool: 'write_file',
        risk: 'write',
        paths: paths.map((path) => ({ path, access: 'write' as const })),
      });
    const docsOnly: PolicyRule[] = [{ risk: 'write', decision: 'allow', paths: ['docs/'] }];

    it('a write inside a directory scope is matched', () => {
      expect(verdict(decide(write('docs/guide/intro.md'), policy('ask', docsOnly)))).toEqual([
        'allow',
        'rules[0]',
      ]);
    });
    it('a write outside the scope is not matched, and the reason says how to widen it', () => {
      const d = decide(write('src/a.ts'), policy('ask', docsOnly));
      expect(verdict(d)).toEqual(['ask', 'mode:ask/write']);
      expect(d.reason).toContain('src/a.ts is outside the paths of rules[0]');
      expect(d.reason).toContain('approval.rules[0].paths in .office.config.json');
    });
    it('every written path must be inside a scope', () => {
      expect(verdict(decide(write('docs/a.md', 'src/b.ts'), policy('ask', docsOnly)))).toEqual([
        'ask',
        'mode:ask/write',
      ]);
    });
    it('a directory prefix does not match a sibling that shares its name', () => {
      expect(verdict(decide(write('docs-old/a.md'), policy('ask', docsOnly)))).toEqual([
        'ask',
        'mode:ask/write',
      ]);
    });
    it('glob scopes match against the whole relative path', () => {
      const tests: PolicyRule[] = [{ risk: 'write', decision: 'allow', paths: ['src/**/*.test.ts'] }];
      expect(verdict(decide(write('src/cart/cart.test.ts'), policy('ask', tests)))).toEqual([
        'allow',
        'rules[0]',
      ]);
      expect(verdict(decide(write('src/cart/cart.ts'), policy('ask', tests)))).toEqual([
        'ask',
        'mode:ask/write',
      ]);
    });
    it('a path that leaves the workspace is in no scope, not even "."', () => {
      const everywhere: PolicyRule[] = [{ risk: 'write', decision: 'allow', paths: ['.'] }];
      expect(verdict(decide(write('src/a.ts'), policy('ask', everywhere)))).toEqual(['allow', 'rules[0]']);
      expect(verdict(decide(write('src/../../x'), policy('ask', everywhere)))).toEqual([
        'ask',
        'mode:ask/write',
      ]);
      expect(verdict(decide(write('/tmp/x'), policy('ask', everywhere)))).toEqual(['ask', 'mode:ask/write']);
    });
    it('a scoped rule does not match a write tool that declares no paths', () => {
      expect(verdict(decide(writeUndeclared, policy('ask', docsOnly)))).toEqual(['ask', 'mode:ask/write']);
    });
    it('read paths do not count against a write scope', () => {
      const req = request({
        tool: 'write_file',
        risk: 'write',
        paths: [
          { path: 'src/template.md', access: 'read' },
          { path: 'docs/out.md', access: 'write' },
        ],
      });
      expect(verdict(decide(req, policy('ask', docsOnly)))).toEqual(['allow', 'rules[0]']);
    });
  });

  describe('command allowlists', () => {
    const allowlist: PolicyRule[] = [{ tool: 'run_command', decision: 'allow', commands: ['npm', 'git'] }];
    const run = (...argv: string[]) => request({ tool: 'run_command', risk: 'exec', command: argv });

    it('a listed program is matched by its basename', () => {
      expect(verdict(decide(run('npm', 'test'), policy('ask', allowlist)))).toEqual(['allow', 'rules[0]']);
      expect(verdict(decide(run('/usr/bin/git', 'status'), policy('ask', allowlist)))).toEqual([
        'allow',
        'rules[0]',
      ]);
    });
    it('an unlisted program falls through, and the reason names the rule to extend', () => {
      const d = decide(run('curl', 'https://example.org'), policy('read-only', allowlist));
      expect(verdict(d)).toEqual(['deny', 'mode:read-only/exec']);
      expect(d.reason).toContain(
        'curl is not in the allowlist of rules[0] (tool run_command, commands [npm, git]); add "curl" to approval.rules[0].commands in .office.config.json',
      );
    });
    it('a path to a file named like an allowed program is not that program', () => {
      const d = decide(run('./npm', 'test'), policy('ask', allowlist));
      expect(verdict(d)).toEqual(['ask', 'mode:ask/exec']);
      expect(d.reason).toContain('./npm is not in the allowlist of rules[0]');
      expect(verdict(decide(run('/tmp/evil/git'), policy('ask', allowlist)))).toEqual([
        'ask',
        'mode:ask/exec',
      ]);
      expect(verdict(decide(run('node_modules/.bin/npm'), policy('ask', allowlist)))).toEqual([
        'ask',
        'mode:ask/exec',
      ]);
    });
    it('a script path listed as written is matched', () => {
      const scripts: PolicyRule[] = [
        { tool: 'run_command', decision: 'allow', commands: ['./scripts/build.sh'] },
      ];
      expect(verdict(decide(run('./scripts/build.sh'), policy('ask', scripts)))).toEqual([
        'allow',
        'rules[0]',
      ]);
    });
    it('an argument never counts as the program', () => {
      expect(verdict(decide(run('curl', 'npm'), policy('ask', allowlist)))).toEqual(['ask', 'mode:ask/exec']);
    });
    it('a rule with commands does not match a step that runs no command', () => {
      const rules: PolicyRule[] = [{ risk: 'exec', decision: 'allow', commands: ['npm'] }];
      expect(verdict(decide(pluginExec, policy('ask', rules)))).toEqual(['ask', 'mode:ask/exec']);
    });
    it('a deny rule for a program holds even in full-auto under bwrap', () => {
      const rules: PolicyRule[] = [{ tool: 'run_command', decision: 'deny', commands: ['rm'] }];
      expect(verdict(decide(run('rm', '-rf', '.'), policy('full-auto', rules, 'bwrap')))).toEqual([
        'deny',
        'rules[0]',
      ]);
      expect(verdict(decide(run('npm', 'test'), policy('full-auto', rules, 'bwrap')))).toEqual([
        'allow',
        'mode:full-auto/exec',
      ]);
    });
    it('an allow rule must name every program that would run, wrappers included', () => {
      const d = decide(run('sudo', 'npm', 'test'), policy('ask', allowlist));
      expect(verdict(d)).toEqual(['ask', 'mode:ask/exec']);
      expect(d.reason).toContain('sudo is not in the allowlist of rules[0]');
      expect(d.reason).toContain('the command runs sudo → npm');
      expect(verdict(decide(run('env', 'npm', 'test'), policy('ask', allowlist)))).toEqual([
        'ask',
        'mode:ask/exec',
      ]);
      expect(verdict(decide(run('find', '.', '-exec', 'npm', ';'), policy('ask', allowlist)))).toEqual([
        'ask',
        'mode:ask/exec',
      ]);
      const withTimeout: PolicyRule[] = [
        { tool: 'run_command', decision: 'allow', commands: ['timeout', 'npm'] },
      ];
      expect(verdict(decide(run('timeout', '60', 'npm', 'test'), policy('ask', withTimeout)))).toEqual([
        'allow',
        'rules[0]',
      ]);
    });
    it('a deny rule catches its program behind a wrapper or in find -exec', () => {
      const rules: PolicyRule[] = [{ tool: 'run_command', decision: 'deny', commands: ['rm'] }];
      for (const argv of [
        ['env', 'rm', '-rf', '.'],
        ['nice', '-n', '5', '/usr/bin/rm', '-rf', '.'],
        ['find', '.', '-exec', 'rm', '{}', ';'],
        ['xargs', 'rm'],
      ]) {
        expect(verdict(decide(run(...argv), policy('full-auto', rules, 'bwrap'))), argv.join(' ')).toEqual([
          'deny',
          'rules[0]',
        ]);
      }
    });
    it('an allow rule never allows inline code, even when it lists the shell', () => {
      const rules: PolicyRule[] = [{ tool: 'run_command', decision: 'allow', commands: ['env', 'sh'] }];
      const d = decide(run('env', 'sh', '-c', 'id'), policy('ask', rules));
      expect(verdict(d)).toEqual(['ask', 'mode:ask/exec']);
      expect(d.reason).toContain('cannot allow this command: it runs code given as a string (sh -c');
    });
    it('a near miss of a stricter rule is not offered as a way to loosen', () => {
      const rules: PolicyRule[] = [{ tool: 'run_command', decision: 'deny', commands: ['rm'] }];
      expect(decide(run('npm'), policy('ask', rules)).reason).not.toContain('rules[0]');
    });
  });
});

describe('.env files', () => {
  const readPath = (path: string) => request({ paths: [{ path, access: 'read' }] });

  it('reading a .env file needs approval in every mode that would allow the read', () => {
    for (const mode of ['read-only', 'ask', 'auto-edit', 'full-auto'] as const) {
      for (const path of ['.env', 'config/.env.local', '.env.production', '.envrc']) {
        const d = decide(readPath(path), policy(mode, [], 'bwrap'));
        expect(verdict(d), `${mode} ${path}`).toEqual(['ask', 'secret-file']);
        expect(d.reason).toContain('is a .env file, which usually holds secrets');
      }
    }
  });

  it('templates of .env files and other dotfiles read freely', () => {
    for (const path of ['.env.example', '.env.sample', 'src/.environment.ts', '.editorconfig', 'env.ts']) {
      expect(verdict(decide(readPath(path), policy('ask'))), path).toEqual(['allow', 'mode:ask/read']);
    }
  });

  it('a rule can allow reading one', () => {
    const rules: PolicyRule[] = [{ tool: 'read_file', decision: 'allow' }];
    expect(verdict(decide(readPath('.env'), policy('ask', rules)))).toEqual(['allow', 'rules[0]']);
  });
});
