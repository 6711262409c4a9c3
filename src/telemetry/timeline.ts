// Control Room ("Control Room"): one run of a task as a tree of timed spans — task, decomposition, subtasks, the
// phases of each subtask (plan, validate, approve, execute, review), model calls and tool runs — read off the loop
// events and the times they were seen. Pure: the OpenTelemetry exporter and the phase histograms both use it.
import type { LoopEvent } from '../office/events.js';

export interface TimedEvent {
  /** Milliseconds since the epoch at which the event was emitted. */
  readonly at: number;
  readonly event: LoopEvent;
}

export const phaseNames = ['decompose', 'plan', 'validate', 'approve', 'execute', 'review'] as const;
export type PhaseName = (typeof phaseNames)[number];

export type SpanKind = 'task' | 'subtask' | 'phase' | 'model_call' | 'tool_run';

export interface SpanNode {
  readonly name: string;
  readonly kind: SpanKind;
  readonly start: number;
  readonly end: number;
  readonly error: boolean;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly children: SpanNode[];
}

interface OpenPhase {
  phase: PhaseName;
  start: number;
}

interface SubtaskBuild {
  readonly id: string;
  readonly start: number;
  end?: number;
  status?: string;
  open?: OpenPhase;
  lastFinish?: number;
  readonly phases: SpanNode[];
}

/** A leaf (model call or tool run) waiting to be hung under the phase that was open when it ended. */
interface Leaf {
  readonly node: SpanNode;
}

function node(
  name: string,
  kind: SpanKind,
  start: number,
  end: number,
  attributes: Record<string, string | number | boolean>,
  error = false,
): SpanNode {
  return { name, kind, start: Math.min(start, end), end, error, attributes, children: [] };
}

/**
 * The span tree of one run (from `task_started` to `task_finished`), or undefined when the events hold no
 * `task_started`. Subtasks run one after another, so a phase is the time between the events that close it.
 * Model calls and tool runs hang under the phase whose interval holds their middle.
 */
export function spanTreeOf(events: readonly TimedEvent[]): SpanNode | undefined {
  const started = events.find((e) => e.event.type === 'task_started');
  if (started?.event.type !== 'task_started') return undefined;
  const taskId = started.event.task_id;
  const base = { 'office.task_id': taskId };
  const phase = (sub: SubtaskBuild | undefined, p: PhaseName, start: number, end: number, extra = {}) =>
    node(`office.${p}`, 'phase', start, end, {
      ...base,
      'office.phase': p,
      ...(sub ? { 'office.subtask_id': sub.id } : {}),
      ...extra,
    });

  const topPhases: SpanNode[] = [];
  const subtasks: SubtaskBuild[] = [];
  const leaves: Leaf[] = [];
  let cursor = started.at;
  let current: SubtaskBuild | undefined;
  let finished: { at: number; status: string } | undefined;

  const closeOpen = (sub: SubtaskBuild, at: number) => {
    if (!sub.open) return;
    const { phase: p, start } = sub.open;
    // An execute phase ends with its last step; a plan phase that produced nothing is no phase.
    const end = p === 'execute' ? (sub.lastFinish ?? at) : at;
    if (p !== 'plan') sub.phases.push(phase(sub, p, start, end));
    delete sub.open;
  };
  const subtaskFor = (id: string, at: number): SubtaskBuild => {
    if (current?.id === id) return current;
    if (current && current.end === undefined) {
      closeOpen(current, at);
      current.end = at;
    }
    current = { id, start: cursor, phases: [], open: { phase: 'plan', start: cursor } };
    subtasks.push(current);
    return current;
  };

  for (const { at, event: e } of events) {
    if (at < started.at) continue;
    switch (e.type) {
      case 'decomposed':
        if (!e.by.startsWith('stored'))
          topPhases.push(phase(undefined, 'decompose', started.at, at, { 'office.by': e.by }));
        cursor = at;
        break;
      case 'subtask_planned': {
        const sub = subtaskFor(e.subtask_id, at);
        const start = sub.open?.start ?? at;
        delete sub.open;
        sub.phases.push(
          phase(sub, 'plan', start, at, {
            'office.plan_id': e.plan_id,
            'office.plan_source': e.source,
            'office.iteration': e.iteration,
          }),
        );
        sub.open = { phase: 'validate', start: at };
        break;
      }
      case 'plan_validated': {
        const sub = subtaskFor(e.subtask_id, at);
        const start = sub.open?.start ?? at;
        sub.phases.push(
          phase(sub, 'validate', start, at, { 'office.plan_id': e.plan_id, 'office.valid': e.ok }),
        );
        sub.open = { phase: e.ok ? 'approve' : 'plan', start: at };
        break;
      }
      case 'step_started':
        if (current?.open?.phase === 'approve') {
          current.phases.push(phase(current, 'approve', current.open.start, at));
          current.open = { phase: 'execute', start: at };
        }
        break;
      case 'step_finished': {
        const start = at - e.duration_ms;
        if (current?.open?.phase === 'approve') {
          // Reused steps finish without starting: the approval ended when the first of them was looked up.
          current.phases.push(
            phase(current, 'approve', current.open.start, Math.max(current.open.start, start)),
          );
          current.open = { phase: 'execute', start: Math.max(current.open.start, start) };
        }
        if (current) current.lastFinish = at;
        leaves.push({
          node: node(
            `office.tool ${e.action}`,
            'tool_run',
            start,
            at,
            {
              ...base,
              'office.step_id': e.step_id,
              'office.tool': e.action,
              'office.step_status': e.status,
              ...(e.exit_code !== undefined && e.exit_code !== null
                ? { 'office.exit_code': e.exit_code }
                : {}),
            },
            e.status === 'failed',
          ),
        });
        break;
      }
      case 'review': {
        const sub = subtaskFor(e.subtask_id, at);
        const reviewStart = sub.lastFinish ?? sub.open?.start ?? at;
        closeOpen(sub, at);
        sub.phases.push(
          phase(sub, 'review', Math.min(reviewStart, at), at, {
            'office.verdict': e.verdict,
            'office.plan_id': e.plan_id,
          }),
        );
        delete sub.lastFinish;
        sub.open = { phase: 'plan', start: at };
        break;
      }
      case 'subtask_finished': {
        const sub = subtaskFor(e.subtask_id, at);
        closeOpen(sub, at);
        sub.end = at;
        sub.status = e.status;
        cursor = at;
        current = undefined;
        break;
      }
      case 'model_call': {
        const c = e.call;
        leaves.push({
          node: node(
            `office.model ${c.provider}:${c.model}`,
            'model_call',
            at - c.latency_ms,
            at,
            {
              ...base,
              'office.role': c.role,
              'office.tier': c.tier,
              'office.provider': c.provider,
              'office.model': c.model,
              'office.outcome': c.outcome,
              'office.cache_hit': c.cache_hit,
              'office.tokens_in': c.tokens_in,
              'office.tokens_out': c.tokens_out,
              'office.cost_usd': c.cost_usd,
            },
            c.outcome !== 'ok',
          ),
        });
        break;
      }
      case 'task_finished':
        finished = { at, status: e.status };
        break;
      default:
        break;
    }
    if (finished) break;
  }
  const end = finished?.at ?? Math.max(started.at, ...events.map((e) => e.at));
  // A run that ended before anything was decomposed (no template or model understood it) was all decomposition.
  if (!events.some((e) => e.event.type === 'decomposed') && subtasks.length === 0)
    topPhases.push(phase(undefined, 'decompose', started.at, end, { 'office.by': 'none' }));
  if (current && current.end === undefined) {
    closeOpen(current, end);
    current.end = end;
  }

  const subtaskNodes = subtasks.map((s) => {
    const n = node(
      `office.subtask ${s.id}`,
      'subtask',
      s.start,
      s.end ?? end,
      { ...base, 'office.subtask_id': s.id, ...(s.status ? { 'office.status': s.status } : {}) },
      s.status !== undefined && s.status !== 'succeeded',
    );
    n.children.push(...s.phases);
    return n;
  });
  const phases = [...topPhases, ...subtaskNodes.flatMap((s) => s.children)];
  const task = node(
    `office.task`,
    'task',
    started.at,
    end,
    {
      ...base,
      'office.request': started.event.request,
      'office.resumed': started.event.resumed,
      'office.status': finished?.status ?? 'running',
    },
    finished !== undefined && finished.status !== 'succeeded' && finished.status !== 'needs_approval',
  );
  task.children.push(...topPhases, ...subtaskNodes);
  // A leaf goes under the phase holding its middle (a tool run under an execute phase when one holds it), the
  // latest such phase when two meet at that instant.
  for (const { node: leaf } of leaves) {
    const middle = (leaf.start + leaf.end) / 2;
    const holding = phases
      .filter((p) => p.start <= middle && middle <= p.end)
      .sort((a, b) => b.start - a.start);
    const holder =
      (leaf.kind === 'tool_run'
        ? holding.find((p) => p.attributes['office.phase'] === 'execute')
        : undefined) ?? holding[0];
    (holder ?? task).children.push(leaf);
  }
  return task;
}

/** Every phase of a tree with its duration in seconds, for the phase histograms. */
export function phaseDurations(tree: SpanNode): { phase: PhaseName; seconds: number }[] {
  const out: { phase: PhaseName; seconds: number }[] = [];
  const walk = (n: SpanNode) => {
    if (n.kind === 'phase')
      out.push({ phase: n.attributes['office.phase'] as PhaseName, seconds: (n.end - n.start) / 1000 });
    n.children.forEach(walk);
  };
  walk(tree);
  return out;
}
