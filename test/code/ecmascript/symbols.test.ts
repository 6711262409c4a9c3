import { describe, expect, it } from 'vitest';
import { linkFixture } from './fixture-graph.js';

type Row = [qualifiedName: string, kind: string, line: number];

function rows(
  symbols: ReadonlyArray<{ qualified_name: string; kind: string; line: number; file: string }>,
  file: string,
): Row[] {
  return symbols
    .filter((symbol) => symbol.file === file)
    .map((symbol) => [symbol.qualified_name, symbol.kind, symbol.line]);
}

describe('JS/TS adapter symbols', () => {
  it('records every TypeScript symbol form with its qualified name, kind and line', async () => {
    const fixture = await linkFixture('ts-forms');
    const at = (snippet: string) => fixture.lineOf('forms.ts', snippet);
    expect(rows(fixture.graph.symbols, 'forms.ts')).toEqual([
      ['<module>', 'module', 1],
      ['topLevel', 'function', at('export function topLevel')],
      ['topLevel.inner', 'function', at('function inner')],
      ['arrow', 'arrow', at('export const arrow')],
      ['expression', 'function_expression', at('export let expression')],
      ['Shape', 'class', at('export abstract class Shape')],
      ['Shape.constructor', 'constructor', at('constructor(readonly name')],
      ['Shape.describe', 'method', at('describe(): string')],
      ['Shape.label', 'getter', at('get label()')],
      ['Shape.label', 'setter', at('set label(')],
      ['Shape.create', 'method', at('static create()')],
      ['Square', 'class', at('export class Square')],
      ['Square.constructor', 'constructor', at('constructor(private readonly side')],
      ['Square.handle', 'field_function', at('handle = ()')],
      ['Square.area', 'method', at('area(): number {')],
      ['api.get', 'object_method', at('get(): string')],
      ['api.list', 'object_method', at('list: () =>')],
      ['api.nested.deep', 'object_method', at('deep(): void')],
      ['overloaded', 'function', at('export function overloaded(value: string | number)')],
      ['twoBlocks', 'function', at('export function twoBlocks')],
      ['twoBlocks.f', 'arrow', at('const f = () => 1')],
      ['twoBlocks.f', 'arrow', at('const f = () => 2')],
    ]);
  });

  it('gives clashing qualified names distinct ids with ~2', async () => {
    const fixture = await linkFixture('ts-forms');
    const ids = fixture.graph.symbols.map((symbol) => symbol.id);
    expect(ids).toEqual(
      expect.arrayContaining(['forms.ts#twoBlocks.f', 'forms.ts#twoBlocks.f~2', 'forms.ts#Shape.label~2']),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spans a symbol from its declaration to its last line, and the module over the whole file', async () => {
    const fixture = await linkFixture('ts-forms');
    const file = fixture.files.find((candidate) => candidate.path === 'forms.ts')!;
    expect(fixture.symbol('forms.ts#<module>')).toMatchObject({
      line: 1,
      column: 1,
      end_line: file.text.trimEnd().split('\n').length,
    });
    expect(fixture.symbol('forms.ts#Shape')).toMatchObject({
      line: fixture.lineOf('forms.ts', 'export abstract class Shape'),
      end_line: fixture.lineOf('forms.ts', 'export class Square') - 2,
      language: 'typescript',
    });
    expect(fixture.symbol('forms.ts#Square.area')).toMatchObject({ column: 3 });
  });

  it('records CommonJS and prototype forms in plain JavaScript', async () => {
    const fixture = await linkFixture('js-forms');
    const at = (snippet: string) => fixture.lineOf('forms.js', snippet);
    expect(rows(fixture.graph.symbols, 'forms.js')).toEqual([
      ['<module>', 'module', 1],
      ['Widget', 'function', at('function Widget')],
      ['Widget.render', 'function_expression', at('Widget.prototype.render')],
      ['make', 'function_expression', at('exports.make')],
      ['destroy', 'function_expression', at('module.exports.destroy')],
      ['registry.add', 'object_method', at('add(widget)')],
      ['registry.remove', 'object_method', at('remove: function')],
      ['Panel', 'class', at('class Panel')],
      ['Panel.onClick', 'field_function', at('onClick = ')],
      ['Panel.close', 'method', at('close() {}')],
      ['setup', 'function', at('function setup')],
      ['setup.app.routes.home', 'object_method', at('home()')],
    ]);
    expect(fixture.symbol('forms.js#Widget')).toMatchObject({ language: 'javascript' });
  });

  it('attributes top-level calls to the module symbol and calls in arrow fields to the field', async () => {
    const fixture = await linkFixture('js-forms');
    const line = fixture.lineOf('forms.js', 'registry.add(new Panel())');
    expect(fixture.edges()).toEqual(
      expect.arrayContaining([
        `forms.js#<module> -> forms.js#registry.add [method] :${line}`,
        `forms.js#Panel.onClick -> forms.js#Panel.close [method] :${fixture.lineOf('forms.js', 'this.close()')}`,
        `forms.js#make -> forms.js#Widget [constructor] :${fixture.lineOf('forms.js', 'new Widget(name)')}`,
      ]),
    );
    // Panel declares no constructor: `new Panel()` runs its field initialisers, part of no function.
    expect(fixture.edges().filter((edge) => edge.includes('#Panel ['))).toEqual([]);
  });
});
