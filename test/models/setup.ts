// Shared setup for the Model Selector tests: temp workspaces, configs, a test schema, a fake clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type ModelsConfig, modelsConfigSchema } from '../../src/schemas/config.js';

export const verdictSchema = z.strictObject({
  verdict: z.enum(['APPROVE', 'REVISE']),
  summary: z.string(),
  note: z.string().optional(),
});

export const goodVerdict = { verdict: 'APPROVE', summary: 'looks right' } as const;

export function modelsConfig(input: Record<string, unknown> = {}): { models: ModelsConfig } {
  return { models: modelsConfigSchema.parse(input) };
}

/** A temp workspace; call the returned cleanup in afterEach. */
export async function tempWorkspace(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'office-models-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A clock the test moves by hand, and a sleep that records what it was asked and returns at once. */
export function fakeTime(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

export const review = (prompt = 'Review this plan.') =>
  ({
    role: 'review',
    schema: verdictSchema,
    schemaName: 'verdict',
    system: 'You review plans.',
    prompt,
  }) as const;
