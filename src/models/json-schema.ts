// Model Selector structured output: JSON Schema from our zod schemas, and its OpenAI strict-mode variant.
import { z } from 'zod';

type Json = Record<string, unknown>;

/**
 * The JSON Schema a provider is given for `schema`: the *input* side (fields with defaults may be left out),
 * without the `$schema` marker, which some providers reject.
 */
export function jsonSchemaFor(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

export type StrictSchema =
  | { readonly ok: true; readonly schema: Json }
  | { readonly ok: false; readonly reason: string };

/** Keywords OpenAI strict mode cannot take; a schema using them is sent as plain json_object instead. */
const structural = [
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'propertyNames',
  'dependentSchemas',
  'dependentRequired',
  'unevaluatedProperties',
  'unevaluatedItems',
  'prefixItems',
  'contains',
];
/** Constraints strict mode may refuse; dropping them is safe because zod checks the reply afterwards. */
const droppable = [
  'default',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
  'uniqueItems',
  'contentEncoding',
  'contentMediaType',
  'examples',
];

/**
 * Rewrites a JSON Schema for OpenAI's strict structured outputs: every object closed
 * (`additionalProperties: false`), every property required, and formerly optional ones made nullable
 * (nulls zod rejects are dropped from the reply before the final check).
 */
export function toOpenAiStrictSchema(schema: Json): StrictSchema {
  if (schema.type !== 'object') return { ok: false, reason: 'the top level is not an object' };
  const visit = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => visit(n, `${path}[${i}]`));
    if (typeof node !== 'object' || node === null) return node;
    const src = node as Json;
    const free = src.additionalProperties;
    if (src.type === 'object' && free !== undefined && free !== false && !('properties' in src)) {
      throw new NotStrict(`a map with free keys (a record) at ${path || 'the top level'}`);
    }
    for (const key of structural) {
      if (key in src) throw new NotStrict(`"${key}" at ${path || 'the top level'}`);
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(src)) {
      if (droppable.includes(key)) continue;
      if (key === 'oneOf') out.anyOf = visit(value, `${path}.oneOf`);
      else if (key === 'properties' || key === '$defs') {
        out[key] = Object.fromEntries(
          Object.entries(value as Json).map(([k, v]) => [k, visit(v, `${path}.${k}`)]),
        );
      } else if (key === 'additionalProperties') continue;
      else out[key] = visit(value, `${path}.${key}`);
    }
    if (src.type === 'object' || 'properties' in src) {
      const props = (out.properties ?? {}) as Json;
      const required = new Set(Array.isArray(src.required) ? (src.required as string[]) : []);
      for (const [name, prop] of Object.entries(props)) {
        if (!required.has(name)) {
          props[name] = nullable(prop as Json);
        }
      }
      out.properties = props;
      out.required = Object.keys(props);
      out.additionalProperties = false;
    }
    return out;
  };
  try {
    return { ok: true, schema: visit(schema, '') as Json };
  } catch (err) {
    if (err instanceof NotStrict) return { ok: false, reason: err.message };
    throw err;
  }
}

class NotStrict extends Error {}

function nullable(schema: Json): Json {
  const type = schema.type;
  if (typeof type === 'string')
    return type === 'null' ? schema : withNullEnum({ ...schema, type: [type, 'null'] });
  if (Array.isArray(type))
    return type.includes('null') ? schema : withNullEnum({ ...schema, type: [...type, 'null'] });
  return { anyOf: [schema, { type: 'null' }] };
}

function withNullEnum(schema: Json): Json {
  return Array.isArray(schema.enum) && !schema.enum.includes(null)
    ? { ...schema, enum: [...schema.enum, null] }
    : schema;
}
