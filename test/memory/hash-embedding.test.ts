// The model-free embedding: similar requests land close, unrelated ones far, and a long lesson cannot drown a request.
import { describe, expect, it } from 'vitest';
import { entryEmbedding, hashEmbedding } from '../../src/memory/hash-embedding.js';

const cosine = (a: number[], b: number[]) => a.reduce((n, x, i) => n + x * (b[i] ?? 0), 0);

describe('hashEmbedding', () => {
  it('puts requests about the same functions closer together than unrelated requests', () => {
    const q = hashEmbedding('trace checkout to chargeCard in ./src');
    const near = hashEmbedding('trace checkout to chargeCard in ./lib');
    const far = hashEmbedding('rename the logger module');
    expect(cosine(q, near)).toBeGreaterThan(0.7);
    expect(cosine(q, far)).toBeLessThan(0.2);
  });

  it('splits camelCase, so "charge card" meets chargeCard', () => {
    const a = hashEmbedding('where is chargeCard called');
    expect(cosine(a, hashEmbedding('charge card callers'))).toBeGreaterThan(
      cosine(a, hashEmbedding('render the page header')),
    );
  });

  it('gives a text without words a usable unit vector, and is deterministic', () => {
    const empty = hashEmbedding('   ');
    expect(Math.hypot(...empty)).toBeCloseTo(1);
    expect(hashEmbedding('find TODO in src')).toEqual(hashEmbedding('find TODO in src'));
  });
});

describe('entryEmbedding', () => {
  it('keeps an entry close to its request however long its lesson is', () => {
    const request = 'trace checkout to chargeCard in ./src\nfind the call path';
    const entry = entryEmbedding(request, 'the reviewer said many things '.repeat(40));
    expect(cosine(hashEmbedding(request), entry)).toBeGreaterThan(0.85);
  });
});
