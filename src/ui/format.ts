// Terminal UI formatting: short, fixed-width renderings of durations, tokens, cost, statuses and tool inputs.
import type { SubtaskStatus } from '../schemas/task.js';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Whole seconds, for a counter that ticks while a step runs. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export const STATUS_LABEL: Readonly<Record<SubtaskStatus, string>> = {
  pending: 'pending',
  planning: 'planning',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  needs_approval: 'needs approval',
  escalated: 'escalated',
  dead_lettered: 'dead-lettered',
};

export const STATUS_ICON: Readonly<Record<SubtaskStatus, string>> = {
  pending: '·',
  planning: '…',
  running: '▸',
  succeeded: '✔',
  failed: '✘',
  needs_approval: '?',
  escalated: '!',
  dead_lettered: '✝',
};

export const STATUS_COLOUR: Readonly<Record<SubtaskStatus, string>> = {
  pending: 'gray',
  planning: 'cyan',
  running: 'cyan',
  succeeded: 'green',
  failed: 'red',
  needs_approval: 'yellow',
  escalated: 'yellow',
  dead_lettered: 'magenta',
};

/** Reading is harmless, writing changes the workspace, running programs or reaching the network can do anything. */
export function riskColour(risk: string): string {
  if (risk === 'read') return 'green';
  if (risk === 'write') return 'yellow';
  if (risk === 'exec' || risk === 'network') return 'red';
  return 'magenta';
}

/**
 * A tool's inputs as at most `maxLines` lines: one line of JSON when it fits in `width`, else pretty JSON cut
 * after `maxLines - 1` lines with a count of what was left out.
 */
export function inputLines(inputs: unknown, maxLines: number, width: number): string[] {
  const flat = JSON.stringify(inputs) ?? String(inputs);
  if (flat.length <= width) return [flat];
  const pretty = (JSON.stringify(inputs, null, 2) ?? flat).split('\n');
  if (pretty.length <= maxLines) return pretty;
  const shown = pretty.slice(0, Math.max(1, maxLines - 1));
  return [
    ...shown,
    `… ${pretty.length - shown.length} more line${pretty.length - shown.length === 1 ? '' : 's'}`,
  ];
}
