// Model Selector structured output: a model's reply text checked as JSON and then against the zod schema,
// and the repair prompt that shows the model its reply with the exact errors.
import { z } from 'zod';

export type ParsedReply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** Longest reply quoted back in a repair prompt. */
const MAX_QUOTED_REPLY = 8_000;

export function parseStructuredReply<T>(text: string, schema: z.ZodType<T>): ParsedReply<T> {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch (err) {
    return { ok: false, error: `the reply is not valid JSON (${(err as Error).message})` };
  }
  const first = schema.safeParse(json);
  if (first.success) return { ok: true, value: first.data };
  // OpenAI strict mode sends absent optional fields as null, which zod's optional() and default() reject:
  // drop exactly the nulls zod complained about and check again.
  let value = json;
  let issues = first.error.issues;
  for (let round = 0; round < 5; round++) {
    const nulls = issues.map((i) => i.path).filter((p) => p.length > 0 && valueAt(value, p) === null);
    if (nulls.length === 0) break;
    value = structuredClone(value);
    for (const path of nulls) deleteAt(value, path);
    const again = schema.safeParse(value);
    if (again.success) return { ok: true, value: again.data };
    issues = again.error.issues;
  }
  return { ok: false, error: `the reply does not match the schema:\n${z.prettifyError(first.error)}` };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function deleteAt(value: unknown, path: readonly PropertyKey[]): void {
  const parent = valueAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof parent === 'object' && parent !== null && !Array.isArray(parent) && last !== undefined) {
    delete (parent as Record<PropertyKey, unknown>)[last];
  }
}

/** Models often wrap JSON in a Markdown fence even in JSON mode. */
function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return match?.[1] ?? text;
}

/** The prompt of the one repair round: the original task, the bad reply, the errors, and "JSON only". */
export function repairPrompt(prompt: string, reply: string, error: string, schemaName: string): string {
  const quoted = reply.length > MAX_QUOTED_REPLY ? `${reply.slice(0, MAX_QUOTED_REPLY)}…` : reply;
  return (
    `${prompt}\n\n---\nYour previous reply was:\n${quoted}\n\n` +
    `It was rejected because ${error}\n\n` +
    `Reply again with the corrected ${schemaName} as JSON only: no prose, no Markdown fence.`
  );
}
