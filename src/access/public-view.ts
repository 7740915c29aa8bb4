import { getDirective } from '@graphql-tools/utils';
import { type DocumentNode, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

const checked = new WeakMap<DocumentNode, string[]>();

/**
 * The fields a document selects that the public door-plate view does not
 * show (`Type.field`, without `@public`), through fragments and every
 * operation. A caller without a token may ask for `@public` fields only: such
 * a document is refused whole, before anything runs, so the anonymous view is
 * never answered with nulls where it asked for more.
 */
export function nonPublicFields(schema: GraphQLSchema, document: DocumentNode): string[] {
  const cached = checked.get(document);
  if (cached !== undefined) return cached;
  const typeInfo = new TypeInfo(schema);
  const outside = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        // Meta fields and the schema's own types: introspection is decided on its own.
        if (node.name.value.startsWith('__') || parent?.name.startsWith('__')) return;
        const field = typeInfo.getFieldDef();
        if (parent == null || field == null || getDirective(schema, field, 'public') === undefined) {
          outside.add(`${parent?.name ?? '?'}.${node.name.value}`);
        }
      },
    }),
  );
  const fields = [...outside];
  checked.set(document, fields);
  return fields;
}
