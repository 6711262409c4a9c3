// Template matching and rendering (the offline "Task Analyst" and "Strategist"): pure functions over loaded templates.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parse as parseShell } from 'shell-quote';
import type { Plan } from '../schemas/plan.js';
import type { Subtask, SubtaskDag } from '../schemas/subtask.js';
import type { Template } from '../schemas/template.js';

/** Trims, folds white space and drops a trailing question mark or full stop. */
export function normaliseRequest(request: string): string {
  // A final "." ends a sentence only after a word ("… in src."); after a space or a dot it is a path ("in .").
  return foldSpacesOutsideQuotes(request.trim())
    .replace(/[?!]+$/, '')
    .replace(/(?<=[\w"'`)])\.$/, '')
    .trim();
}

/** Runs of white space become one space, except inside quotes ("a  b" stays as typed). */
function foldSpacesOutsideQuotes(text: string): string {
  return text.replace(
    /("[^"]*"|'[^']*'|`[^`]*`)|\s+/g,
    (_match, quoted: string | undefined) => quoted ?? ' ',
  );
}

function unquote(value: string): string {
  const m = /^(["'`])(.*)\1$/s.exec(value);
  return m?.[2] ?? value;
}

interface Match {
  readonly template: Template;
  readonly params: Record<string, string>;
}

/**
 * A path written in a request made in the folder `cwd` (workspace-relative, '' for the root), as a path relative
 * to the workspace root: `./sub` in `src` is `src/sub`, `..` in `src` is `.`. Absolute paths stay as written; a
 * path that climbs out of the workspace stays outside it (`../x`), for the validator to refuse.
 */
export function rebasePath(path: string, cwd: string | undefined): string {
  if (cwd === undefined || cwd === '' || posix.isAbsolute(path)) return path;
  return posix.normalize(posix.join(cwd, path)).replace(/\/$/, '') || '.';
}

function matchClause(
  clause: string,
  templates: readonly Template[],
  cwd: string | undefined,
): Match | undefined {
  for (const template of templates) {
    for (const pattern of template.patterns) {
      const m = new RegExp(pattern, 'i').exec(clause);
      if (!m) continue;
      const params: Record<string, string> = { ...template.defaults };
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value === undefined || value === '') continue;
        const text = unquote(value);
        params[name] = template.path_params.includes(name) ? rebasePath(text, cwd) : text;
      }
      return { template, params };
    }
  }
  return undefined;
}

export function renderText(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)(?::int|:argv)?\}\}/g, (_, name: string) => params[name] ?? '');
}

/**
 * Words of a command line, split as a POSIX shell would (quotes, escapes), without running a shell: an
 * operator such as `|`, `;` or `>` stays a word of its own, so the validator can refuse it by name.
 */
export function commandWords(line: string): string[] {
  return parseShell(line, (name) => `$${name}`).map((w) =>
    typeof w === 'string'
      ? w
      : 'op' in w
        ? w.op === 'glob'
          ? w.pattern
          : w.op
        : 'comment' in w
          ? `#${w.comment}`
          : String(w),
  );
}

function renderValue(value: unknown, params: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)(:int|:argv)?\}\}$/.exec(value);
    if (whole?.[1] !== undefined && whole[2] === ':int') return Number.parseInt(params[whole[1]] ?? '', 10);
    if (whole?.[1] !== undefined && whole[2] === ':argv') return commandWords(params[whole[1]] ?? '');
    return renderText(value, params);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, params));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, params)]));
  }
  return value;
}

function subtasksOf(match: Match, prefix: string, after: string | undefined): Subtask[] {
  return match.template.subtasks.map((st, i) => ({
    id: `${prefix}${st.id}`,
    goal: renderText(st.goal, match.params),
    dependencies: [...st.dependencies.map((d) => `${prefix}${d}`), ...(i === 0 && after ? [after] : [])],
    tool_hints: st.tool_hints,
    priority: st.priority,
    template: { id: match.template.id, subtask: st.id, params: match.params },
  }));
}

/**
 * Decomposes a request with templates: the whole request first, then clauses joined by "then" or ";"
 * (each clause depending on the one before). Null when no template understands it. Paths in the request are
 * relative to `cwd` (workspace-relative; absent: the root) and come out workspace-relative.
 */
export function decomposeWithTemplates(
  request: string,
  templates: readonly Template[],
  cwd?: string,
): SubtaskDag | null {
  const whole = normaliseRequest(request);
  // Clauses first: "find X in src then list lib" is two jobs, though "find …" alone would swallow the rest.
  const clauses = whole.split(/\s*(?:;|,?\s+and then\s+|,?\s+then\s+)\s*/i).filter(Boolean);
  if (clauses.length > 1) {
    const matches = clauses.map((c) => matchClause(normaliseRequest(c), templates, cwd));
    if (matches.every((m) => m !== undefined)) {
      const subtasks: Subtask[] = [];
      matches.forEach((m, i) => {
        subtasks.push(...subtasksOf(m, `c${i + 1}-`, subtasks.at(-1)?.id));
      });
      return { subtasks };
    }
  }
  const single = matchClause(whole, templates, cwd);
  return single ? { subtasks: subtasksOf(single, '', undefined) } : null;
}

export function stepInputHash(action: string, inputs: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([action, inputs]))
    .digest('hex')
    .slice(0, 16);
}

/** A contract-valid plan for a templated subtask. */
export function planFromTemplate(
  subtask: Subtask,
  templates: readonly Template[],
  taskId: string,
  iteration: number,
  now: Date,
): Plan | undefined {
  const ref = subtask.template;
  const template = templates.find((t) => t.id === ref?.id);
  const source = template?.subtasks.find((s) => s.id === ref?.subtask);
  if (!ref || !source) return undefined;
  const steps = source.steps.map((step) => {
    const inputs = renderValue(step.inputs, ref.params) as Record<string, unknown>;
    return {
      step_id: step.step_id,
      action: step.action,
      inputs,
      timeout_seconds: step.timeout_seconds ?? 300,
      parallelizable: step.parallelizable ?? false,
      idempotency_key: `${taskId}:${subtask.id}.p${iteration}:${step.step_id}:${stepInputHash(step.action, inputs)}`,
      dependencies: step.dependencies ?? [],
    };
  });
  return {
    plan_id: `${subtask.id}.p${iteration}`,
    task_id: taskId,
    generated_at: now.toISOString(),
    confidence: 1,
    metadata: {
      priority: subtask.priority,
      required_tools: [...new Set(steps.map((s) => s.action))],
      estimated_cost_tokens: 0,
    },
    steps,
    result_step: source.result_step ?? steps.at(-1)?.step_id,
  };
}

/** One phrasing per template (its first), for a short list in errors; the README lists every phrasing. */
export function acceptedPhrasings(templates: readonly Template[]): string[] {
  return templates.flatMap((t) => t.phrasings.slice(0, 1));
}
