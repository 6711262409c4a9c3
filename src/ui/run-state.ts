// Terminal UI state ("Control Room" for a person): folds loop events into what the live view shows, as a pure reducer.
import type { LoopEvent } from '../office/events.js';
import { type SubtaskStatus, subtaskStatuses } from '../schemas/task.js';

export interface SubtaskView {
  readonly id: string;
  readonly goal: string;
  readonly status: SubtaskStatus;
  readonly iteration: number;
  /** Why the last plan was rejected or refused, shown dim until the next plan. */
  readonly note?: string;
}

export interface RunningStep {
  readonly stepId: string;
  readonly action: string;
  readonly attempt: number;
  /** Epoch ms when this attempt started (for the ticking elapsed counter). */
  readonly startedAt: number;
  /** The tool's latest progress message, or the error of the attempt being retried. */
  readonly detail?: string;
}

/** `seq` is the number of the event that produced an item: a stable key for the view's lists. */
export interface RecentStep {
  readonly seq: number;
  readonly stepId: string;
  readonly action: string;
  readonly status: 'succeeded' | 'failed' | 'reused' | 'denied';
  readonly durationMs: number;
  /** One line: the tool's summary, the error, or why it was denied. */
  readonly line: string;
}

export interface ReviewView {
  readonly seq: number;
  readonly subtaskId: string;
  readonly iteration: number;
  readonly verdict: 'APPROVE' | 'REVISE' | 'ESCALATE';
  readonly summary: string;
  readonly by: string;
}

export interface ModelActivity {
  /** Requests a provider actually answered or failed (skipped, budget-refused and circuit-open candidates excluded). */
  readonly calls: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly cacheHits: number;
  /** True once any count came from an estimate because the provider reported no usage. */
  readonly estimated: boolean;
  /** `provider:model` of the latest call. */
  readonly last?: string;
}

export interface Line {
  readonly seq: number;
  readonly text: string;
}

export interface RunState {
  /** Events folded in so far. */
  readonly seq: number;
  readonly taskId?: string;
  readonly request?: string;
  readonly resumed: boolean;
  readonly subtasks: readonly SubtaskView[];
  /** plan_id → subtask id, learnt from `subtask_planned` (step approvals name the plan, not the subtask). */
  readonly planOwner: Readonly<Record<string, string>>;
  /** The subtask the loop is working on: it runs subtasks one at a time, so step events belong to it. */
  readonly activeSubtask?: string;
  readonly running: readonly RunningStep[];
  readonly recent: readonly RecentStep[];
  readonly reviews: readonly ReviewView[];
  readonly models: ModelActivity;
  readonly fallbacks: readonly Line[];
  /** Loop errors and notices that belong to no step. */
  readonly notices: readonly Line[];
  readonly finished?: { readonly status: string; readonly durationMs: number; readonly message?: string };
}

/** How many finished items the state keeps; the view shows fewer. */
const KEEP = 8;

/** Model outcomes that mean no provider was actually called. */
const NOT_CALLED = new Set(['skipped', 'circuit_open', 'refused_budget']);

export const initialRunState: RunState = {
  seq: 0,
  resumed: false,
  subtasks: [],
  planOwner: {},
  running: [],
  recent: [],
  reviews: [],
  models: { calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, cacheHits: 0, estimated: false },
  fallbacks: [],
  notices: [],
};

function keepLast<T>(list: readonly T[], item: T): readonly T[] {
  return [...list, item].slice(-KEEP);
}

function isSubtaskStatus(value: string): value is SubtaskStatus {
  return (subtaskStatuses as readonly string[]).includes(value);
}

/** Updates one subtask (adding it if a resumed task never announced its DAG). */
function withSubtask(
  state: RunState,
  id: string,
  change: (s: SubtaskView) => SubtaskView,
): readonly SubtaskView[] {
  const found = state.subtasks.some((s) => s.id === id);
  const list = found
    ? state.subtasks
    : [...state.subtasks, { id, goal: '', status: 'pending' as const, iteration: 0 }];
  return list.map((s) => (s.id === id ? change(s) : s));
}

function setStatus(state: RunState, id: string | undefined, status: SubtaskStatus): RunState {
  if (id === undefined) return state;
  return { ...state, subtasks: withSubtask(state, id, (s) => ({ ...s, status })) };
}

function withoutNote(s: SubtaskView): SubtaskView {
  const { note: _, ...rest } = s;
  return rest;
}

/** Task statuses that leave the subtask being worked on in the same state. */
const SUBTASK_END: Readonly<Record<string, SubtaskStatus>> = {
  failed: 'failed',
  needs_approval: 'needs_approval',
  escalated: 'escalated',
  dead_lettered: 'dead_lettered',
};

/** A line that belongs to no step (a warning from the command around the loop). */
export function addNotice(state: RunState, message: string): RunState {
  const seq = state.seq + 1;
  return { ...state, seq, notices: keepLast(state.notices, { seq, text: message }) };
}

/** While a person is asked about a step of `planId`, its subtask shows as needing approval. */
export function markAwaitingApproval(state: RunState, planId: string): RunState {
  return setStatus(state, state.planOwner[planId] ?? state.activeSubtask, 'needs_approval');
}

/** The next UI state after `event`, which arrived at epoch ms `at`. */
export function reduceRunState(state: RunState, event: LoopEvent, at: number): RunState {
  return foldEvent({ ...state, seq: state.seq + 1 }, event, at);
}

function foldEvent(state: RunState, event: LoopEvent, at: number): RunState {
  const { seq } = state;
  switch (event.type) {
    case 'task_started': {
      const { finished: _, ...rest } = state;
      return { ...rest, taskId: event.task_id, request: event.request, resumed: event.resumed };
    }
    case 'decomposed':
      return {
        ...state,
        subtasks: event.subtasks.map((s) => ({ id: s.id, goal: s.goal, status: 'pending', iteration: 0 })),
      };
    case 'subtask_planned':
      return {
        ...state,
        activeSubtask: event.subtask_id,
        planOwner: { ...state.planOwner, [event.plan_id]: event.subtask_id },
        subtasks: withSubtask(state, event.subtask_id, (s) => ({
          ...withoutNote(s),
          status: 'planning',
          iteration: event.iteration,
        })),
      };
    case 'plan_validated':
      if (event.ok) return state;
      return {
        ...state,
        subtasks: withSubtask(state, event.subtask_id, (s) => ({
          ...s,
          note: `plan ${event.plan_id} rejected: ${event.issues.map((i) => i.message).join('; ')}`,
        })),
      };
    case 'step_approval': {
      const owner = state.planOwner[event.plan_id] ?? state.activeSubtask;
      if (event.decision === 'ask') return setStatus(state, owner, 'needs_approval');
      if (event.decision === 'deny') {
        const next = {
          ...state,
          recent: keepLast(state.recent, {
            seq,
            stepId: event.step_id,
            action: event.tool,
            status: 'denied' as const,
            durationMs: 0,
            line: event.reason,
          }),
        };
        if (owner === undefined) return next;
        return {
          ...next,
          subtasks: withSubtask(next, owner, (s) => ({
            ...s,
            note: `${event.step_id} denied: ${event.reason}`,
          })),
        };
      }
      return state;
    }
    case 'step_started': {
      const running = state.running.filter((r) => r.stepId !== event.step_id);
      return {
        ...setStatus(state, state.activeSubtask, 'running'),
        running: [
          ...running,
          { stepId: event.step_id, action: event.action, attempt: event.attempt, startedAt: at },
        ],
      };
    }
    case 'step_retry':
      return {
        ...state,
        running: state.running.map((r) =>
          r.stepId === event.step_id
            ? { ...r, detail: `attempt ${event.attempt} failed: ${event.error}; retrying` }
            : r,
        ),
      };
    case 'progress': {
      if (state.running.some((r) => r.stepId === event.step_id)) {
        return {
          ...state,
          running: state.running.map((r) =>
            r.stepId === event.step_id ? { ...r, detail: event.message } : r,
          ),
        };
      }
      return { ...state, notices: keepLast(state.notices, { seq, text: event.message }) };
    }
    case 'step_finished':
      return {
        ...state,
        running: state.running.filter((r) => r.stepId !== event.step_id),
        recent: keepLast(state.recent, {
          seq,
          stepId: event.step_id,
          action: event.action,
          status: event.status,
          durationMs: event.duration_ms,
          line: (event.status === 'failed' ? event.error : event.summary) ?? '',
        }),
      };
    case 'review': {
      const status: SubtaskStatus =
        event.verdict === 'APPROVE' ? 'succeeded' : event.verdict === 'ESCALATE' ? 'escalated' : 'planning';
      return {
        ...setStatus(state, event.subtask_id, status),
        reviews: keepLast(state.reviews, {
          seq,
          subtaskId: event.subtask_id,
          iteration: event.iteration,
          verdict: event.verdict,
          summary: event.summary,
          by: event.by,
        }),
      };
    }
    case 'subtask_finished':
      return isSubtaskStatus(event.status) ? setStatus(state, event.subtask_id, event.status) : state;
    case 'model_call': {
      const { call } = event;
      const m = state.models;
      const last = NOT_CALLED.has(call.outcome) ? m.last : `${call.provider}:${call.model}`;
      return {
        ...state,
        models: {
          // Answered calls only, as every other view counts them; failed attempts still add their tokens.
          calls: m.calls + (call.outcome === 'ok' ? 1 : 0),
          tokensIn: m.tokensIn + call.tokens_in,
          tokensOut: m.tokensOut + call.tokens_out,
          costUsd: m.costUsd + call.cost_usd,
          cacheHits: m.cacheHits + (call.cache_hit ? 1 : 0),
          estimated: m.estimated || call.tokens_estimated,
          ...(last !== undefined ? { last } : {}),
        },
      };
    }
    case 'fallback':
      return {
        ...state,
        fallbacks: keepLast(state.fallbacks, { seq, text: `${event.role}: ${event.reason}` }),
      };
    case 'task_finished': {
      const end = SUBTASK_END[event.status];
      const active = state.subtasks.find((s) => s.id === state.activeSubtask);
      const base = end && active && active.status !== 'succeeded' ? setStatus(state, active.id, end) : state;
      return {
        ...base,
        running: [],
        finished: {
          status: event.status,
          durationMs: event.duration_ms,
          ...(event.message ? { message: event.message } : {}),
        },
      };
    }
    default:
      return state;
  }
}
