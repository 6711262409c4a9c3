import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../src/code/code-service.js';
import type { TraceResult } from '../../src/code/service.js';
import { PathOutsideWorkspace } from '../../src/errors.js';
import { offlineRouter } from '../../src/models/types.js';
import { configSchema } from '../../src/schemas/config.js';
import type { ToolContext } from '../../src/tools/define-tool.js';
import { resolveInside } from '../../src/util/workspace.js';
import { callersTool, indexCodeTool, traceCallsTool } from '../../tools/code-tools.js';
import { toyAdapter, toyEntry } from './toy-adapter.js';

let workspace: string;
let ctx: ToolContext;

beforeEach(async () => {
  workspace = await realpath(await mkdtemp(join(tmpdir(), 'office-code-tools-')));
  await mkdir(join(workspace, 'app'));
  await writeFile(
    join(workspace, 'app', 'shop.toy'),
    'def checkout\n  place()\ndef place\n  charge()\ndef charge\n',
  );
  ctx = {
    workspace,
    taskId: 't1',
    stepId: 's1',
    signal: new AbortController().signal,
    config: configSchema.parse({}),
    resolvePath: (path) => resolveInside(workspace, path),
    log: () => {},
    services: { models: offlineRouter, code: createCodeIndexService({ adapters: [toyEntry(toyAdapter())] }) },
  };
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('code tools', () => {
  it('default dir to the workspace and max_paths to 1, and refuse unknown inputs', () => {
    expect(traceCallsTool.input.parse({ from: 'a', to: 'b' })).toEqual({
      dir: '.',
      from: 'a',
      to: 'b',
      max_paths: 1,
      why: false,
    });
    expect(traceCallsTool.input.safeParse({ from: 'a', to: 'b', depth: 3 }).success).toBe(false);
    expect(traceCallsTool.input.safeParse({ from: 'a', to: 'b', max_paths: 0 }).success).toBe(false);
  });

  it('declare the directory they read', () => {
    expect(traceCallsTool.paths?.(traceCallsTool.input.parse({ dir: 'app', from: 'a', to: 'b' }))).toEqual([
      { path: 'app', access: 'read' },
    ]);
    expect(indexCodeTool.risk).toBe('read');
  });

  it('index a workspace-relative dir and refuse one outside the workspace', async () => {
    const stats = await indexCodeTool.run({ dir: 'app' }, ctx);
    expect(stats).toMatchObject({ files: 1, cache: 'miss' });
    expect(indexCodeTool.summarize?.(stats)).toMatch(/^indexed 1 files, 4 symbols, 2 calls \(cache miss/);
    await expect(indexCodeTool.run({ dir: '..' }, ctx)).rejects.toThrow(PathOutsideWorkspace);
  });

  it('list callers through the service', async () => {
    const output = await callersTool.run(callersTool.input.parse({ dir: 'app', symbol: 'charge' }), ctx);
    expect(callersTool.summarize?.(output)).toBe('1 caller of charge (a tree of 3 levels)');
    expect(output.tree?.children.map((c) => c.qualified_name)).toEqual(['place']);
    const shallow = await callersTool.run(
      callersTool.input.parse({ dir: 'app', symbol: 'charge', depth: 1 }),
      ctx,
    );
    expect(callersTool.summarize?.(shallow)).toBe('1 caller of charge');
  });

  it('trace, summarise and pass their own review when every hop verifies', async () => {
    const input = traceCallsTool.input.parse({ dir: 'app', from: 'checkout', to: 'charge' });
    const output = await traceCallsTool.run(input, ctx);
    expect(traceCallsTool.summarize?.(output)).toBe('checkout → place → charge (2 calls)');
    expect(await traceCallsTool.review?.(input, output, ctx)).toEqual({
      ok: true,
      note: 'verified 3 hops against a fresh index',
    });
  });

  it('fail review when a reported hop does not match the code', async () => {
    const input = traceCallsTool.input.parse({ dir: 'app', from: 'checkout', to: 'charge' });
    const output = await traceCallsTool.run(input, ctx);
    const tampered: TraceResult = structuredClone(output);
    tampered.paths[0]!.hops[1]!.line = 9;
    const review = await traceCallsTool.review?.(input, tampered, ctx);
    expect(review).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no symbol place at shop.toy:9/),
    });
    expect(review).not.toHaveProperty('escalate');
  });

  it('accept not_found as the answer (no re-planning, no escalation) when a name is unknown', async () => {
    const input = traceCallsTool.input.parse({ dir: 'app', from: 'checkot', to: 'charge' });
    const output = await traceCallsTool.run(input, ctx);
    expect(output.status).toBe('not_found');
    expect(await traceCallsTool.review?.(input, output, ctx)).toEqual({
      ok: true,
      note: 'answered not_found: no symbol "checkot"; closest: checkout',
    });
  });
});
