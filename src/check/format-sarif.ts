// Check report as SARIF 2.1.0 (`office check --format sarif`), for code-scanning upload: one result per violation,
// located at the first call of its witness path, with the whole path as a code flow.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result, ThreadFlowLocation } from 'sarif';
import type { Hop } from '../code/service.js';
import { violationSite } from './format-github.js';
import type { CheckReport, ViolationJson } from './report.js';

export interface SarifOptions {
  /** Absolute path of the checked folder: result locations are relative to it (`%SRCROOT%`). */
  readonly root: string;
  readonly toolVersion: string;
}

const SRCROOT = '%SRCROOT%';

export function formatCheckSarif(report: CheckReport, options: SarifOptions): string {
  const rules: ReportingDescriptor[] = report.rules.map((rule) => ({
    id: rule.name,
    name: rule.rule,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description ?? rule.title },
    defaultConfiguration: { level: 'error' },
  }));
  const results: Result[] = [];
  report.rules.forEach((rule, ruleIndex) => {
    for (const violation of rule.violations) {
      const site = violationSite(violation);
      results.push({
        ruleId: rule.name,
        ruleIndex,
        level: violation.severity,
        message: { text: violation.message },
        locations: [fileLocation(site.file, site.line, site.column)],
        ...(violation.hops.length > 0
          ? { codeFlows: [{ threadFlows: [{ locations: flowOf(violation.hops) }] }] }
          : {}),
        partialFingerprints: { 'officeCheck/v1': fingerprint(rule.name, violation) },
      });
    }
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'office', version: options.toolVersion, rules } },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(`${options.root.replace(/\/+$/, '')}/`).href },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function fileLocation(file: string, line: number, column?: number, message?: string): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: SRCROOT },
      region: { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) },
    },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

/** Each hop: where its call is (the first hop: where it is defined); library code has no place in the tree. */
function flowOf(hops: readonly Hop[]): ThreadFlowLocation[] {
  return hops.map((hop, i) => {
    if (hop.call) {
      return {
        location: fileLocation(
          hop.call.file,
          hop.call.line,
          hop.call.column,
          `calls ${hop.qualified_name} [${hop.edge}]`,
        ),
        executionOrder: i + 1,
      };
    }
    return {
      location:
        hop.file === ''
          ? { message: { text: `${hop.qualified_name} (library code)` } }
          : fileLocation(hop.file, hop.line, undefined, hop.qualified_name),
      executionOrder: i + 1,
    };
  });
}

/** Stable across runs while the rule, the path's ends and its first call are the same. */
function fingerprint(rule: string, violation: ViolationJson): string {
  const site = violationSite(violation);
  const key = [
    rule,
    violation.from.file,
    violation.from.qualified_name,
    violation.to?.qualified_name ?? '',
    site.file,
  ];
  return createHash('sha256').update(key.join('\0')).digest('hex').slice(0, 32);
}
