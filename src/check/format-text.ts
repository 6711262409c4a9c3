// Check report as text (`office check`, and the log part of `--format github`): each rule's verdict, each
// violation with its witness path hop by hop, as `office trace` prints paths.
import type { Hop, PublicSymbol } from '../code/service.js';
import type { CheckReport, RuleReport } from './report.js';

const MARK: Record<RuleReport['status'], string> = {
  holds: '✓',
  violated: '✗',
  warning: '!',
  skipped: '-',
};

/** `file:line`, or what stands for library code (an `external` hop has no file in the tree). */
export function placeOf(symbol: PublicSymbol): string {
  return symbol.kind === 'external' || symbol.file === ''
    ? '(library code)'
    : `${symbol.file}:${symbol.line}`;
}

export function hopLines(hops: readonly Hop[], indent: string): string[] {
  const lines: string[] = [];
  hops.forEach((hop, i) => {
    lines.push(`${indent}${i + 1}. ${hop.qualified_name}  ${placeOf(hop)}`);
    if (hop.call) {
      lines.push(
        `${indent}   ↳ ${hop.call.file}:${hop.call.line}:${hop.call.column}  ${hop.call.text}  [${hop.edge ?? 'call'}]`,
      );
    }
  });
  return lines;
}

export function summaryLine(report: CheckReport): string {
  const { summary } = report;
  const parts = [
    `${summary.violated} violated`,
    `${summary.warning} with warnings`,
    `${summary.holds} hold${summary.holds === 1 ? 's' : ''}`,
  ];
  if (summary.skipped > 0) parts.push(`${summary.skipped} skipped`);
  return `office check: ${summary.rules} rule${summary.rules === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function formatCheckText(report: CheckReport): string {
  const lines = [summaryLine(report)];
  if (report.changed_since) {
    const { ref, base, files, checked_all } = report.changed_since;
    lines.push(
      `changed since ${ref} (merge base ${base.slice(0, 12)}): ${files.length} file${files.length === 1 ? '' : 's'}`,
    );
    for (const reason of checked_all) lines.push(`  every rule checked: ${reason}`);
  }
  for (const rule of report.rules) {
    lines.push('', `${MARK[rule.status]} ${rule.name}  ${rule.title}`);
    if (rule.status === 'skipped') {
      lines.push(`  skipped: ${rule.reason}`);
      continue;
    }
    if (rule.description && rule.violations.length > 0) lines.push(`  ${rule.description}`);
    for (const violation of rule.violations) {
      lines.push(`  ${violation.severity}: ${violation.message}`);
      lines.push(...hopLines(violation.hops, '    '));
      if (violation.also_from.length > 0) {
        lines.push(
          `    also from: ${violation.also_from.map((s) => `${s.qualified_name} (${placeOf(s)})`).join(', ')}`,
        );
      }
    }
    for (const note of rule.notes) lines.push(`  note: ${note}`);
  }
  const { stats } = report;
  lines.push(
    '',
    `${stats.files} files, ${stats.symbols} symbols, ${stats.calls} calls; index ${stats.index_ms} ms` +
      `${stats.cache ? ` (cache ${stats.cache})` : ''}, rules ${stats.check_ms} ms`,
  );
  return `${lines.join('\n')}\n`;
}
