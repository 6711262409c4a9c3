import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureGraph, linkFixture } from './fixture-graph.js';

describe('JS/TS adapter on the TypeScript shop', () => {
  let shop: FixtureGraph;
  beforeAll(async () => {
    shop = await linkFixture('ts-shop');
  });

  const at = (path: string, snippet: string): number => shop.lineOf(path, snippet);

  it('links checkout to chargeCard through the service, the gateway interface and the barrel', () => {
    const edges = shop.edges();
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/order-service.ts#OrderService.place [method] :${at('src/checkout.ts', 'orders.place(cart)')}`,
    );
    expect(edges).toContain(
      `src/orders/order-service.ts#OrderService.place -> src/gateways/stripe.ts#StripeGateway.charge [dispatch] :${at('src/orders/order-service.ts', 'this.gateway.charge')}`,
    );
    expect(edges).toContain(
      `src/gateways/stripe.ts#StripeGateway.charge -> src/payments/card.ts#chargeCard [direct] :${at('src/gateways/stripe.ts', 'chargeCard(amount, 3)')}`,
    );
  });

  it('dispatches an interface call to every implementation, with the interface named in the note', () => {
    const line = at('src/orders/order-service.ts', 'this.gateway.charge');
    const dispatched = shop.graph.edges.filter((edge) => edge.call.line === line && edge.kind === 'dispatch');
    expect(dispatched.map((edge) => edge.to).sort()).toEqual([
      'src/gateways/paypal.ts#PaypalGateway.charge',
      'src/gateways/stripe.ts#StripeGateway.charge',
    ]);
    expect(dispatched.every((edge) => edge.note === 'dispatch through PaymentGateway.charge')).toBe(true);
    expect(dispatched[0]!.call).toMatchObject({
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

  it('links a function passed as an argument as a callback of the caller, at the argument', () => {
    const line = at('src/orders/order-service.ts', 'cart.items.map(formatLine)');
    const callback = shop.graph.edges.find((edge) => edge.kind === 'callback');
    expect(callback).toMatchObject({
      from: 'src/orders/order-service.ts#OrderService.place',
      to: 'src/orders/format.ts#formatLine',
      call: { line, column: 'const lines = cart.items.map('.length + 5 },
    });
  });

  it('links constructors, super calls, super.method and calls through abstract methods', () => {
    const edges = shop.edges();
    const notifier = 'src/notify/notifier.ts';
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/orders/order-service.ts#OrderService.constructor [constructor] :${at('src/checkout.ts', 'new OrderService(')}`,
    );
    expect(edges).toContain(
      `src/checkout.ts#checkout -> src/gateways/stripe.ts#StripeGateway [constructor] :${at('src/checkout.ts', 'new StripeGateway()')}`,
    );
    expect(edges).toContain(
      `${notifier}#EmailNotifier.constructor -> ${notifier}#Notifier.constructor [constructor] :${at(notifier, "super('email')")}`,
    );
    expect(edges).toContain(
      `${notifier}#EmailNotifier.format -> ${notifier}#Notifier.format [method] :${at(notifier, 'super.format(message)')}`,
    );
    const send = at(notifier, 'this.deliver(this.format(message))');
    expect(edges).toEqual(
      expect.arrayContaining([
        `${notifier}#Notifier.send -> ${notifier}#EmailNotifier.deliver [dispatch] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#SmsNotifier.deliver [dispatch] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#Notifier.format [method] :${send}`,
        `${notifier}#Notifier.send -> ${notifier}#EmailNotifier.format [dispatch] :${send}`,
      ]),
    );
    // `new EmailNotifier()` is exactly an EmailNotifier: its send() is the inherited one, no dispatch.
    expect(edges).toContain(
      `src/checkout.ts#checkout -> ${notifier}#Notifier.send [method] :${at('src/checkout.ts', '.send(receipt)')}`,
    );
    // A class without a constructor runs its base constructor.
    expect(edges).toContain(
      `${notifier}#SmsNotifier -> ${notifier}#Notifier.constructor [constructor] :${at(notifier, 'class SmsNotifier')}`,
    );
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
