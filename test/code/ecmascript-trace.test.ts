// End to end: the real JS/TS adapter under the indexer, cache, refinement and path finder, on the shop fixtures.
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndexService } from '../../src/code/code-service.js';
import { type TraceResult, traceResultSchema } from '../../src/code/service.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
let workspace: string;

/** A copy of a fixture in a temp workspace, so the cache lands there and not in the repository. */
async function copyFixture(name: string): Promise<string> {
  const dir = join(workspace, name);
  await mkdir(join(dir, '.git'), { recursive: true });
  await cp(join(FIXTURES, name, 'src'), join(dir, 'src'), { recursive: true });
  return dir;
}

function hopLines(result: TraceResult): string[][] {
  return result.paths.map((path) =>
    path.hops.map(
      (hop) =>
        `${hop.qualified_name} ${hop.file}:${hop.line}` +
        (hop.call ? ` <- ${hop.call.file}:${hop.call.line} ${hop.call.text} [${hop.edge}]` : ''),
    ),
  );
}

const onPath = (result: TraceResult) =>
  result.paths.flatMap((p) => p.hops.map((h) => `${h.file}#${h.qualified_name}`));

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'office-ecmascript-trace-'));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('trace on ts-shop', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('ts-shop');
  });

  it('finds checkout → OrderService.place → StripeGateway.charge → chargeCard, hop by hop', async () => {
    const service = createCodeIndexService();
    const result = await service.trace({ dir, from: 'checkout', to: 'chargeCard' });
    expect(traceResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('found');
    expect(hopLines(result)).toEqual([
      [
        'checkout src/checkout.ts:15',
        'OrderService.place src/orders/order-service.ts:16 <- src/checkout.ts:17 const receipt = await orders.place(cart); [method]',
        'StripeGateway.charge src/gateways/stripe.ts:4 <- src/orders/order-service.ts:18 const chargeId = await this.gateway.charge(cart.total); [method]',
        'chargeCard src/payments/card.ts:1 <- src/gateways/stripe.ts:5 return chargeCard(amount, 3); [direct]',
      ],
    ]);
    expect(result.notes).toContain(
      '2 candidate pairs; only checkout (src/checkout.ts:15) reaches chargeCard (src/payments/card.ts:1)',
    );
    expect(await service.verifyPaths(dir, result.paths)).toEqual({ ok: true, problems: [] });
  });

  it('never routes a path through the decoys', async () => {
    const result = await createCodeIndexService().trace({
      dir,
      from: 'checkout',
      to: 'src/payments/card.ts:chargeCard',
      maxPaths: 10,
    });
    expect(result.status).toBe('found');
    const visited = onPath(result);
    expect(visited.filter((hop) => /legacy\/|InvoiceCharger|draftStore|UserRepo/.test(hop))).toEqual([]);
    expect(result.paths.flatMap((p) => p.hops).some((h) => h.edge === 'heuristic')).toBe(false);
  });

  it('does not connect checkout to a same-named decoy', async () => {
    const service = createCodeIndexService();
    const legacy = await service.trace({ dir, from: 'checkout', to: 'src/legacy/card.ts:chargeCard' });
    expect(legacy.status).toBe('not_found');
    const invoice = await service.trace({ dir, from: 'checkout', to: 'InvoiceCharger.charge' });
    expect(invoice.status).toBe('not_found');
  });

  it('reaches a call only the TypeScript checker types, in a fresh service again from the cache', async () => {
    const first = await createCodeIndexService().trace({ dir, from: 'checkout', to: 'AuditLog.record' });
    expect(hopLines(first)).toEqual([
      [
        'checkout src/checkout.ts:15',
        "AuditLog.record src/container.ts:17 <- src/checkout.ts:18 container.get<AuditLog>('audit').record(receipt); [method]",
      ],
    ]);
    const cacheDir = join(dir, '.office', 'cache', 'code');
    const storeFile = (await readdir(cacheDir)).find((f) => f.endsWith('.db'))!;
    const db = new DatabaseSync(join(cacheDir, storeFile), { readOnly: true });
    const row = db.prepare("SELECT data FROM refinements WHERE adapter = 'ecmascript'").get() as {
      data: string;
    };
    db.close();
    expect(JSON.parse(row.data).edges.map((e: { to: string }) => e.to)).toContain(
      'src/container.ts#AuditLog.record',
    );
    const second = await createCodeIndexService().trace({ dir, from: 'checkout', to: 'AuditLog.record' });
    expect(second.stats.cache).toBe('hit');
    expect(hopLines(second)).toEqual(hopLines(first));
  });
});

describe('trace on js-shop', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('js-shop');
  });

  it('follows a destructured require, a constructor function and a module.exports object', async () => {
    const service = createCodeIndexService();
    const toOrder = await service.trace({ dir, from: 'checkout', to: 'Order' });
    expect(hopLines(toOrder)).toEqual([
      [
        'checkout src/checkout.js:6',
        'placeOrder src/orders/index.js:3 <- src/checkout.js:7 const order = placeOrder(cart); [direct]',
        'Order src/orders/order.js:1 <- src/orders/index.js:4 const order = new Order(cart); [constructor]',
      ],
    ]);
    const toSubmit = await service.trace({ dir, from: 'checkout', to: 'submit' });
    expect(hopLines(toSubmit)).toEqual([
      [
        'checkout src/checkout.js:6',
        'chargeCard src/payments.js:1 <- src/checkout.js:8 payments.chargeCard(order.total); [method]',
        'submit src/payments.js:5 <- src/payments.js:2 return submit(amount); [direct]',
      ],
    ]);
    expect(await service.verifyPaths(dir, [...toOrder.paths, ...toSubmit.paths])).toEqual({
      ok: true,
      problems: [],
    });
  });

  it('reaches the singleton Mailer, not the same-named object literal method or the legacy chargeCard', async () => {
    const service = createCodeIndexService();
    const mail = await service.trace({ dir, from: 'checkout', to: 'sendReceipt' });
    expect(mail.status).toBe('found');
    expect(mail.to).toMatchObject({ qualified_name: 'Mailer.sendReceipt', file: 'src/mailer.js' });
    expect(onPath(mail)).not.toContain('src/notify.js#smsChannel.sendReceipt');
    const legacy = await service.trace({ dir, from: 'checkout', to: 'src/legacy/payments.js:chargeCard' });
    expect(legacy.status).toBe('not_found');
  });

  it('marks a call on an untyped parameter as heuristic and says no precise path exists', async () => {
    const result = await createCodeIndexService().trace({ dir, from: 'notifyAll', to: 'Mailer.sendReceipt' });
    expect(result.status).toBe('found');
    expect(result.paths[0]?.hops[1]).toMatchObject({
      edge: 'heuristic',
      call: { file: 'src/notify.js', line: 10 },
    });
    expect(result.notes[0]).toMatch(
      /^no precise path exists; every path uses a call matched by method name only/,
    );
  });
});
