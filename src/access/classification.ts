import { getDirective } from '@graphql-tools/utils';
import { type GraphQLSchema, isIntrospectionType, isObjectType } from 'graphql';

import type { Classification, Domain, Mask } from './generated/classification-enums.js';

/** The SDL's enums (schema/classification.graphql), as generated. */
export type Level = Classification;
export type MaskKind = Mask;
export type { Domain };

/** A field's classification as its SDL declares it (DESIGN §5). */
export interface FieldRule {
  /** `Type.field` */
  readonly coordinate: string;
  readonly level: Level;
  /** The connector owning the value; undefined on Event and object fields, whose owner is the entity's source. */
  readonly department?: string;
  readonly mask?: MaskKind;
  readonly identity: boolean;
  /** A count over restricted records: district command's "counts only". */
  readonly aggregate: boolean;
  readonly domain: Domain;
  /** Shown to the anonymous door-plate view (with this mask, if any). */
  readonly public?: { readonly mask?: MaskKind };
  /**
   * `@valueOfField`: the field holds a value of another field, which the object it is
   * read from names at run time (`VALUE_OF`); that field's rule decides it.
   */
  readonly valueOf: boolean;
}

interface ClassifiedArgs {
  level: Level;
  department?: string;
  mask?: MaskKind;
  identity?: boolean;
  aggregate?: boolean;
  domain?: Domain;
}

/**
 * Each field's rule: its own `@classified`, else its type's. A field with
 * neither is an error when the schema is built, so nothing is served
 * unclassified.
 */
export function readFieldRules(schema: GraphQLSchema): Map<string, FieldRule> {
  const rules = new Map<string, FieldRule>();
  const unclassified: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    const typeLevel = getDirective(schema, type, 'classified')?.[0] as ClassifiedArgs | undefined;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const own = getDirective(schema, field, 'classified')?.[0] as ClassifiedArgs | undefined;
      const args = own ?? typeLevel;
      if (args === undefined) {
        unclassified.push(coordinate);
        continue;
      }
      const publicArgs = getDirective(schema, field, 'public')?.[0] as { mask?: MaskKind } | undefined;
      rules.set(coordinate, {
        coordinate,
        level: args.level,
        department: own?.department ?? typeLevel?.department,
        mask: args.mask,
        identity: args.identity ?? false,
        aggregate: args.aggregate ?? false,
        domain: args.domain ?? 'DATA',
        public: publicArgs,
        valueOf: getDirective(schema, field, 'valueOfField') !== undefined,
      });
    }
  }
  if (unclassified.length > 0) throw new Error(`fields without @classified (on the field or its type): ${unclassified.join(', ')}`);
  return rules;
}

/** The arguments that filter on a field (`@filters(field:)`): field coordinate → argument name → filtered field's coordinate. */
export function readFilterArguments(schema: GraphQLSchema): Map<string, Map<string, string>> {
  const filters = new Map<string, Map<string, string>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        const filtersOn = getDirective(schema, arg, 'filters')?.[0] as { field: string } | undefined;
        if (filtersOn === undefined) continue;
        const coordinate = `${type.name}.${field.name}`;
        if (!filters.has(coordinate)) filters.set(coordinate, new Map());
        filters.get(coordinate)!.set(arg.name, filtersOn.field);
      }
    }
  }
  return filters;
}
