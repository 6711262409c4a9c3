import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureGraph, linkFixture } from './fixture-graph.js';

describe('JS/TS adapter dispatch through interfaces and class hierarchies', () => {
  let fixture: FixtureGraph;
  beforeAll(async () => {
    fixture = await linkFixture('ts-dispatch');
  });

  const at = (snippet: string): number => fixture.lineOf('use.ts', snippet);

  it('reaches implementations through interface extends, a type alias and inherited methods', () => {
    expect(fixture.edges()).toEqual(
      expect.arrayContaining([
        `use.ts#copy -> stores.ts#BaseStore.read [dispatch] :${at('from.read(key)')}`,
        `use.ts#copy -> stores.ts#MemoryStore.write [dispatch] :${at('to.write(key, value)')}`,
        `use.ts#copy -> stores.ts#LoggingStore.write [dispatch] :${at('to.write(key, value)')}`,
      ]),
    );
    const notes = fixture.graph.edges.filter((edge) => edge.from === 'use.ts#copy').map((edge) => edge.note);
    expect(notes).toEqual([
      'dispatch through Reader.read',
      'dispatch through Store.write',
      'dispatch through Store.write',
    ]);
  });

  it('calls exactly the method of a known class, and adds overrides only for a base-typed receiver', () => {
    const edges = fixture.edges();
    expect(edges).toContain(
      `use.ts#exact -> stores.ts#LoggingStore.create [method] :${at('LoggingStore.create()')}`,
    );
    expect(edges).toContain(
      `use.ts#exact -> stores.ts#LoggingStore.write [method] :${at("store.write('a', 'b')")}`,
    );
    expect(edges.filter((edge) => edge.startsWith('use.ts#either '))).toEqual([
      `use.ts#either -> stores.ts#MemoryStore.write [method] :${at("store.write('c', 'd')")}`,
      `use.ts#either -> stores.ts#LoggingStore.write [method] :${at("store.write('c', 'd')")}`,
    ]);
  });

  it('links super.method() to the base method; a class without a constructor is created, never a caller', () => {
    const line = (snippet: string) => fixture.lineOf('stores.ts', snippet);
    expect(fixture.edges()).toContain(
      `stores.ts#LoggingStore.write -> stores.ts#MemoryStore.write [method] :${line('super.write(key, value)')}`,
    );
    // `new LoggingStore()` runs implicit constructors only (no class of the chain declares one): the edge names
    // the class it creates, and says so; no edge leaves a class, and none runs between classes.
    const classes = new Set(fixture.graph.symbols.filter((s) => s.kind === 'class').map((s) => s.id));
    expect(fixture.graph.edges.filter((edge) => classes.has(edge.from) || classes.has(edge.to))).toEqual([
      expect.objectContaining({
        from: 'stores.ts#LoggingStore.create',
        to: 'stores.ts#LoggingStore',
        kind: 'constructor',
        note: 'LoggingStore declares no constructor',
      }),
    ]);
  });

  it('dispatches a call the checker types as an interface method to its implementations', async () => {
    const line = at("store.write('*', '')");
    expect(fixture.edges().some((edge) => edge.startsWith('use.ts#clearAll '))).toBe(false);
    const refined = await fixture.graph.refine!({ outgoingFrom: ['use.ts#clearAll'] });
    expect(fixture.format(refined).sort()).toEqual([
      `use.ts#clearAll -> stores.ts#LoggingStore.write [dispatch] :${line}`,
      `use.ts#clearAll -> stores.ts#MemoryStore.write [dispatch] :${line}`,
    ]);
    expect(refined.every((edge) => edge.note === 'dispatch through Store.write')).toBe(true);
  });
});
