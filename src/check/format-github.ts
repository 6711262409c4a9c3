// Check report for GitHub Actions (`office check --format github`): workflow-command annotations at the first call
// site of each witness path, and a Markdown step summary with a Mermaid diagram of each violation.
import type { Hop } from '../code/service.js';
import { formatCheckText, placeOf, summaryLine } from './format-text.js';
import type { CheckReport, RuleReport, ViolationJson } from './report.js';

export interface GithubOptions {
  /** The checked folder relative to the repository root (GITHUB_WORKSPACE), '' when it is the root. */
  readonly pathPrefix: string;
}

/** The text report for the log, then one `::error` or `::warning` line per violation. */
export function formatCheckGithub(report: CheckReport, options: GithubOptions): string {
  const lines: string[] = [];
  for (const rule of report.rules) {
    for (const violation of rule.violations) lines.push(annotation(rule, violation, options));
  }
  return `${formatCheckText(report)}${lines.map((line) => `${line}\n`).join('')}`;
}

/** Where a violation is annotated: the first call of its witness path, else (no path) where `from` is defined. */
export function violationSite(violation: ViolationJson): { file: string; line: number; column?: number } {
  const call = violation.hops[1]?.call;
  if (call) return { file: call.file, line: call.line, column: call.column };
  return { file: violation.from.file, line: violation.from.line };
}

function annotation(rule: RuleReport, violation: ViolationJson, options: GithubOptions): string {
  const site = violationSite(violation);
  const properties = [
    `file=${escapeProperty(joinPath(options.pathPrefix, site.file))}`,
    `line=${site.line}`,
    ...(site.column !== undefined ? [`col=${site.column}`] : []),
    `title=${escapeProperty(`office check: ${rule.name}`)}`,
  ];
  const path = violation.hops.map((hop) => hop.qualified_name).join(' → ');
  const body = [
    violation.message,
    ...(path ? [`path: ${path}`] : []),
    ...(rule.description ? [rule.description] : []),
  ].join('\n');
  return `::${violation.severity} ${properties.join(',')}::${escapeData(body)}`;
}

function joinPath(prefix: string, file: string): string {
  return prefix === '' ? file : `${prefix.replace(/\/+$/, '')}/${file}`;
}

/** As @actions/core escapes a command's message. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** As @actions/core escapes a command property's value. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

const STATUS: Record<RuleReport['status'], string> = {
  holds: '✅ holds',
  violated: '❌ violated',
  warning: '⚠️ warning',
  skipped: '⏭️ skipped',
};

/** The step summary: a table of the rules, then each violation with its path and a Mermaid flowchart. */
export function formatStepSummary(report: CheckReport): string {
  // A blank line first: the file may hold what earlier commands of the step appended.
  const out: string[] = ['', `## ${summaryLine(report)}`, '', '| rule | what | result |', '|---|---|---|'];
  for (const rule of report.rules) {
    const count = rule.violations.length;
    const result =
      rule.status === 'violated' || rule.status === 'warning'
        ? `${STATUS[rule.status]} (${count} violation${count === 1 ? '' : 's'})`
        : rule.status === 'skipped'
          ? `${STATUS.skipped}: ${cell(rule.reason ?? '')}`
          : STATUS.holds;
    out.push(`| \`${rule.name}\` | \`${cell(rule.title)}\` | ${result} |`);
  }
  if (report.changed_since) {
    const { ref, files } = report.changed_since;
    out.push('', `Rules judged against the ${files.length} files changed since \`${ref}\`.`);
  }
  for (const rule of report.rules) {
    if (rule.violations.length === 0) continue;
    out.push('', `### ${rule.status === 'violated' ? '❌' : '⚠️'} ${rule.name}`, '', `\`${rule.title}\``);
    if (rule.description) out.push('', rule.description);
    for (const violation of rule.violations) {
      out.push('', `**${violation.severity}**: ${markdownText(violation.message)}`, '');
      violation.hops.forEach((hop, i) => {
        const call = hop.call
          ? ` — called at \`${hop.call.file}:${hop.call.line}\`: \`${codeSpan(hop.call.text)}\` (${hop.edge})`
          : '';
        out.push(`${i + 1}. \`${hop.qualified_name}\` ${placeOf(hop)}${call}`);
      });
      if (violation.hops.length > 0) out.push('', '```mermaid', ...mermaidFlow(violation.hops), '```');
      if (violation.also_from.length > 0) {
        out.push(
          '',
          `Also reached this way from: ${violation.also_from.map((s) => `\`${s.qualified_name}\` (${placeOf(s)})`).join(', ')}`,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** A left-to-right flowchart: one box per hop, one arrow per call (dotted when matched by name only). */
export function mermaidFlow(hops: readonly Hop[]): string[] {
  const lines = ['flowchart LR'];
  hops.forEach((hop, i) => {
    lines.push(`  h${i}["${mermaidText(hop.qualified_name)}<br/>${mermaidText(placeOf(hop))}"]`);
  });
  hops.forEach((hop, i) => {
    if (i === 0 || !hop.call) return;
    const label = mermaidText(`${hop.call.file}:${hop.call.line} ${hop.edge}`);
    lines.push(`  h${i - 1} ${hop.edge === 'heuristic' ? '-.->' : '-->'}|"${label}"| h${i}`);
  });
  return lines;
}

/** Mermaid labels take entity codes for characters its syntax uses. */
function mermaidText(text: string): string {
  return text.replace(/["#;<>|]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\s+/g, ' ');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s+/g, ' ');
}

function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function codeSpan(text: string): string {
  return text.replaceAll('`', "'");
}
