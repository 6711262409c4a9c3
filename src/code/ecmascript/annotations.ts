// JS/TS type annotations: turns a TypeScript type node into the instance shape the link-time evaluator reads.
import type { Node, TSEntityName, TSType } from '@babel/types';
import type { Shape } from './facts.js';

/** What reading a type needs from the extractor: name references and type-literal objects. */
export interface TypeContext {
  reference(name: string): Shape;
  /** Records a type literal's members as an object whose property values are instance shapes. */
  typeLiteral(props: Array<{ n: string; v: Shape }>): Shape;
  /** The instance type of the enclosing class, for `this` types. */
  thisType(): Shape;
}

const opaque: Shape = { k: 'x' };

export function entityShape(name: TSEntityName, ctx: TypeContext): Shape {
  if (name.type === 'Identifier') return ctx.reference(name.name);
  if (name.type === 'ThisExpression') return ctx.thisType();
  return { k: 'm', o: entityShape(name.left, ctx), n: name.right.name };
}

/** A class's `implements` or an interface's `extends` entry: a name or a dotted name. */
export function heritageShape(node: Node, ctx: TypeContext): Shape {
  if (node.type === 'Identifier') return ctx.reference(node.name);
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier')
    return { k: 'm', o: heritageShape(node.object, ctx), n: node.property.name };
  if (node.type === 'TSQualifiedName' || node.type === 'ThisExpression') return entityShape(node, ctx);
  return opaque;
}

/** The annotation inside a `TSTypeAnnotation` wrapper (or nothing). */
export function annotationShape(node: Node | null | undefined, ctx: TypeContext): Shape | undefined {
  if (!node) return undefined;
  if (node.type === 'TSTypeAnnotation') return typeShape(node.typeAnnotation, ctx);
  return undefined;
}

/** An instance shape for a type: `Foo` → instance of Foo, `Foo | null` → Foo, `Promise<Foo>` keeps its argument. */
export function typeShape(type: TSType, ctx: TypeContext): Shape {
  switch (type.type) {
    case 'TSTypeReference': {
      const args = type.typeArguments?.params.map((param) => typeShape(param, ctx));
      const shape: Shape = { k: 't', o: entityShape(type.typeName, ctx) };
      if (args && args.length > 0) shape.a = args;
      return shape;
    }
    case 'TSArrayType':
      return { k: 'arr', of: [typeShape(type.elementType, ctx)] };
    case 'TSUnionType':
    case 'TSIntersectionType': {
      const members = type.types
        .filter((member) => !isNullish(member))
        .map((member) => typeShape(member, ctx));
      if (members.length === 1) return members[0]!;
      return { k: 'u', of: members };
    }
    case 'TSParenthesizedType':
    case 'TSOptionalType':
      return typeShape(type.typeAnnotation, ctx);
    case 'TSTypeOperator':
      // `readonly Foo[]` reads like `Foo[]`; `keyof T` and `unique symbol` name no object.
      return type.operator === 'readonly' ? typeShape(type.typeAnnotation, ctx) : opaque;
    case 'TSAnyKeyword':
      return { k: 'any' };
    case 'TSThisType':
      return ctx.thisType();
    case 'TSTypeQuery':
      // `typeof foo` is the value itself, not an instance of it.
      return type.exprName.type === 'TSImportType' ? opaque : entityShape(type.exprName, ctx);
    case 'TSImportType': {
      const module: Shape = { k: 'req', p: type.source.value };
      if (!type.qualifier) return module;
      return { k: 't', o: qualifiedOn(module, type.qualifier) };
    }
    case 'TSTypeLiteral': {
      const props: Array<{ n: string; v: Shape }> = [];
      for (const member of type.members) {
        if (member.type !== 'TSPropertySignature' || member.computed) continue;
        const name = keyName(member.key);
        if (name === undefined) continue;
        props.push({ n: name, v: annotationShape(member.typeAnnotation, ctx) ?? opaque });
      }
      return ctx.typeLiteral(props);
    }
    case 'TSIndexedAccessType':
    case 'TSConditionalType':
    case 'TSMappedType':
    case 'TSInferType':
      // Computed types need the checker.
      return { k: 'q' };
    default:
      return opaque;
  }
}

function qualifiedOn(base: Shape, name: TSEntityName): Shape {
  if (name.type === 'Identifier') return { k: 'm', o: base, n: name.name };
  if (name.type === 'ThisExpression') return base;
  return { k: 'm', o: qualifiedOn(base, name.left), n: name.right.name };
}

function isNullish(type: TSType): boolean {
  return type.type === 'TSNullKeyword' || type.type === 'TSUndefinedKeyword' || type.type === 'TSVoidKeyword';
}

/** The static name of a property key, if it has one. */
export function keyName(key: Node): string | undefined {
  switch (key.type) {
    case 'Identifier':
      return key.name;
    case 'StringLiteral':
      return key.value;
    case 'NumericLiteral':
      return String(key.value);
    case 'PrivateName':
      return `#${key.id.name}`;
    default:
      return undefined;
  }
}
