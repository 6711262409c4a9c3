// Prompt assembly for the model-backed roles: fills templates/prompts/*.md and trims context to a token budget.
import { z } from 'zod';
import type { ToolRegistry } from './ports.js';

export const promptRoles = ['decompose', 'plan', 'validate', 'review'] as const;
export type PromptRole = (typeof promptRoles)[number];
export type PromptSet = Readonly<Record<PromptRole, { readonly system: string; readonly user: string }>>;

/** Rough token count (about four characters a token) used for budgets before a provider reports usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Cuts text to about `tokens` tokens, keeping its start and end, with a marker where it was cut. */
export function trimToTokens(text: string, tokens: number): string {
  const max = tokens * 4;
  if (text.length <= max) return text;
  const keep = Math.max(0, max - 60);
  const head = Math.ceil(keep * 0.6);
  return `${text.slice(0, head)}\n[… ${text.length - keep} characters cut to fit the context budget …]\n${text.slice(text.length - (keep - head))}`;
}

/**
 * Fills `{{name}}` placeholders. Sections listed in `budgets` get at most that share of `totalTokens`
 * (in the order given), so the most useful context survives when the prompt is too long.
 */
export function fillPrompt(
  template: string,
  values: Readonly<Record<string, string>>,
  budgets: Readonly<Record<string, number>> = {},
  totalTokens = Number.POSITIVE_INFINITY,
): string {
  const fitted: Record<string, string> = { ...values };
  for (const [name, share] of Object.entries(budgets)) {
    const value = fitted[name];
    if (value !== undefined && Number.isFinite(totalTokens))
      fitted[name] = trimToTokens(value, Math.floor(totalTokens * share));
  }
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => fitted[name] ?? '');
}

/** The tool catalog a model plans from: name, risk, description and input JSON Schema of each tool. */
export function toolCatalog(tools: ToolRegistry, detail: 'full' | 'names' = 'full'): string {
  return tools
    .list()
    .map((t) => {
      if (detail === 'names') return `- ${t.name} (${t.risk}): ${t.description}`;
      const schema = JSON.stringify(
        z.toJSONSchema(t.input as z.ZodType, { io: 'input', unrepresentable: 'any' }),
      );
      return `- ${t.name} (risk: ${t.risk}): ${t.description}\n  input: ${schema}`;
    })
    .join('\n');
}

/** JSON for a prompt, trimmed to a budget. */
export function jsonForPrompt(value: unknown, tokens: number): string {
  return trimToTokens(JSON.stringify(value, null, 1) ?? 'null', tokens);
}
