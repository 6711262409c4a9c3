import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureGraph, linkFixture } from './fixture-graph.js';

describe('JS/TS adapter on the TypeScript shop', () => {
  let shop: FixtureGraph;
  beforeAll(async () => {
    shop = await linkFixture('ts-shop');
  });

  const at = (path: string, snippet: string): number => shop.lineOf(path, snippet);

  it('links checkout to chargeCard through the service, the gateway checkout passes in, and the barrel', () => {
    const edges = shop.edges();
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/order-service.ts#OrderService.place [method] :${at('src/checkout.ts', 'orders.place(cart)')}`,
    );
    // The StripeGateway that checkout constructs is what reaches `this.gateway`: a method call, not a guess.
    expect(edges).toContain(
      `src/orders/order-service.ts#OrderService.place -> src/gateways/stripe.ts#StripeGateway.charge [method] :${at('src/orders/order-service.ts', 'this.gateway.charge')}`,
    );
    expect(edges).toContain(
      `src/gateways/stripe.ts#StripeGateway.charge -> src/payments/card.ts#chargeCard [direct] :${at('src/gateways/stripe.ts', 'chargeCard(amount, 3)')}`,
    );
  });

  it('dispatches an interface call to the implementations no value of the tree brought, naming the interface', () => {
    const line = at('src/orders/order-service.ts', 'this.gateway.charge');
    const calls = shop.graph.edges.filter((edge) => edge.call.line === line && edge.to.endsWith('.charge'));
    expect(calls.map((edge) => `${edge.to} [${edge.kind}]`).sort()).toEqual([
      'src/gateways/paypal.ts#PaypalGateway.charge [dispatch]',
      'src/gateways/stripe.ts#StripeGateway.charge [method]',
    ]);
    const dispatched = calls.find((edge) => edge.kind === 'dispatch');
    expect(dispatched?.note).toBe('dispatch through PaymentGateway.charge');
    expect(dispatched?.call).toMatchObject({
      file: 'src/orders/order-service.ts',
      text: 'const chargeId = await this.gateway.charge(cart.total);',
    });
  });

  it('never connects the decoys: the legacy chargeCard, a non-implementing charge(), other save() methods', () => {
    const targets = shop.graph.edges.map((edge) => `${edge.from} -> ${edge.to}`);
    const reached = (id: string) => targets.filter((edge) => edge.endsWith(`-> ${id}`));
    expect(reached('src/legacy/card.ts#chargeCard')).toEqual([
      'src/legacy/billing.ts#legacyBilling -> src/legacy/card.ts#chargeCard',
    ]);
    expect(reached('src/payments/invoice.ts#InvoiceCharger.charge')).toEqual([]);
    expect(reached('src/orders/draft-store.ts#draftStore.save')).toEqual([]);
    expect(reached('src/users/user-repo.ts#UserRepo.save')).toEqual([]);
    expect(shop.graph.edges.some((edge) => edge.kind === 'heuristic')).toBe(false);
  });

  it('types a field from its declaration, a default export, a factory return and an object literal', () => {
    const edges = shop.edges();
    const service = 'src/orders/order-service.ts';
    expect(edges).toContain(
      `${service}#OrderService.place -> src/orders/order-repo.ts#OrderRepo.save [method] :${at(service, 'this.repo.save')}`,
    );
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/order-repo.ts#createRepo [direct] :${at('src/checkout.ts', 'createRepo()')}`,
    );
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/factory.ts#ReportService.run [method] :${at('src/checkout.ts', 'makeReportService().run()')}`,
    );
    expect(edges).toContain(
      `${service}#OrderService.place -> src/orders/format.ts#formatters.currency [method] :${at(service, 'formatters.currency')}`,
    );
  });

  it('links a function handed to a library call through that call: place -> cart.items.map -> formatLine', () => {
    const line = at('src/orders/order-service.ts', 'cart.items.map(formatLine)');
    const into = shop.graph.edges.find((edge) => edge.to === 'src/orders/format.ts#formatLine');
    expect(into).toMatchObject({ kind: 'callback', call: { file: 'src/orders/order-service.ts', line } });
    const hop = shop.graph.symbols.find((symbol) => symbol.id === into?.from);
    expect(hop).toMatchObject({ kind: 'external', name: 'cart.items.map', file: '' });
    expect(shop.graph.edges.filter((edge) => edge.to === hop?.id)).toMatchObject([
      { from: 'src/orders/order-service.ts#OrderService.place', kind: 'external', call: { line } },
    ]);
    // place only hands formatLine over: no edge says place calls it.
    expect(shop.graph.edges.filter((edge) => edge.to === 'src/orders/format.ts#formatLine')).toHaveLength(1);
  });

  it('links constructors, super calls, super.method and calls through abstract methods', () => {
    const edges = shop.edges();
    const notifier = 'src/notify/notifier.ts';
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/order-service.ts#OrderService.constructor [constructor] :${at('src/checkout.ts', 'new OrderService(')}`,
    );
    // StripeGateway declares no constructor and has no base: `new StripeGateway()` runs no code of the tree, but
    // creates a StripeGateway.
    expect(
      edges.filter(
        (edge) => edge.includes('#StripeGateway [') || edge.includes('#StripeGateway.constructor'),
      ),
    ).toEqual([
      `src/checkout.ts#checkout -> src/gateways/stripe.ts#StripeGateway [constructor] :${at('src/checkout.ts', 'new StripeGateway(')}`,
    ]);
    expect(edges).toContain(
      `${notifier}#EmailNotifier.constructor -> ${notifier}#Notifier.constructor [constructor] :${at(notifier, "super('email')")}`,
    );
    expect(edges).toContain(
      `${notifier}#EmailNotifier.format -> ${notifier}#Notifier.format [method] :${at(notifier, 'super.format(message)')}`,
    );
    const send = at(notifier, 'this.deliver(this.format(message))');
    expect(edges).toEqual(
      expect.arrayContaining([
        // The EmailNotifier checkout sends through is what `this` is; the declared type adds the other override.
        `${notifier}#Notifier.send -> ${notifier}#EmailNotifier.deliver [method] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#SmsNotifier.deliver [dispatch] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#Notifier.format [method] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#EmailNotifier.format [method] :${send}`,
      ]),
    );
    // `new EmailNotifier()` is exactly an EmailNotifier: its send() is the inherited one, no dispatch.
    expect(edges).toContain(
      `src/checkout.ts#checkout -> ${notifier}#Notifier.send [method] :${at('src/checkout.ts', '.send(receipt)')}`,
    );
    // No edge leaves a class, and one enters a class only where `new` creates a class declaring no constructor.
    const classes = new Set(
      shop.graph.symbols.filter((symbol) => symbol.kind === 'class').map((symbol) => symbol.id),
    );
    const touching = shop.graph.edges.filter((edge) => classes.has(edge.from) || classes.has(edge.to));
    expect(touching.length).toBeGreaterThan(0);
    for (const edge of touching) {
      expect(classes.has(edge.from)).toBe(false);
      expect(edge).toMatchObject({
        kind: 'constructor',
        note: expect.stringMatching(/ declares no constructor$/),
      });
      expect(edge.call.text).toMatch(/\bnew /);
    }
  });

  it('links recursion as an edge to itself', () => {
    expect(shop.edges()).toContain(
      `src/payments/card.ts#chargeCard -> src/payments/card.ts#chargeCard [direct] :${at('src/payments/card.ts', 'return chargeCard(amount, retries - 1)')}`,
    );
  });

  it('leaves a generic call to the checker, and refine resolves it once', async () => {
    const line = at('src/checkout.ts', "container.get<AuditLog>('audit').record(receipt)");
    const record = 'src/checkout.ts#checkout -> src/container.ts#AuditLog.record [method]';
    expect(shop.edges()).toContain(
      `src/checkout.ts#checkout -> src/container.ts#Container.get [method] :${line}`,
    );
    expect(shop.edges()).not.toContain(`${record} :${line}`);
    expect(shop.graph.refine).toBeDefined();

    const refined = await shop.graph.refine!({ outgoingFrom: ['src/checkout.ts#checkout'] });
    expect(shop.format(refined)).toEqual([`${record} :${line}`]);
    expect(refined[0]!.call.text).toBe("container.get<AuditLog>('audit').record(receipt);");

    const again = await shop.graph.refine!({
      outgoingFrom: ['src/checkout.ts#checkout'],
      incomingTo: ['src/container.ts#AuditLog.record'],
    });
    expect(again).toEqual([]);
  });

  it('refines the calls that may reach a symbol when asked for its callers', async () => {
    const fresh = await linkFixture('ts-shop');
    const refined = await fresh.graph.refine!({ incomingTo: ['src/container.ts#AuditLog.record'] });
    expect(fresh.format(refined)).toEqual([
      `src/checkout.ts#checkout -> src/container.ts#AuditLog.record [method] :${at('src/checkout.ts', '.record(receipt)')}`,
    ]);
  });
});
