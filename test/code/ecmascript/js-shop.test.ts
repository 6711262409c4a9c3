import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureGraph, linkFixture } from './fixture-graph.js';

describe('JS/TS adapter on the JavaScript shop', () => {
  let shop: FixtureGraph;
  beforeAll(async () => {
    shop = await linkFixture('js-shop');
  });

  const at = (path: string, snippet: string): number => shop.lineOf(path, snippet);

  it('follows destructured require, module.exports objects and a module.exports singleton', () => {
    const checkout = 'src/checkout.js';
    expect(shop.edges()).toEqual(
      expect.arrayContaining([
        `${checkout}#checkout -> src/orders/index.js#placeOrder [direct] :${at(checkout, 'placeOrder(cart)')}`,
        `${checkout}#checkout -> src/payments.js#chargeCard [method] :${at(checkout, 'payments.chargeCard')}`,
        `${checkout}#checkout -> src/mailer.js#Mailer.sendReceipt [method] :${at(checkout, 'mailer.sendReceipt')}`,
        `src/payments.js#chargeCard -> src/payments.js#submit [direct] :${at('src/payments.js', 'return submit(amount)')}`,
      ]),
    );
  });

  it('treats a constructor function with prototype methods as a class', () => {
    const orders = 'src/orders/index.js';
    const order = 'src/orders/order.js';
    expect(shop.edges()).toEqual(
      expect.arrayContaining([
        `${orders}#placeOrder -> ${order}#Order [constructor] :${at(orders, 'new Order(cart)')}`,
        `${orders}#placeOrder -> ${order}#Order.validate [method] :${at(orders, 'order.validate()')}`,
        `${order}#Order.validate -> ${order}#Order.checkStock [method] :${at(order, 'this.checkStock()')}`,
      ]),
    );
  });

  it('runs the singleton constructor from the module that creates it', () => {
    expect(shop.edges()).toContain(
      `src/mailer.js#<module> -> src/mailer.js#Mailer.constructor [constructor] :${at('src/mailer.js', 'new Mailer()')}`,
    );
  });

  it('lets an ES module import a CommonJS export by name', () => {
    expect(shop.edges()).toContain(
      `src/server.mjs#handleRequest -> src/checkout.js#checkout [direct] :${at('src/server.mjs', 'checkout(request.body)')}`,
    );
  });

  it('links JSX elements to their components, and handlers given to host elements through them', () => {
    const receipt = 'src/ui/receipt.jsx';
    const line = at(receipt, 'onClick={close}');
    expect(shop.edges()).toEqual(
      expect.arrayContaining([
        `${receipt}#Receipt -> src/ui/line-item.jsx#LineItem [direct] :${at(receipt, '<LineItem')}`,
        `src/ui/line-item.jsx#LineItem -> src/ui/line-item.jsx#formatPrice [direct] :${at('src/ui/line-item.jsx', 'formatPrice(item.price)')}`,
      ]),
    );
    // The DOM calls the handler back: Receipt -> <button> -> Receipt.close, never Receipt -> Receipt.close.
    const hop = shop.graph.edges.find((edge) => edge.to === `${receipt}#Receipt.close`);
    expect(hop).toMatchObject({ kind: 'callback', call: { line } });
    expect(shop.graph.edges.filter((edge) => edge.to === hop?.from)).toMatchObject([
      { from: `${receipt}#Receipt`, kind: 'external' },
    ]);
  });

  it('links an untyped receiver by method name only, marked heuristic, and nowhere else', () => {
    const heuristic = shop.graph.edges.filter((edge) => edge.kind === 'heuristic');
    const line = at('src/notify.js', 'channel.sendReceipt(order)');
    expect(shop.format(heuristic).sort()).toEqual([
      `src/notify.js#notifyAll -> src/mailer.js#Mailer.sendReceipt [heuristic] :${line}`,
      `src/notify.js#notifyAll -> src/notify.js#smsChannel.sendReceipt [heuristic] :${line}`,
    ]);
    expect(heuristic.every((edge) => edge.note?.includes('untyped'))).toBe(true);
  });

  it('never connects the decoys to the checkout path', () => {
    const into = (id: string) =>
      shop.graph.edges.filter((edge) => edge.to === id && edge.kind !== 'heuristic');
    expect(into('src/legacy/payments.js#chargeCard')).toEqual([]);
    expect(into('src/notify.js#smsChannel.sendReceipt')).toEqual([]);
    expect(
      shop.graph.edges.filter((edge) => edge.from === 'src/checkout.js#checkout').map((edge) => edge.kind),
    ).not.toContain('heuristic');
  });

  it('needs no type checker for plain JavaScript', () => {
    expect(shop.graph.refine).toBeUndefined();
  });
});
