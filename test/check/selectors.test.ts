// Rule selectors on the check-shop index: office trace's endpoint forms mean what they mean there; folders, globs
// and `*` in names select sets; what selects nothing says so.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphViewOf } from '../../src/check/graph-view.js';
import { matchSelector } from '../../src/check/selectors.js';
import { createCodeIndexService } from '../../src/code/code-service.js';
import type { GraphView } from '../../src/code/graph.js';
import type { GraphJson } from '../../src/code/service.js';
import { FIXTURES, makeWorkspace, type TempWorkspace } from '../helpers/workspace.js';

let ws: TempWorkspace;
let graph: GraphView;

beforeAll(async () => {
  ws = await makeWorkspace('office-check-selectors-');
  await cp(join(FIXTURES, 'check-shop', 'src'), ws.path('src'), { recursive: true });
  graph = graphViewOf(await createCodeIndexService().graph(ws.root));
});

afterAll(async () => {
  await ws.cleanup();
});

const selected = (text: string) => {
  const match = matchSelector(graph, text);
  return match.type === 'matched'
    ? match.symbols.map((s) => `${s.file === '' ? '(library)' : s.file}:${s.qualified_name}`)
    : match.reason;
};

describe('selectors', () => {
  it('take the endpoint forms of office trace: name, Class.method, path:name with a path suffix or no extension', () => {
    expect(selected('chargeCard')).toEqual([
      'src/legacy/card.ts:chargeCard',
      'src/payments/card.ts:chargeCard',
    ]);
    expect(selected('card.ts:chargeCard')).toEqual([
      'src/legacy/card.ts:chargeCard',
      'src/payments/card.ts:chargeCard',
    ]);
    expect(selected('payments/card:chargeCard')).toEqual(['src/payments/card.ts:chargeCard']);
    expect(selected('OrderRepo.save')).toEqual(['src/repos/order-repo.ts:OrderRepo.save']);
    // Library code handed a callback is a symbol too, named by what was called.
    expect(selected('setTimeout')).toEqual(['(library):setTimeout']);
  });

  it('select every symbol of the files under a folder or glob, top-level code included', () => {
    expect(selected('src/ui')).toEqual(selected('src/ui/**'));
    expect(selected('src/ui/**')).toEqual([
      'src/ui/button.ts:<module>',
      'src/ui/button.ts:Button',
      'src/ui/button.ts:Button.onClick',
      'src/ui/drafts.ts:<module>',
      'src/ui/drafts.ts:saveDraft',
      'src/ui/search.ts:<module>',
      'src/ui/search.ts:query',
      'src/ui/widget.ts:<module>',
      'src/ui/widget.ts:payFromWidget',
    ]);
    // A glob matches the whole path from the checked folder: ./*.ts is the files at its top (there are none).
    expect(selected('src/*.ts')).toEqual(['src/checkout.ts:<module>', 'src/checkout.ts:checkout']);
    expect(selected('./*.ts')).toBe('no indexed file matches "./*.ts"');
  });

  it('select by name within globbed files, and by * in names', () => {
    expect(selected('src/db/**:query')).toEqual(['src/db/query.ts:query']);
    expect(selected('src/**/card.ts:charge*')).toEqual([
      'src/legacy/card.ts:chargeCard',
      'src/payments/card.ts:chargeCard',
    ]);
    expect(selected('PaymentService.*')).toEqual(['src/payments/service.ts:PaymentService.pay']);
    expect(selected('*Draft')).toEqual(['src/ui/drafts.ts:saveDraft']);
  });

  it('say why when they select nothing', () => {
    expect(selected('src/nope/**')).toBe('no indexed file matches "src/nope/**"');
    expect(selected('Payment*.refund')).toBe('no symbol matches "Payment*.refund"');
    expect(selected('chargeCart')).toBe('no symbol "chargeCart"; closest: chargeCard');
  });
});

describe('a path in a selector', () => {
  // Two trees with the same inner paths: `esm/x.ts` is not also `lib/esm/x.ts`, as in office trace.
  const symbol = (file: string, name: string) => ({
    id: `${file}#${name}`,
    name,
    qualified_name: name,
    kind: 'function' as const,
    file,
    line: 1,
  });
  const json: GraphJson = {
    symbols: [symbol('esm/x.ts', 'load'), symbol('lib/esm/x.ts', 'load'), symbol('lib/esm/y.ts', 'loadAll')],
    edges: [],
    instantiations: [],
  };
  const names = (text: string) => {
    const match = matchSelector(graphViewOf(json), text);
    return match.type === 'matched' ? match.symbols.map((s) => `${s.file}:${s.name}`) : match.reason;
  };

  it('names the file or folder at exactly that path when there is one, else those ending in it', () => {
    expect(names('esm/x.ts:load*')).toEqual(['esm/x.ts:load']);
    expect(names('esm/x:load*')).toEqual(['esm/x.ts:load']);
    expect(names('esm/')).toEqual(['esm/x.ts:load']);
    expect(names('esm/y.ts:load*')).toEqual(['lib/esm/y.ts:loadAll']);
    expect(names('x.ts:load*')).toEqual(['esm/x.ts:load', 'lib/esm/x.ts:load']);
    // A glob matches whole paths; `**/` also matches none at all.
    expect(names('**/esm/*.ts:load*')).toEqual([
      'esm/x.ts:load',
      'lib/esm/x.ts:load',
      'lib/esm/y.ts:loadAll',
    ]);
    expect(names('lib/**/x.ts:load*')).toEqual(['lib/esm/x.ts:load']);
  });
});
