// Plan memory ("Corporate Knowledge"): remembers plan outcomes and recalls similar successes, lessons and reusable
// plans for the Strategist, embedding through the router's embed tier, or with hashed n-grams when no model answers.
import { createHash, randomBytes } from 'node:crypto';
import type { ModelRouter } from '../models/types.js';
import type { PlanMemory, PlanOutcome, RecallQuery, Recollection, ReusablePlan } from '../office/ports.js';
import { redact, redactDeep } from '../util/redact.js';
import { secretValues } from '../config/secrets.js';
import {
  condenseLesson,
  decodeEntry,
  encodeEntry,
  entryText,
  type MemoryEntry,
  newEntryId,
  normaliseKey,
  type RememberedStep,
  stepsHash,
} from './entry.js';
import { workspaceFingerprint } from './fingerprint.js';
import { entryEmbedding, HASH_MODEL_ID } from './hash-embedding.js';
import { pickReusable, recallText } from './recall.js';
import { createSimilarity, type Similarity } from './similarity.js';
import { ENTRIES, type IndexWriter, type StoredItem, VectorStore } from './vector-store.js';

export type { Similarity } from './similarity.js';

/** About what a planning prompt can spare for memory. */
export const RECALL_BUDGET_TOKENS = 1_500;
/**
 * The least cosine of an entry recalled into a planning prompt. Hashed vectors: below 0.3 a match shares little
 * more than a common word. A model's vectors: embedding models give unrelated texts a cosine well above zero
 * (commonly 0.2 to 0.5), so an entry below 0.5 is taken as unrelated. A missed recall costs the planner a hint;
 * an unrelated lesson or plan in its prompt can mislead it.
 */
const RECALL_MIN_SCORE = { hash: 0.3, model: 0.5 } as const;
/** `office memory search` ranks what it finds for a person to judge; it drops only what shares nothing. */
const SEARCH_MIN_SCORE = { hash: 0.05, model: 0 } as const;

export interface PlanMemoryOptions {
  readonly workspace: string;
  /** The router whose `embed` tier makes vectors; absent or disabled (`--offline`): hashed n-grams only. */
  readonly router?: ModelRouter;
  /** Similar successes and lessons offered to the planner (config `memory.topK`). */
  readonly topK?: number;
  readonly budgetTokens?: number;
  /** Memory trouble that does not stop anything (an unreadable index set aside, entries skipped). */
  readonly onWarning?: (message: string) => void;
  readonly now?: () => Date;
  /** Defaults to workspaceFingerprint; tests may pin it. */
  readonly fingerprint?: (workspace: string) => Promise<string>;
}

export interface FeedbackResult {
  readonly entry: MemoryEntry;
  /** The task's remembered plans that the feedback re-rated (for --bad: now lessons, never reused). */
  readonly changed: readonly MemoryEntry[];
}

/** PlanMemory for the loop, plus what `office memory`, `office feedback` and `office gc` need. */
export interface PlanMemoryStore extends PlanMemory {
  /** Every readable entry, newest first. */
  list(): Promise<MemoryEntry[]>;
  search(text: string, limit: number): Promise<Similarity>;
  /** Removes one entry (id or unique prefix) and its vectors; returns it, or undefined when none matches. */
  forget(idOrPrefix: string): Promise<MemoryEntry | undefined>;
  feedback(input: {
    readonly taskId: string;
    readonly request: string;
    readonly goals: readonly string[];
    /** Plan ids of the task, and the memory ids its reused plans came from. */
    readonly planIds: readonly string[];
    readonly reusedFrom: readonly string[];
    readonly planSummary: string;
    readonly rating: 'good' | 'bad';
    readonly comment: string;
  }): Promise<FeedbackResult>;
  /** Entries not made, reused or rated since `cutoff`; removed unless `dryRun`. */
  prune(cutoff: Date, dryRun: boolean): Promise<{ removed: MemoryEntry[]; bytes: number }>;
}

export class AmbiguousMemoryId extends Error {
  constructor(readonly matches: readonly string[]) {
    super(`matches ${matches.length} entries`);
  }
}

function keyOf(text: string): string {
  return createHash('sha256').update(normaliseKey(text)).digest('hex').slice(0, 32);
}

function itemOf(entry: MemoryEntry): StoredItem {
  const vector = entryEmbedding(`${entry.request}\n${entry.goal}`, `${entry.lesson}\n${entry.comment}`);
  return { id: entry.id, vector, metadata: encodeEntry(entry) };
}

/** A plan step as memory keeps it: its own copy, optional fields only when set. */
function copyStep(s: {
  readonly step_id: string;
  readonly action: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly dependencies?: readonly string[] | undefined;
  readonly parallelizable?: boolean | undefined;
  readonly timeout_seconds?: number | undefined;
}): {
  step_id: string;
  action: string;
  inputs: Record<string, unknown>;
  dependencies?: string[];
  parallelizable?: boolean;
  timeout_seconds?: number;
} {
  return {
    step_id: s.step_id,
    action: s.action,
    inputs: { ...s.inputs },
    ...(s.dependencies ? { dependencies: [...s.dependencies] } : {}),
    ...(s.parallelizable !== undefined ? { parallelizable: s.parallelizable } : {}),
    ...(s.timeout_seconds !== undefined ? { timeout_seconds: s.timeout_seconds } : {}),
  };
}
export function createPlanMemory(options: PlanMemoryOptions): PlanMemoryStore {
  const warn = options.onWarning ?? (() => undefined);
  const store = new VectorStore(options.workspace, warn);
  const now = options.now ?? (() => new Date());
  const topK = options.topK ?? 3;
  const budgetTokens = options.budgetTokens ?? RECALL_BUDGET_TOKENS;
  const fingerprintOf = options.fingerprint ?? workspaceFingerprint;
  const secrets = secretValues();
  /** The fingerprint at planning time, by task and subtask: a success is remembered for the state it was planned on. */
  const plannedOn = new Map<string, Promise<string>>();
  /** Never rejects: a workspace that cannot be fingerprinted gets a value that matches nothing (no reuse). */
  const fingerprintNow = (): Promise<string> =>
    fingerprintOf(options.workspace).catch(() => `unknown:${randomBytes(6).toString('hex')}`);
  /** Reusable plans offered already, by task and subtask: one that did not get through is not offered again. */
  const offered = new Map<string, string>();
  const { similar } = createSimilarity(store, options.router);

  async function load(): Promise<MemoryEntry[]> {
    const reader = await store.read(ENTRIES);
    if (!reader) return [];
    const entries: MemoryEntry[] = [];
    let skipped = 0;
    for (const item of await reader.items()) {
      const entry = decodeEntry(item.id, item.metadata);
      if (entry) entries.push(entry);
      else skipped++;
    }
    if (skipped > 0) warn(`plan memory: ${skipped} entries could not be read and were skipped`);
    return entries;
  }

  async function decoded(writer: IndexWriter): Promise<MemoryEntry[]> {
    return (await writer.items(ENTRIES)).flatMap((i) => decodeEntry(i.id, i.metadata) ?? []);
  }

  /** Vectors of a model's namespace go stale when an entry's text changes: drop them, the next recall re-embeds. */
  async function forgetVectors(writer: IndexWriter, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const model of await store.models()) await writer.remove({ kind: 'model', model }, ids);
  }

  function reusableOf(entry: MemoryEntry): ReusablePlan {
    return {
      memory_id: entry.id,
      steps: entry.steps.map(copyStep),
      ...(entry.confidence !== undefined ? { confidence: entry.confidence } : {}),
    };
  }

  async function recollect(query: RecallQuery): Promise<Recollection> {
    const slot = `${query.taskId}\0${query.subtaskId}`;
    // Started now, awaited only when needed: hashing a large tree outside git takes a second or two, which
    // then overlaps the planning call instead of adding to it.
    const fingerprint = fingerprintNow();
    plannedOn.set(slot, fingerprint);
    const entries = await load();
    if (entries.length === 0) return { text: '' };
    const requestKey = keyOf(query.request);
    const goalKey = keyOf(query.goal);
    const candidate = entries.some(
      (e) => e.kind === 'success' && e.request_key === requestKey && e.goal_key === goalKey,
    );
    const reuse = candidate
      ? pickReusable(entries, { requestKey, goalKey, fingerprint: await fingerprint })
      : undefined;
    if (reuse && offered.get(slot) !== reuse.id) {
      offered.set(slot, reuse.id);
      // The plan is reused as it is, with no planning call: similar plans would go unread.
      return { text: '', reusable: reusableOf(reuse) };
    }
    if (topK === 0) return { text: '' };
    // More candidates than shown: entries of this very task and repeats of one lesson are dropped afterwards.
    const k = Math.max(topK * 4, 8);
    const about = `${query.request}\n${query.goal}`;
    const { hits } = await similar(about, entries, k, RECALL_MIN_SCORE, query.taskId);
    return { text: recallText(hits, { topK, budgetTokens, excludeTaskId: query.taskId }) };
  }

  return {
    /** Never throws: memory trouble is a warning, and the subtask is planned without memory. */
    async recall(query: RecallQuery): Promise<Recollection> {
      try {
        return await recollect(query);
      } catch (err) {
        warn(
          `plan memory could not be read; planning without it (${err instanceof Error ? err.message : String(err)})`,
        );
        return { text: '' };
      }
    },

    async remember(outcome: PlanOutcome): Promise<void> {
      const at = now().toISOString();
      const slot = `${outcome.taskId}\0${outcome.subtaskId}`;
      const fingerprint = await (plannedOn.get(slot) ?? fingerprintNow());
      const steps: RememberedStep[] = outcome.plan.steps.map(copyStep);
      // Memory outlives the task document, so it is masked the same way; a plan redaction changed is not rerun.
      const masked = redactDeep(steps, { secrets });
      const reasons = outcome.reasons.map((r) => redact(r, { secrets }));
      const lesson = outcome.kind === 'failure' ? condenseLesson(reasons, masked) : '';
      const request = redact(outcome.request, { secrets });
      const goal = redact(outcome.goal, { secrets });
      const entry: MemoryEntry = {
        id: newEntryId(now()),
        kind: outcome.kind,
        at,
        used_at: at,
        uses: 1,
        task_id: outcome.taskId,
        subtask_id: outcome.subtaskId,
        request,
        request_key: keyOf(outcome.request),
        goal,
        goal_key: keyOf(outcome.goal),
        plan_id: outcome.plan.plan_id,
        plan_source: outcome.planSource,
        steps: masked,
        steps_hash: stepsHash(steps),
        ...(outcome.plan.confidence !== undefined ? { confidence: outcome.plan.confidence } : {}),
        lesson,
        reasons,
        duration_ms: Math.max(0, outcome.durationMs),
        tokens: Math.max(0, outcome.tokens),
        fingerprint,
        rating: '',
        comment: '',
        reusable: JSON.stringify(masked) === JSON.stringify(steps),
        text: entryText({ request, goal, lesson, comment: '' }),
        vector_model: HASH_MODEL_ID,
      };
      if (entry.kind === 'success') {
        // The subtask is done: what was kept for its rounds is no longer needed.
        plannedOn.delete(slot);
        offered.delete(slot);
      }
      await store.write(async (w) => {
        if (entry.kind === 'success') {
          // The same plan succeeding again (typically a reused one) refreshes its entry instead of adding one.
          const same = (await decoded(w)).find(
            (e) =>
              e.kind === 'success' &&
              e.rating !== 'bad' &&
              e.request_key === entry.request_key &&
              e.goal_key === entry.goal_key &&
              e.fingerprint === entry.fingerprint &&
              e.steps_hash === entry.steps_hash,
          );
          if (same) {
            await w.upsert(ENTRIES, [itemOf({ ...same, used_at: at, uses: same.uses + 1 })]);
            return;
          }
        }
        await w.upsert(ENTRIES, [itemOf(entry)]);
      });
    },

    async list() {
      return (await load()).sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
    },

    async search(text, limit) {
      const found = await similar(text, await load(), limit, SEARCH_MIN_SCORE);
      return { ...found, hits: found.hits.slice(0, limit) };
    },

    async forget(idOrPrefix) {
      return store.write(async (w) => {
        const entries = await decoded(w);
        const exact = entries.find((e) => e.id === idOrPrefix);
        const matches = exact ? [exact] : entries.filter((e) => e.id.startsWith(idOrPrefix));
        if (matches.length > 1) throw new AmbiguousMemoryId(matches.map((e) => e.id));
        const gone = matches[0];
        if (!gone) return undefined;
        await w.remove(ENTRIES, [gone.id]);
        await forgetVectors(w, [gone.id]);
        return gone;
      });
    },

    async feedback(input) {
      const at = now().toISOString();
      const comment = redact(input.comment, { secrets });
      return store.write(async (w) => {
        const linked = (await decoded(w)).filter(
          (e) => e.kind === 'success' && (e.task_id === input.taskId || input.reusedFrom.includes(e.id)),
        );
        const changed = linked.map((e): MemoryEntry => {
          const lesson =
            input.rating === 'bad'
              ? `a user marked the result bad: ${comment ? `"${comment}"` : 'no comment given'}; the plan was ${e.steps.map((s) => s.action).join(' → ')}`
              : '';
          return {
            ...e,
            ...(input.rating === 'bad' ? { kind: 'failure' as const } : {}),
            rating: input.rating,
            comment,
            lesson,
            used_at: at,
            text: entryText({ request: e.request, goal: e.goal, lesson, comment }),
          };
        });
        // With nothing of the task in memory (template plans), the feedback itself carries the lesson.
        const lesson =
          input.rating === 'bad' && changed.length === 0
            ? `a user marked the result bad: ${comment ? `"${comment}"` : 'no comment given'}; the plans were ${input.planSummary}`
            : '';
        const request = redact(input.request, { secrets });
        const goal = redact(input.goals.join('; '), { secrets });
        const entry: MemoryEntry = {
          id: newEntryId(now()),
          kind: 'feedback',
          at,
          used_at: at,
          uses: 1,
          task_id: input.taskId,
          subtask_id: '',
          request,
          request_key: keyOf(input.request),
          goal,
          goal_key: keyOf(input.goals.join('; ')),
          plan_id: input.planIds.join(','),
          plan_source: '',
          steps: [],
          steps_hash: '',
          lesson,
          reasons: [],
          duration_ms: 0,
          tokens: 0,
          fingerprint: '',
          rating: input.rating,
          comment,
          reusable: false,
          text: entryText({ request, goal, lesson, comment }),
          vector_model: HASH_MODEL_ID,
        };
        await w.upsert(ENTRIES, [...changed, entry].map(itemOf));
        await forgetVectors(
          w,
          changed.map((e) => e.id),
        );
        return { entry, changed };
      });
    },

    async prune(cutoff, dryRun) {
      const limit = cutoff.toISOString();
      if (dryRun) {
        const old = (await load()).filter((e) => e.used_at < limit);
        const bytes = old.reduce((n, e) => n + JSON.stringify(itemOf(e)).length, 0);
        return { removed: old, bytes };
      }
      const before = await store.size();
      const removed = await store.write(async (w) => {
        const old = (await decoded(w)).filter((e) => e.used_at < limit);
        const ids = old.map((e) => e.id);
        if (ids.length > 0) {
          await w.remove(ENTRIES, ids);
          await forgetVectors(w, ids);
        }
        return old;
      });
      return { removed, bytes: Math.max(0, before - (await store.size())) };
    },
  };
}
