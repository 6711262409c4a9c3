// Plan memory's model-free embedding ("Corporate Knowledge" offline): hashed word and character n-grams in a
// fixed-size vector, so similar requests are found with no model and through the same cosine query as real ones.

/** The id of this vectorizer; vectors it made never meet a model's vectors in one query. */
export const HASH_MODEL_ID = 'hash-ngram-v1';

const DIMENSIONS = 256;

/** Words that every request shares and that say nothing about which one it is. */
const STOP_WORDS = new Set(
  'a an and are as at be by for from in into is it of on or the this that to with'.split(' '),
);

/** Lower-case words, with camelCase, snake_case and path separators split (`chargeCard` → charge, card). */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w));
}

/** 32-bit FNV-1a. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function add(vector: number[], feature: string, weight: number): void {
  const h = fnv1a(feature);
  // One bit chooses the sign, so colliding features cancel out on average instead of piling up.
  const sign = h & 0x80000000 ? -1 : 1;
  const slot = h % DIMENSIONS;
  vector[slot] = (vector[slot] ?? 0) + sign * weight;
}

/**
 * A unit vector of `text`: whole words (weight 1), neighbouring word pairs (0.5) and the character trigrams of
 * each word (0.3, so `charge` still meets `charging`). Rounded to 4 decimals to keep the index file small.
 */
export function hashEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  const ws = words(text);
  ws.forEach((w, i) => {
    add(vector, `w:${w}`, 1);
    const next = ws[i + 1];
    if (next !== undefined) add(vector, `b:${w} ${next}`, 0.5);
    const padded = `^${w}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(vector, `c:${padded.slice(j, j + 3)}`, 0.3);
  });
  const norm = Math.sqrt(vector.reduce((n, x) => n + x * x, 0));
  // A text with no words still needs a vector of non-zero length (cosine divides by it).
  if (norm === 0) return vector.map((_, i) => (i === 0 ? 1 : 0));
  return vector.map((x) => Math.round((x / norm) * 10_000) / 10_000);
}

/**
 * The vector of an entry: its request and goal in full, its lesson and comment at half weight, so a long
 * lesson cannot drown what the entry is about, and still makes the entry findable by its words.
 */
export function entryEmbedding(about: string, notes: string): number[] {
  const main = hashEmbedding(about);
  if (words(notes).length === 0) return main;
  const extra = hashEmbedding(notes);
  const mixed = main.map((x, i) => x + 0.5 * (extra[i] ?? 0));
  const norm = Math.sqrt(mixed.reduce((n, x) => n + x * x, 0));
  return mixed.map((x) => Math.round((x / norm) * 10_000) / 10_000);
}
