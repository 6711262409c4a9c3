// `office doctor` through the real binary, against loopback provider fakes: what is reachable, usable, configured.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, type FakeProvider, startFakeProvider } from '../helpers/fake-providers.js';
import {
  installFixtures,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
  writeConfig,
} from '../helpers/workspace.js';

/** No cloud keys from the machine running the tests. */
const NO_KEYS = { GEMINI_API_KEY: '', GOOGLE_API_KEY: '', OPENAI_API_KEY: '' };

let ws: TempWorkspace;
const fakes: FakeProvider[] = [];
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await killStrayOffices();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await ws.cleanup();
});

const doctor = (args: string[], env: Record<string, string>) =>
  runOffice(['doctor', '--dir', ws.root, ...args], { cwd: ws.root, env: { ...NO_KEYS, ...env } });

interface DoctorJson {
  ok: boolean;
  config: { status: string; error?: string };
  models: {
    providers: {
      provider: string;
      reachable: boolean | null;
      key_found?: boolean;
      models: string[] | null;
      error?: string;
    }[];
    tiers: Record<string, { candidate: string; usable: boolean; reason?: string }[]>;
  };
  sandbox: { mode: string; kind: string | null; reason: string };
  approval: { mode: string; rules: number };
  tools: { builtin: string[]; plugins: { name: string; origin: string }[]; problems: string[] };
}

describe('office doctor', () => {
  it('shows a reachable Ollama, its models, and which tier candidates are usable', async () => {
    const ollama = await startFakeProvider('ollama', { models: ['qwen2.5-coder:7b'] });
    fakes.push(ollama);
    const run = await doctor([], { OLLAMA_HOST: ollama.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`ollama +${ollama.url} +reachable \\(\\d+ ms\\), 1 model: qwen2.5-coder:7b`),
    );
    expect(run.stdout).toMatch(/medium +ollama:qwen2\.5-coder:7b +usable$/m);
    expect(run.stdout).toContain(
      'not usable: model not offered by ollama (run `ollama pull qwen2.5-coder:1.5b`)',
    );
    expect(run.stdout).toMatch(/openai .+no key \(set OPENAI_API_KEY to use it\), not probed/);
    expect(run.stdout).toContain('1 of 4 tiers have a usable model');

    const json = onlyJson(
      (await doctor(['--json'], { OLLAMA_HOST: ollama.url })).stdout,
    ) as unknown as DoctorJson;
    expect(json.ok).toBe(true);
    expect(json.models.providers.find((p) => p.provider === 'ollama')).toMatchObject({
      reachable: true,
      models: ['qwen2.5-coder:7b'],
    });
    expect(json.models.tiers.medium?.[0]).toEqual({ candidate: 'ollama:qwen2.5-coder:7b', usable: true });
    expect(ollama.requests.filter((r) => r.path === '/api/tags')).toHaveLength(2);
  });

  it('reports an Ollama that is not running as unreachable and still exits 0', async () => {
    const run = await doctor([], { OLLAMA_HOST: await closedPortUrl() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ollama .+unreachable after \d+ ms: connection refused/);
    expect(run.stdout).toContain('0 of 4 tiers have a usable model');
    expect(run.stdout).toContain('office works offline');
  });

  it('says a key was found and never prints it', async () => {
    const key = 'sk-test-123456789';
    const openai = await startFakeProvider('openai', { models: ['gpt-4o-mini', 'gpt-4o'] });
    fakes.push(openai);
    const env = { OPENAI_API_KEY: key, OPENAI_BASE_URL: openai.baseUrl, OLLAMA_HOST: await closedPortUrl() };
    const text = await doctor([], env);
    const json = await doctor(['--json'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /openai +http:\/\/127\.0\.0\.1:\d+\/v1 +key found \(OPENAI_API_KEY\) +reachable/,
    );
    expect(text.stdout).toMatch(/small .+\n.+\n +openai:gpt-4o-mini +usable$/m);
    const parsed = onlyJson(json.stdout) as unknown as DoctorJson;
    expect(parsed.models.providers.find((p) => p.provider === 'openai')).toMatchObject({
      key_found: true,
      reachable: true,
    });
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(out).not.toContain(key);
    // The key was really used: the fake saw it on the wire.
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('names the wrong field of a broken config, reports the rest, and exits 2', async () => {
    await writeConfig(ws, { concurrency: 'four' });
    const run = await doctor([], { OLLAMA_HOST: await closedPortUrl() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('field "concurrency"');
    expect(run.stdout).toContain('(the sections below use the defaults)');
    expect(run.stdout).toMatch(/^sandbox +mode auto: /m);
    expect(run.stdout).toMatch(/^tools +\d+ built-in: .*read_file/m);

    const json = await doctor(['--json'], { OLLAMA_HOST: await closedPortUrl() });
    expect(json.code).toBe(2);
    const parsed = onlyJson(json.stdout) as unknown as DoctorJson;
    expect(parsed.ok).toBe(false);
    expect(parsed.config.status).toBe('invalid');
    expect(parsed.config.error).toContain('field "concurrency"');
  });

  it('shows the sandbox and approval mode configured, the rules, and plugin tools and problems', async () => {
    await installFixtures(ws, {
      sandbox: { mode: 'process' },
      approval: {
        mode: 'read-only',
        rules: [
          { tool: 'count_step', decision: 'allow' },
          { risk: 'exec', decision: 'deny' },
        ],
      },
    });
    await ws.write('office-tools/throws.js', "throw new Error('plugin exploded at import');\n");
    const run = await doctor([], { OLLAMA_HOST: await closedPortUrl() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\.office\.config\.json: valid$/m);
    expect(run.stdout).toMatch(
      /^sandbox +mode process: run_command runs in process — process mode was chosen/m,
    );
    expect(run.stdout).toContain('mode read-only: reads and analyses only');
    expect(run.stdout).toContain('write: deny');
    expect(run.stdout).toContain('2 rules in approval.rules');
    expect(run.stdout).toContain('count_step (office-tools/count-step.js)');
    expect(run.stdout).toContain(
      'plugin problem: office-tools/throws.js: could not be loaded (plugin exploded at import)',
    );

    const json = onlyJson(
      (await doctor(['--json'], { OLLAMA_HOST: await closedPortUrl() })).stdout,
    ) as unknown as DoctorJson;
    expect(json.sandbox).toMatchObject({ mode: 'process', kind: 'process' });
    expect(json.approval).toMatchObject({ mode: 'read-only', rules: 2 });
    expect(json.tools.builtin).toEqual(
      expect.arrayContaining(['list_files', 'read_file', 'search_code', 'run_command']),
    );
    expect(json.tools.plugins).toContainEqual({ name: 'count_step', origin: 'office-tools/count-step.js' });
    expect(json.tools.problems).toHaveLength(1);
  });
});
