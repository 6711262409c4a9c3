// `office check` (Receptionist): evaluates the call-path rules of `.office.config.json` on the code index and prints
// the verdicts as text, JSON, SARIF or GitHub annotations (plus a step summary); exit 1 on a violation.
import { readFileSync, realpathSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { changedSince } from '../../check/changed-files.js';
import { checkRules } from '../../check/check-rules.js';
import { formatCheckGithub, formatStepSummary } from '../../check/format-github.js';
import { formatCheckSarif } from '../../check/format-sarif.js';
import { formatCheckText } from '../../check/format-text.js';
import { graphViewOf } from '../../check/graph-view.js';
import { buildReport, type CheckReport } from '../../check/report.js';
import type { CodeIndexService, IndexStats } from '../../code/service.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError, EXIT, type ExitCode } from '../../errors.js';
import { isInside } from '../../util/workspace.js';
import { withExclude } from '../exclude.js';
import { workspaceRoot } from '../workspace-root.js';
import { chooseFormat, codeService, reportTooLarge, withIndexProgress } from './trace.js';

const VERSION = '0.1.0';

export const checkFormats = ['text', 'json', 'sarif', 'github'] as const;

export interface CheckCommandOptions {
  dir?: string;
  format?: string;
  changedSince?: string;
  /** --exclude: more gitignore-style rules for the index, on top of config code.exclude. */
  exclude?: string[];
}

export interface CheckCommandDeps {
  readonly service?: CodeIndexService;
  /** The environment read for GitHub Actions (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE). */
  readonly env?: NodeJS.ProcessEnv;
}

export async function checkCommand(
  opts: CheckCommandOptions,
  deps: CheckCommandDeps = {},
): Promise<ExitCode> {
  const env = deps.env ?? process.env;
  // In GitHub Actions the annotations are what a reader of the run sees first, so they are the default there.
  const format = chooseFormat(
    opts.format ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : 'text'),
    checkFormats,
    '--format',
  );
  const root = await workspaceRoot(opts.dir);
  const { config, path } = await loadConfig(root);
  if (config.checks.length === 0) {
    throw new ConfigError(
      `${path}: no "checks" to evaluate. Add rules such as { "rule": "forbid", "from": "src/ui/**", "to": "src/db/**" } (README: office check).`,
    );
  }
  // A bad ref fails before the index is built.
  const changes = opts.changedSince !== undefined ? await changedSince(root, opts.changedSince) : undefined;

  const started = performance.now();
  const service = deps.service ?? codeService(withExclude(config.code, opts.exclude));
  let indexStats: IndexStats | undefined;
  const graph = await withIndexProgress((progress) =>
    service.graph(root, {
      ...progress,
      onIndexed: (stats) => {
        indexStats = stats;
      },
    }),
  );
  const indexed = performance.now();
  const result = checkRules(graphViewOf(graph), config.checks, changes);
  const checked = performance.now();

  const bad = result.outcomes.flatMap((o) => (o.type === 'bad' ? [o] : []));
  if (bad.length > 0) {
    throw new ConfigError(
      `${path}: ${bad.map((b) => `field "checks.${b.rule.index}.${b.field}": ${b.message}`).join('; ')}`,
    );
  }
  const report = buildReport({
    result,
    ...(changes ? { changes } : {}),
    stats: {
      files:
        indexStats?.files ?? new Set(graph.symbols.map((s) => s.file).filter((file) => file !== '')).size,
      symbols: graph.symbols.length,
      calls: graph.edges.length,
      index_ms: Math.round(indexed - started),
      check_ms: Math.round(checked - indexed),
      cache: indexStats?.cache ?? null,
    },
    lineText: sourceLines(root),
  });
  process.stdout.write(render(report, format, root, env));
  // Files left out for size hold calls no rule saw: said on stderr, as trace and graph say it.
  if (indexStats) reportTooLarge(indexStats);
  if (format === 'github' && env.GITHUB_STEP_SUMMARY) {
    await appendFile(env.GITHUB_STEP_SUMMARY, formatStepSummary(report));
  }
  return report.status === 'failed' ? EXIT.failed : EXIT.ok;
}

function render(
  report: CheckReport,
  format: (typeof checkFormats)[number],
  root: string,
  env: NodeJS.ProcessEnv,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return formatCheckSarif(report, { root, toolVersion: VERSION });
    case 'github':
      return formatCheckGithub(report, { pathPrefix: repositoryPrefix(root, env.GITHUB_WORKSPACE) });
    default:
      return formatCheckText(report);
  }
}

/** Annotations name files from the repository root; the checked folder may be below it. */
function repositoryPrefix(root: string, workspace: string | undefined): string {
  if (!workspace) return '';
  let repo: string;
  try {
    repo = realpathSync(workspace);
  } catch {
    return '';
  }
  return isInside(repo, root) ? relative(repo, root).split(sep).join('/') : '';
}

/** The trimmed text of a line of a file of the tree (as the index records a call's text), files read once. */
function sourceLines(root: string): (file: string, line: number) => string {
  const files = new Map<string, string[]>();
  return (file, line) => {
    let lines = files.get(file);
    if (!lines) {
      try {
        lines = readFileSync(join(root, file), 'utf8').split('\n');
      } catch {
        lines = [];
      }
      files.set(file, lines);
    }
    return (lines[line - 1] ?? '').trim().slice(0, 200);
  };
}
