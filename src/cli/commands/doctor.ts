import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { configPath, loadConfig } from '../../config/load.js';
import { ConfigError, EXIT, type ExitCode } from '../../errors.js';
import { type ProviderProbe, probeProviders } from '../../models/doctor.js';
import { keyVariable } from '../../models/settings.js';
import { modeDescriptions } from '../../policy/explain.js';
import { configSchema, type OfficeConfig, tierNames } from '../../schemas/config.js';
import { openTools } from '../../tools/open-tools.js';
import { probeSandbox } from '../../tools/sandbox.js';
import { packageRoot } from '../../util/package-root.js';
import { officeEnv, secretValues } from '../../config/secrets.js';
import { redact } from '../../util/redact.js';
import { workspaceRoot } from '../workspace-root.js';

interface Flags {
  readonly dir?: string;
  readonly json?: boolean;
}

/** Each provider gets this long to answer; all are probed at once. */
const PROBE_TIMEOUT_MS = 2_000;
/** Ollama models listed by name; the rest are counted. */
const MODELS_SHOWN = 8;

type ConfigState =
  | { readonly status: 'valid' | 'absent'; readonly path: string; readonly user?: string }
  | { readonly status: 'invalid'; readonly path: string; readonly error: string };

/** The configuration, or the defaults with the error when the file is broken (doctor reports the rest anyway). */
async function readConfig(root: string): Promise<{ config: OfficeConfig; state: ConfigState }> {
  try {
    const { config, path, exists, user } = await loadConfig(root);
    return {
      config,
      state: { status: exists ? 'valid' : 'absent', path, ...(user.exists ? { user: user.path } : {}) },
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      config: configSchema.parse({}),
      state: { status: 'invalid', path: configPath(root), error: err.message },
    };
  }
}

const packageJsonSchema = z.looseObject({ version: z.string() });

async function officeVersion(): Promise<string> {
  try {
    const text = await readFile(join(packageRoot(), 'package.json'), 'utf8');
    return packageJsonSchema.parse(JSON.parse(text)).version;
  } catch {
    return 'unknown';
  }
}

export async function doctorCommand(flags: Flags): Promise<ExitCode> {
  const report = await doctorReport(await workspaceRoot(flags.dir));
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${doctorText(report).join('\n')}\n`);
  return report.ok ? EXIT.ok : EXIT.usage;
}

/** Everything doctor finds, probed in parallel; the JSON that `office doctor --json` prints. */
async function doctorReport(root: string) {
  const secrets = secretValues();
  // Messages from providers and plugins are not ours: mask anything that looks like a credential in them.
  const scrub = (s: string) => redact(s, { secrets });
  const { config, state } = await readConfig(root);
  const [version, models, sandbox, tools] = await Promise.all([
    officeVersion(),
    probeProviders(config, officeEnv(), { timeoutMs: PROBE_TIMEOUT_MS }),
    probeSandbox({ mode: config.sandbox.mode }),
    openTools({ workspace: root, config }),
  ]);
  // Doctor only looks: the MCP servers it started to list their tools are stopped at once.
  await tools.close();
  const mode = config.approval.mode;
  const { summary, ...defaults } = modeDescriptions[mode];
  const all = tools.registry.list();
  return {
    ok: state.status !== 'invalid',
    office: { version, node: process.versions.node },
    workspace: root,
    config: state.status === 'invalid' ? { ...state, error: scrub(state.error) } : state,
    models: {
      providers: models.providers.map((p) => providerJson(p, config.models, scrub)),
      tiers: models.tiers,
      usable_tiers: tierNames.filter((t) => models.tiers[t].some((c) => c.usable)),
    },
    sandbox: { mode: sandbox.mode, kind: sandbox.kind, reason: sandbox.reason },
    approval: { mode, summary, defaults, rules: config.approval.rules.length },
    tools: {
      builtin: all
        .filter((t) => !tools.registry.isPlugin(t.name))
        .map((t) => t.name)
        .sort(),
      // MCP servers' tools are listed under mcp_servers.
      plugins: all
        .filter((t) => tools.registry.isPlugin(t.name) && !tools.registry.origin(t.name)?.startsWith('mcp:'))
        .map((t) => ({ name: t.name, origin: tools.registry.origin(t.name) ?? '?' })),
      problems: tools.problems.map(scrub),
    },
    mcp_servers: tools.servers.map((server) => ({
      ...server,
      target: scrub(server.target),
      ...(server.error === undefined ? {} : { error: scrub(server.error) }),
      problems: server.problems.map(scrub),
    })),
  };
}

function providerJson(p: ProviderProbe, modelsConfig: OfficeConfig['models'], scrub: (s: string) => string) {
  const variable = keyVariable(p.provider, modelsConfig);
  return {
    provider: p.provider,
    host: p.host,
    ...(p.keyFound === undefined ? {} : { key_found: p.keyFound, key_variable: variable ?? null }),
    reachable: p.reachable ?? null,
    latency_ms: p.latencyMs === undefined ? null : Math.round(p.latencyMs),
    models: p.models ?? null,
    ...(p.error === undefined ? {} : { error: scrub(p.error) }),
  };
}

type Report = Awaited<ReturnType<typeof doctorReport>>;

const label = (s: string) => s.padEnd(11);
const indent = label('');

function doctorText(report: Report): string[] {
  const tiers = report.models.tiers;
  const lines = [
    `office ${report.office.version} on Node ${report.office.node}`,
    `${label('workspace')}${report.workspace}`,
  ];
  const c = report.config;
  if (c.status === 'invalid') {
    lines.push(`${label('config')}INVALID: ${c.error}`, `${indent}(the sections below use the defaults)`);
  } else if (c.status === 'valid') {
    lines.push(`${label('config')}${c.path}: valid`);
  } else {
    lines.push(
      `${label('config')}${c.path}: not present, the defaults apply (\`office config init\` writes one)`,
    );
  }
  if (c.status !== 'invalid' && c.user) lines.push(`${indent}under your user file ${c.user}: valid`);

  lines.push('', `models     (each provider probed for up to ${PROBE_TIMEOUT_MS / 1000} s)`);
  for (const p of report.models.providers) lines.push(`  ${p.provider.padEnd(8)} ${providerText(p)}`);
  const width = Math.max(...tierNames.flatMap((t) => tiers[t].map((x) => x.candidate.length)), 10);
  for (const tier of tierNames) {
    const candidates = tiers[tier];
    if (candidates.length === 0) lines.push(`  ${tier.padEnd(8)} no candidates configured`);
    candidates.forEach((x, i) => {
      const verdict = x.usable ? 'usable' : `not usable: ${x.reason ?? '?'}`;
      lines.push(`  ${(i === 0 ? tier : '').padEnd(8)} ${x.candidate.padEnd(width)}  ${verdict}`);
    });
  }
  const usable = tierNames.filter((t) => tiers[t].some((x) => x.usable));
  lines.push(
    usable.length === tierNames.length
      ? '  every tier has a usable model'
      : `  ${usable.length} of ${tierNames.length} tiers have a usable model; roles without one use their deterministic fallback (office works offline)`,
  );

  const s = report.sandbox;
  lines.push(
    '',
    `${label('sandbox')}mode ${s.mode}: run_command ${s.kind ? `runs in ${s.kind}` : 'cannot run'} — ${s.reason}`,
  );
  const a = report.approval;
  lines.push(
    `${label('approval')}mode ${a.mode}: ${a.summary}`,
    `${indent}${Object.entries(a.defaults)
      .map(([risk, what]) => `${risk}: ${what}`)
      .join('; ')}`,
    `${indent}${a.rules} rule${a.rules === 1 ? '' : 's'} in approval.rules (checked first, first match wins)`,
  );
  const t = report.tools;
  lines.push(`${label('tools')}${t.builtin.length} built-in: ${t.builtin.join(', ')}`);
  lines.push(
    `${indent}${t.plugins.length} from plugins${t.plugins.length > 0 ? `: ${t.plugins.map((p) => `${p.name} (${p.origin})`).join(', ')}` : ''}`,
  );
  for (const problem of t.problems) lines.push(`${indent}plugin problem: ${problem}`);
  lines.push(...mcpText(report));
  return lines;
}

/** Each configured MCP server: its tools, or why it was skipped; then what was left out of the ones that work. */
function mcpText(report: Report): string[] {
  if (report.mcp_servers.length === 0) return [];
  const lines = [
    `${label('mcp')}${report.mcp_servers.length} server${report.mcp_servers.length === 1 ? '' : 's'} in mcpServers`,
  ];
  for (const s of report.mcp_servers) {
    const what =
      s.status === 'connected'
        ? `${s.tools.length} tool${s.tools.length === 1 ? '' : 's'}${s.tools.length > 0 ? `: ${s.tools.join(', ')}` : ''}`
        : `FAILED, skipped: ${s.error ?? '?'}`;
    lines.push(`${indent}${s.name} (${s.transport} ${s.target})  ${what}`);
    for (const problem of s.problems) lines.push(`${indent}  ${problem}`);
  }
  return lines;
}

function providerText(p: ReturnType<typeof providerJson>): string {
  const parts = [p.host];
  if (p.key_found === true) parts.push(`key found (${p.key_variable})`);
  if (p.key_found === false) {
    parts.push(`no key (set ${p.key_variable} to use it), not probed`);
    return parts.join('  ');
  }
  if (p.reachable) {
    const list = p.models ?? [];
    const names =
      p.provider === 'ollama'
        ? list.length === 0
          ? 'no models pulled'
          : `${list.length} model${list.length === 1 ? '' : 's'}: ${list.slice(0, MODELS_SHOWN).join(', ')}${list.length > MODELS_SHOWN ? `, +${list.length - MODELS_SHOWN} more` : ''}`
        : `${list.length} models offered`;
    parts.push(`reachable (${p.latency_ms} ms), ${names}`);
  } else {
    parts.push(`unreachable after ${p.latency_ms} ms: ${p.error ?? '?'}`);
  }
  return parts.join('  ');
}
