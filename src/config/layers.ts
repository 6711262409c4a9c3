// Configuration layers: the defaults, the user file, the workspace file and the environment, each a partial
// configuration; merging them (a later layer wins field by field) and saying which layer each value came from.
// Pure functions of the parsed files.

export type LayerOrigin = 'user' | 'workspace' | 'env';

/** One source of settings: the JSON of a file (validated, before defaults), or the values the environment sets. */
export interface ConfigLayer {
  readonly origin: LayerOrigin;
  /** The file, or for `env` the variable of each field (see `envLayer`). */
  readonly source: string;
  readonly data: Readonly<Record<string, unknown>>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `over` on top of `under`: objects merge key by key, anything else (a value, a list such as a tier's candidates)
 * is replaced whole, so a workspace that lists its own `small` tier does not inherit the user's candidates.
 */
export function mergeLayer(under: unknown, over: unknown): unknown {
  if (over === undefined) return under;
  if (!isPlainObject(under) || !isPlainObject(over)) return over;
  const merged: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) merged[key] = mergeLayer(under[key], value);
  return merged;
}

/** The layers merged in order, later ones winning. `$schema` belongs to each file and is not merged. */
export function mergeLayers(layers: readonly ConfigLayer[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    const { $schema: _schema, ...data } = layer.data;
    merged = mergeLayer(merged, data) as Record<string, unknown>;
  }
  return merged;
}

function valueAt(data: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let at: unknown = data;
  for (const key of path) {
    if (!isPlainObject(at) || !Object.hasOwn(at, key)) return { found: false };
    at = at[key];
  }
  return { found: at !== undefined, value: at };
}

export interface FieldOrigin {
  /** Dotted path, e.g. "models.tiers.medium". */
  readonly field: string;
  readonly value: unknown;
  readonly origin: 'default' | LayerOrigin;
  /** The file the value is read from, or the environment variable that sets it; absent for defaults. */
  readonly source?: string;
}

/** Variables that set a configuration field at run time, over every file (as models/settings.ts reads them). */
export const ENV_FIELDS: readonly { readonly variable: string; readonly field: readonly string[] }[] = [
  { variable: 'OLLAMA_HOST', field: ['models', 'providers', 'ollama', 'host'] },
  { variable: 'OPENAI_BASE_URL', field: ['models', 'providers', 'openai', 'baseUrl'] },
  { variable: 'GEMINI_BASE_URL', field: ['models', 'providers', 'gemini', 'baseUrl'] },
  { variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', field: ['telemetry', 'otlp', 'endpoint'] },
];

/** The environment as a layer: one field per variable set (not empty) in `env`; `source` lists the variables. */
export function envLayer(env: Readonly<Record<string, string | undefined>>): ConfigLayer & {
  readonly variables: ReadonlyMap<string, string>;
} {
  let data: Record<string, unknown> = {};
  const variables = new Map<string, string>();
  for (const { variable, field } of ENV_FIELDS) {
    const value = env[variable]?.trim();
    if (!value) continue;
    const nested = field.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    data = mergeLayer(data, nested) as Record<string, unknown>;
    variables.set(field.join('.'), variable);
  }
  return { origin: 'env', source: [...variables.values()].join(', '), data, variables };
}

/**
 * Each field of the effective configuration with the layer it came from: the last layer that sets it, else
 * `default`. Objects are walked down to their values; a list is one value. Fields only a layer sets (a host from
 * the environment) are listed too, in the order of the effective configuration.
 */
export function fieldOrigins(
  effective: Readonly<Record<string, unknown>>,
  layers: readonly (ConfigLayer & { readonly variables?: ReadonlyMap<string, string> })[],
): FieldOrigin[] {
  const out: FieldOrigin[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, inner] of Object.entries(value)) visit(inner, [...path, key]);
      return;
    }
    if (value === undefined) return;
    const field = path.join('.');
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      const at = valueAt(layer.data, path);
      if (!at.found) continue;
      out.push({
        field,
        value: at.value,
        origin: layer.origin,
        source: layer.variables?.get(field) ?? layer.source,
      });
      return;
    }
    out.push({ field, value, origin: 'default' });
  };
  visit(mergeLayer(effective, mergeLayers(layers.filter((l) => l.origin === 'env'))), []);
  return out;
}
