// Plan memory recall ("Corporate Knowledge" for the Strategist): pure decisions over remembered entries — which
// past plan may be reused as it is, and which similar successes and lessons go into the planning prompt.
import { estimateTokens, trimToTokens } from '../office/prompts.js';
import { type MemoryEntry, planSummary } from './entry.js';
import { formatWhen } from '../util/dates.js';

export interface Hit {
  readonly entry: MemoryEntry;
  readonly score: number;
}

/**
 * A success for this very request and goal, made on a workspace with this fingerprint, not marked bad, whose
 * steps did not fail later for the same request and goal (a reused plan that failed stops being reused) and
 * were never marked bad by a user.
 * The latest such success wins, one a user confirmed good before any other.
 */
export function pickReusable(
  entries: readonly MemoryEntry[],
  query: { readonly requestKey: string; readonly goalKey: string; readonly fingerprint: string },
): MemoryEntry | undefined {
  const same = entries.filter((e) => e.request_key === query.requestKey && e.goal_key === query.goalKey);
  // A user's "bad" holds for those steps for good; any other failure only until the steps succeed again.
  const failedLater = (s: MemoryEntry) =>
    same.some(
      (f) =>
        f.kind === 'failure' && f.steps_hash === s.steps_hash && (f.rating === 'bad' || f.at >= s.used_at),
    );
  const candidates = same.filter(
    (e) =>
      e.kind === 'success' &&
      e.rating !== 'bad' &&
      e.reusable &&
      e.steps.length > 0 &&
      e.fingerprint === query.fingerprint &&
      !failedLater(e),
  );
  candidates.sort(
    (a, b) => Number(b.rating === 'good') - Number(a.rating === 'good') || b.used_at.localeCompare(a.used_at),
  );
  return candidates[0];
}

/** What a lesson line says about who turned the plan down and why; undefined for entries that teach nothing. */
function lessonLine(e: MemoryEntry): string | undefined {
  const where = `a similar request (${quote(e.request)}${e.goal && e.goal !== e.request ? `, subtask ${quote(e.goal)}` : ''})`;
  if (e.kind === 'failure' && e.rating === 'bad')
    return `Lesson from a plan a user marked bad for ${where}: ${e.lesson}`;
  if (e.kind === 'failure') return `Lesson from a rejected plan for ${where}: ${e.lesson}`;
  if (e.kind === 'feedback' && e.lesson !== '') return `Lesson from user feedback on ${where}: ${e.lesson}`;
  return undefined;
}

const INPUT_CHARS = 200;

function successBlock(e: MemoryEntry): string {
  const facts = [
    `${e.steps.length} step${e.steps.length === 1 ? '' : 's'}`,
    ...(e.duration_ms > 0 ? [`${(e.duration_ms / 1000).toFixed(1)} s`] : []),
    ...(e.tokens > 0 ? [`${e.tokens} tokens to plan`] : []),
    ...(e.rating === 'good' ? [`a user confirmed it worked${e.comment ? `: ${quote(e.comment)}` : ''}`] : []),
  ];
  const head = `A plan that worked for a similar request (${quote(e.request)}${e.goal && e.goal !== e.request ? `, subtask ${quote(e.goal)}` : ''}; ${facts.join(', ')}):`;
  const steps = e.steps.map((s) => {
    const inputs = JSON.stringify(s.inputs);
    const cut = inputs.length > INPUT_CHARS ? `${inputs.slice(0, INPUT_CHARS - 1)}…` : inputs;
    const after = s.dependencies && s.dependencies.length > 0 ? ` after ${s.dependencies.join(', ')}` : '';
    return `  - ${s.step_id}: ${s.action} ${cut}${after}`;
  });
  return [head, ...steps].join('\n');
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > 160 ? `${flat.slice(0, 159)}…` : flat}"`;
}

/**
 * The prompt text for the planner: lessons first (at most `topK`, distinct), then similar successes (at most
 * `topK`, distinct plans), best score first, whole items until `budgetTokens` is reached. Entries of the task
 * being planned are left out (its own feedback reaches the planner through the scratchpad).
 */
export function recallText(
  hits: readonly Hit[],
  options: { readonly topK: number; readonly budgetTokens: number; readonly excludeTaskId?: string },
): string {
  const ranked = [...hits]
    .filter((h) => h.entry.task_id !== options.excludeTaskId)
    .sort((a, b) => b.score - a.score);
  const lessons: string[] = [];
  const seenLessons = new Set<string>();
  for (const { entry } of ranked) {
    const line = lessonLine(entry);
    if (!line || seenLessons.has(entry.lesson) || lessons.length >= options.topK) continue;
    seenLessons.add(entry.lesson);
    lessons.push(line);
  }
  const successes: string[] = [];
  const seenPlans = new Set<string>();
  for (const { entry } of ranked) {
    if (entry.kind !== 'success' || entry.rating === 'bad' || successes.length >= options.topK) continue;
    const key = `${entry.request_key}\0${entry.steps_hash}`;
    if (seenPlans.has(key)) continue;
    seenPlans.add(key);
    successes.push(successBlock(entry));
  }
  const blocks: string[] = [];
  let used = 0;
  for (const block of [...lessons, ...successes]) {
    const cost = estimateTokens(block) + 1;
    if (used + cost > options.budgetTokens && blocks.length > 0) break;
    blocks.push(block);
    used += cost;
  }
  return trimToTokens(blocks.join('\n'), options.budgetTokens);
}

/** One line describing an entry, for listings and search results. */
export function entryLine(e: MemoryEntry): string {
  const what =
    e.kind === 'success'
      ? `${planSummary(e.steps)}${e.rating ? ` (rated ${e.rating})` : ''}`
      : e.kind === 'failure'
        ? e.lesson
        : `${e.rating || 'no'} feedback${e.comment ? `: ${quote(e.comment)}` : ''}`;
  return `${e.id}  ${e.kind.padEnd(8)} ${formatWhen(e.at)}  ${quote(e.request)}  ${what}`;
}
