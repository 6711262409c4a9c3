import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemaFor, toOpenAiStrictSchema } from '../../src/models/json-schema.js';
import { parseStructuredReply } from '../../src/models/structured.js';

describe('OpenAI strict schema', () => {
  it('closes nested objects, requires every property, and keeps defaults out of the schema', () => {
    const schema = z.strictObject({
      feedback: z.array(z.object({ step_id: z.string().optional(), problem: z.string().min(1) })).default([]),
      kind: z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b') })]),
    });

    const strict = toOpenAiStrictSchema(jsonSchemaFor(schema));

    expect(strict).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: {
          feedback: {
            type: ['array', 'null'],
            items: {
              type: 'object',
              properties: { step_id: { type: ['string', 'null'] }, problem: { type: 'string' } },
              required: ['step_id', 'problem'],
              additionalProperties: false,
            },
          },
          kind: {
            anyOf: [
              {
                type: 'object',
                properties: { k: { type: 'string', const: 'a' } },
                required: ['k'],
                additionalProperties: false,
              },
              {
                type: 'object',
                properties: { k: { type: 'string', const: 'b' } },
                required: ['k'],
                additionalProperties: false,
              },
            ],
          },
        },
        required: ['feedback', 'kind'],
        additionalProperties: false,
      },
    });
  });

  it('declines a schema with a record, or whose top level is not an object', () => {
    expect(toOpenAiStrictSchema(jsonSchemaFor(z.object({ m: z.record(z.string(), z.number()) })))).toEqual({
      ok: false,
      reason: 'a map with free keys (a record) at .m',
    });
    expect(toOpenAiStrictSchema(jsonSchemaFor(z.array(z.string())))).toMatchObject({ ok: false });
  });

  it('lets zod apply defaults to the nulls strict mode sends for optional fields', () => {
    const schema = z.strictObject({
      a: z.string(),
      tags: z.array(z.string()).default([]),
      n: z.string().nullable(),
    });

    expect(parseStructuredReply('{"a":"x","tags":null,"n":null}', schema)).toEqual({
      ok: true,
      value: { a: 'x', tags: [], n: null },
    });
  });
});
