// Plan memory entries ("Corporate Knowledge"): what one remembered success, failure or piece of feedback holds,
// how it is stored as flat vectra metadata, and the pure helpers that key, summarise and condense it.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const entryKinds = ['success', 'failure', 'feedback'] as const;
export type EntryKind = (typeof entryKinds)[number];

export const ratings = ['', 'good', 'bad'] as const;
export type Rating = (typeof ratings)[number];

/** One plan step as remembered: what a reused plan needs to run again. */
export const rememberedStepSchema = z.strictObject({
  step_id: z.string().min(1),
  action: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()),
  dependencies: z.array(z.string()).optional(),
  parallelizable: z.boolean().optional(),
  timeout_seconds: z.int().min(1).optional(),
});
export type RememberedStep = z.infer<typeof rememberedStepSchema>;

/**
 * The flat metadata of one entry as vectra stores it (values must be strings, numbers or booleans, so the plan
 * steps and the reasons are JSON text). Read back from disk, it is parsed with this schema, never cast.
 */
export const storedEntrySchema = z.strictObject({
  v: z.literal(1),
  kind: z.enum(entryKinds),
  /** When the entry was made. */
  at: z.string(),
  /** When it was last made, reused or rated: retention counts from here. */
  used_at: z.string(),
  uses: z.int().min(0),
  task_id: z.string(),
  subtask_id: z.string(),
  request: z.string(),
  request_key: z.string(),
  goal: z.string(),
  goal_key: z.string(),
  plan_id: z.string(),
  plan_source: z.string(),
  steps_json: z.string(),
  steps_hash: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  /** For failures and bad feedback: the reasons condensed into one line a planner can act on. */
  lesson: z.string(),
  reasons_json: z.string(),
  duration_ms: z.number().min(0),
  tokens: z.number().min(0),
  /** The workspace as it was when the plan was made (see fingerprint.ts). */
  fingerprint: z.string(),
  rating: z.enum(ratings),
  comment: z.string(),
  /** False when redaction changed the steps: a masked plan is shown as an example but never run again. */
  reusable: z.boolean(),
  /** The text that was embedded: request, goal, lesson and comment. */
  text: z.string(),
  /** Which hashed vectorizer made this item's vector in the entries index. */
  vector_model: z.string(),
});
export type StoredEntry = z.infer<typeof storedEntrySchema>;

/** An entry as the rest of office sees it: steps and reasons parsed. */
export interface MemoryEntry extends Omit<StoredEntry, 'steps_json' | 'reasons_json' | 'v'> {
  readonly id: string;
  readonly steps: readonly RememberedStep[];
  readonly reasons: readonly string[];
}

const stepsSchema = z.array(rememberedStepSchema);
const reasonsSchema = z.array(z.string());

/** Parses stored metadata; undefined when it is not a whole, valid entry (it is then skipped, never trusted). */
export function decodeEntry(id: string, metadata: unknown): MemoryEntry | undefined {
  const stored = storedEntrySchema.safeParse(metadata);
  if (!stored.success) return undefined;
  const { steps_json, reasons_json, v: _v, ...rest } = stored.data;
  const steps = stepsSchema.safeParse(parseJson(steps_json));
  const reasons = reasonsSchema.safeParse(parseJson(reasons_json));
  if (!steps.success || !reasons.success) return undefined;
  return { id, ...rest, steps: steps.data, reasons: reasons.data };
}

/** The flat metadata vectra stores for an entry (absent optional fields left out, as vectra takes no undefined). */
export function encodeEntry(entry: MemoryEntry): Record<string, string | number | boolean> {
  const { id: _id, steps, reasons, ...rest } = entry;
  const stored: StoredEntry = {
    v: 1,
    ...rest,
    steps_json: JSON.stringify(steps),
    reasons_json: JSON.stringify(reasons),
  };
  const flat: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(stored)) if (value !== undefined) flat[key] = value;
  return flat;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A new entry id: sortable by time, short enough to type (`m-20261124-101500-a1b2c3`). */
export function newEntryId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `m-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The key under which two requests (or two goals) count as the same: case, spacing, quotes, a trailing full
 * stop and `./` before paths do not matter.
 */
export function normaliseKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/["'`]/g, '')
    .replace(/(^|\s)\.\/(?=\S)/g, '$1')
    .replace(/(\S)\/(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?;,]+$/, '')
    .trim();
}

/** Same steps (actions, inputs, dependencies), same hash: how a failure of a reused plan finds its success. */
export function stepsHash(steps: readonly RememberedStep[]): string {
  const essence = steps.map((s) => [s.step_id, s.action, s.inputs, s.dependencies ?? []]);
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex').slice(0, 16);
}

/** `search_code → read_file`: a plan in a few words. */
export function planSummary(steps: readonly RememberedStep[]): string {
  return steps.map((s) => s.action).join(' → ') || 'no steps';
}

const REASON_CHARS = 240;
const MAX_REASONS = 3;

/**
 * Condenses the validator's, approver's or reviewer's reasons into one lesson line: the distinct reasons, each
 * cut to a readable length, at most three, saying who turned the plan down when the reasons show it.
 */
export function condenseLesson(reasons: readonly string[], steps: readonly RememberedStep[]): string {
  const distinct = [...new Set(reasons.map((r) => r.replace(/\s+/g, ' ').trim()).filter((r) => r !== ''))];
  const cut = distinct
    .slice(0, MAX_REASONS)
    .map((r) => (r.length > REASON_CHARS ? `${r.slice(0, REASON_CHARS - 1)}…` : r));
  const refused = distinct.length > 0 && distinct.every((r) => / was refused: /.test(r));
  const who = refused ? 'refused at approval' : 'turned down';
  const why = cut.length > 0 ? cut.join('; ') : 'no reason was given';
  return `the plan (${planSummary(steps)}) was ${who}: ${why}`;
}

/** The text embedded for an entry: what a similar future request or a search would share with it. */
export function entryText(e: {
  readonly request: string;
  readonly goal: string;
  readonly lesson: string;
  readonly comment: string;
}): string {
  return [e.request, e.goal, e.lesson, e.comment].filter((t) => t !== '').join('\n');
}
