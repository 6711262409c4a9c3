// Terminal UI live view ("Control Room"): task, subtasks, running and recent steps, reviews and model spend, in
// a fixed budget of lines so that it fits 80×24 together with the approval prompt.
import { Box, Text, useAnimation } from 'ink';
import { clip } from '../util/clip.js';
import type { RecentStep, RunState, SubtaskView } from './run-state.js';
import {
  formatCost,
  formatDuration,
  formatElapsed,
  formatTokens,
  STATUS_COLOUR,
  STATUS_ICON,
  STATUS_LABEL,
} from './format.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Lines per section; `compact` applies while the approval prompt is open below the view. */
const BUDGET = {
  normal: { subtasks: 6, running: 3, recent: 3, reviews: 2, fallbacks: 2, notices: 2 },
  compact: { subtasks: 3, running: 1, recent: 1, reviews: 1, fallbacks: 1, notices: 1 },
} as const;

export interface LiveViewProps {
  readonly state: RunState;
  readonly compact: boolean;
  /** Epoch ms; injected so that tests see fixed elapsed times. */
  readonly clock: () => number;
}

/** A window of `size` subtasks that contains the active one. */
function visibleSubtasks(state: RunState, size: number): { shown: readonly SubtaskView[]; hidden: number } {
  const all = state.subtasks;
  if (all.length <= size) return { shown: all, hidden: 0 };
  const active = Math.max(
    0,
    all.findIndex((s) => s.id === state.activeSubtask),
  );
  const start = Math.min(Math.max(0, active - 1), all.length - size);
  return { shown: all.slice(start, start + size), hidden: all.length - size };
}

function SubtaskLine({ subtask, showNote }: { subtask: SubtaskView; showNote: boolean }) {
  const colour = STATUS_COLOUR[subtask.status];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {'  '}
        <Text color={colour}>{STATUS_ICON[subtask.status]}</Text> <Text bold>{subtask.id}</Text>{' '}
        <Text color={colour}>{STATUS_LABEL[subtask.status]}</Text>
        {subtask.iteration > 0 ? <Text dimColor> · iteration {subtask.iteration}</Text> : null}
        {subtask.goal ? <Text dimColor> · {subtask.goal}</Text> : null}
      </Text>
      {showNote && subtask.note ? (
        <Text dimColor wrap="truncate-end">
          {'    '}
          {subtask.note}
        </Text>
      ) : null}
    </Box>
  );
}

const RECENT_MARK: Readonly<Record<RecentStep['status'], { icon: string; colour: string }>> = {
  succeeded: { icon: '✔', colour: 'green' },
  reused: { icon: '↺', colour: 'green' },
  failed: { icon: '✘', colour: 'red' },
  denied: { icon: '⊘', colour: 'red' },
};

function RecentLine({ step }: { step: RecentStep }) {
  const mark = RECENT_MARK[step.status];
  const when =
    step.status === 'reused'
      ? 'reused'
      : step.status === 'denied'
        ? 'denied'
        : formatDuration(step.durationMs);
  return (
    <Text wrap="truncate-end">
      {'  '}
      <Text color={mark.colour}>{mark.icon}</Text> {step.stepId} <Text dimColor>{step.action}</Text> {when}
      {step.line ? (
        <Text {...(step.status === 'failed' || step.status === 'denied' ? { color: 'red' } : {})}>
          {' '}
          — {step.line}
        </Text>
      ) : null}
    </Text>
  );
}

const FINISHED_COLOUR: Readonly<Record<string, string>> = {
  succeeded: 'green',
  needs_approval: 'yellow',
  escalated: 'yellow',
  interrupted: 'yellow',
};

export function LiveView({ state, compact, clock }: LiveViewProps) {
  const budget = compact ? BUDGET.compact : BUDGET.normal;
  const ticking = state.running.length > 0 && !state.finished;
  const { frame } = useAnimation({ interval: 250, isActive: ticking });
  const now = clock();
  const { shown, hidden } = visibleSubtasks(state, budget.subtasks);
  const m = state.models;

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>office</Text>
        {state.taskId ? <Text dimColor> task {state.taskId}</Text> : null}
        {state.resumed ? <Text color="cyan"> (resumed)</Text> : null}
        {state.request !== undefined ? <Text> {JSON.stringify(clip(state.request, 200))}</Text> : null}
      </Text>
      {shown.map((s) => (
        <SubtaskLine key={s.id} subtask={s} showNote={!compact && s.status !== 'succeeded'} />
      ))}
      {hidden > 0 ? <Text dimColor>{`  … ${hidden} more subtask${hidden === 1 ? '' : 's'}`}</Text> : null}
      {state.running.slice(0, budget.running).map((r) => (
        <Text key={r.stepId} wrap="truncate-end">
          {'  '}
          <Text color="cyan">{SPINNER[frame % SPINNER.length]}</Text> <Text bold>{r.stepId}</Text>{' '}
          <Text dimColor>{r.action}</Text> · attempt {r.attempt} · {formatElapsed(now - r.startedAt)}
          {r.detail ? <Text dimColor> — {r.detail}</Text> : null}
        </Text>
      ))}
      {state.running.length > budget.running ? (
        <Text dimColor>{`  … ${state.running.length - budget.running} more running`}</Text>
      ) : null}
      {state.recent.slice(-budget.recent).map((step) => (
        <RecentLine key={step.seq} step={step} />
      ))}
      {state.reviews.slice(-budget.reviews).map((r) => (
        <Text key={r.seq} wrap="truncate-end">
          {'  '}review {r.subtaskId} #{r.iteration}{' '}
          <Text color={r.verdict === 'APPROVE' ? 'green' : 'yellow'} bold>
            {r.verdict}
          </Text>{' '}
          <Text dimColor>({r.by})</Text> {r.summary}
        </Text>
      ))}
      {m.calls > 0 || m.tokensIn > 0 ? (
        <Text wrap="truncate-end">
          {'  '}models {m.calls} call{m.calls === 1 ? '' : 's'} · {m.estimated ? '~' : ''}
          {formatTokens(m.tokensIn)} in / {m.estimated ? '~' : ''}
          {formatTokens(m.tokensOut)} out · {formatCost(m.costUsd)}
          {m.cacheHits > 0 ? ` · ${m.cacheHits} cached` : ''}
          {m.last ? <Text dimColor> · {m.last}</Text> : null}
        </Text>
      ) : null}
      {state.fallbacks.slice(-budget.fallbacks).map((f) => (
        <Text key={f.seq} dimColor wrap="truncate-end">
          {'  '}fallback {f.text}
        </Text>
      ))}
      {state.notices.slice(-budget.notices).map((n) => (
        <Text key={n.seq} color={n.text.startsWith('error:') ? 'red' : 'gray'} wrap="truncate-end">
          {'  '}
          {n.text}
        </Text>
      ))}
      {state.finished ? (
        <Text color={FINISHED_COLOUR[state.finished.status] ?? 'red'}>
          office: {state.finished.status.replace('_', ' ')} in {formatDuration(state.finished.durationMs)}
          {state.finished.message ? ` — ${state.finished.message}` : ''}
        </Text>
      ) : null}
    </Box>
  );
}
