import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type { StandardAddressRow } from '../db/hub-schema.js';
import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError } from '../errors/gridgraph-error.js';
import type { GraphContext } from '../graph/context.js';
import type { EntityRef } from '../graph/parents.js';
import { type FieldRule, readFieldRules, readFilterArguments } from './classification.js';
import { applyMask } from './masks.js';
import { decide, maskOf } from './policy.js';
import { addressInScope } from './row-scope.js';
import { VALUE_OF, type ValueOf } from './value-of.js';
import { assertDeniableFieldsNullable } from './deniable-fields.js';

/** Set on a value read from a source record (a facet, a conflict's value): the entity it describes, for the audit. */
export const ENTITY = Symbol('entity');

/** The row-scoped types: the places where people live and everything found there. Regions and grids are public geography. */
const SCOPED_TYPES = ['StandardAddress', 'DoorPlate', 'Person', 'Organization', 'Event', 'RegisteredObject', 'Node'];

/**
 * The one place access is decided (docs/design.md §5). Every field's resolver is
 * wrapped: its classification and the caller's roles, department and purpose
 * decide full, masked or denied (FORBIDDEN at its path); a record outside the
 * caller's area reads as missing; a masked field cannot filter; every unmasked
 * L3/L4 value is noted for the audit. Aliases, fragments, interfaces, `node(id)`
 * and nested paths all end in these resolvers, so there is no way around them.
 */
export function enforceAccess(schema: GraphQLSchema, departments: readonly string[]): GraphQLSchema {
  const rules = readFieldRules(schema);
  const unknown = [...rules.values()].filter((rule) => rule.department !== undefined && !departments.includes(rule.department));
  if (unknown.length > 0) {
    throw new Error(`@classified names a department no connector is: ${unknown.map((r) => `${r.coordinate} (${r.department})`).join(', ')}`);
  }
  const filters = readFilterArguments(schema);
  assertDeniableFieldsNullable(schema, rules, filters, departments);
  const scopedTypes = new Set(SCOPED_TYPES);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.getInterfaces().some((i) => i.name === 'RegisteredObject')) scopedTypes.add(type.name);
  }
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const coordinate = `${typeName}.${fieldName}`;
      const rule = rules.get(coordinate);
      if (rule === undefined) return config;
      const filterRules = [...(filters.get(coordinate) ?? [])].map(([argument, target]) => {
        const targetRule = rules.get(target);
        if (targetRule === undefined) throw new Error(`${coordinate}(${argument}:) @filters names ${target}, which is not a classified field`);
        return [argument, targetRule] as const;
      });
      const resolve = config.resolve ?? defaultFieldResolver;
      const nullable = getNullableType(config.type);
      const list = isListType(nullable);
      const itemsNullable = list && !isNonNullType(nullable.ofType);
      // Connections are scoped in SQL (their counts must agree); their edges and nodes need no second look.
      const insideConnection = typeName.endsWith('Connection') || typeName.endsWith('Edge');
      const scoped = scopedTypes.has(getNamedType(config.type).name) && !insideConnection;

      const enforced: GraphQLFieldResolver<unknown, GraphContext> = (parent, args, context, info) => {
        const { viewer } = context.access;
        for (const [argument, targetRule] of filterRules) {
          if (args[argument] !== undefined && args[argument] !== null && decide(viewer, targetRule, undefined) !== 'FULL') {
            throw forbidden(`${coordinate}(${argument}:) filters on ${targetRule.coordinate}, which your roles see masked or not at all`, targetRule);
          }
        }
        const applied: AppliedRule | undefined = rule.valueOf ? ruleOfValue(parent, rules) : { rule, owner: rule.department ?? ownerOf(parent) };
        if (applied === undefined) throw forbidden(`${coordinate} holds a value of no classified field and is not shown`, rule);
        const { rule: effective, owner } = applied;
        const sensitive = (effective.level === 'L3' || effective.level === 'L4') && !effective.aggregate;
        const decision = decide(viewer, effective, owner);
        if (decision === 'DENIED') {
          const which = effective === rule ? coordinate : `${coordinate} (a value of ${effective.coordinate})`;
          throw forbidden(`${which} is ${effective.level}${owner ? ` (${owner})` : ''} and not shown to your roles${sensitive && viewer.purpose === undefined ? ' without X-Access-Purpose' : ''}`, effective);
        }
        const value = resolve(parent, args, context, info);
        const audited = sensitive && decision === 'FULL';
        if (!scoped && decision !== 'MASKED' && !audited) return value;
        const finish = (shown: unknown) => {
          if (decision === 'MASKED') return applyMask(maskOf(viewer, effective)!, shown, context);
          if (audited && shown !== null && shown !== undefined && !(Array.isArray(shown) && shown.length === 0)) {
            const entity = applied.entity ?? entityOf(parent, info);
            context.access.audit.record(info.operation, entity.type, entity.key, effective.coordinate);
          }
          return shown;
        };
        if (scoped) return Promise.resolve(value).then((shown) => keepInScope(shown, list, itemsNullable, context)).then(finish);
        // Most values are already at hand (a facet's field): masked and noted
        // here and now — a promise per field costs every dossier allocation and a turn.
        return isPromiseLike(value) ? value.then(finish) : finish(value);
      };
      return { ...config, resolve: enforced };
    },
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function forbidden(message: string, rule: FieldRule): GridgraphError {
  return new GridgraphError(ErrorCode.FORBIDDEN, message, { field: rule.coordinate, classification: rule.level });
}

/** A single value outside the caller's area reads as null; a list loses such items (or shows null where its items may be). */
async function keepInScope(value: unknown, list: boolean, itemsNullable: boolean, context: GraphContext): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (!list) return (await inScope(value, context)) ? value : null;
  const items = value as unknown[];
  const verdicts = await Promise.all(items.map((item) => item === null || inScope(item, context)));
  return itemsNullable ? items.map((item, i) => (verdicts[i] ? item : null)) : items.filter((_, i) => verdicts[i]);
}

function inScope(value: unknown, context: GraphContext): boolean | Promise<boolean> {
  if (isEntityRef(value)) return context.access.entityInScope(value.kind, value.key);
  if (isAddressRow(value)) return addressInScope(context.access.viewer.scope, value);
  const plate = value as { address?: unknown };
  if (isAddressRow(plate.address)) return addressInScope(context.access.viewer.scope, plate.address);
  return true;
}

const ENTITY_KINDS = new Set(['PERSON', 'ORGANIZATION', 'EVENT', 'OBJECT']);

function isEntityRef(value: unknown): value is EntityRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Partial<EntityRef>;
  return typeof ref.key === 'string' && typeof ref.kind === 'string' && ENTITY_KINDS.has(ref.kind);
}

function isAddressRow(value: unknown): value is StandardAddressRow {
  return typeof value === 'object' && value !== null && typeof (value as StandardAddressRow).division_code === 'string';
}

/**
 * The department owning a value whose field declares none: the source an
 * event or object comes from (its key is `<source>:<id>`), or the source that
 * stated a link (an event's party).
 */
function ownerOf(parent: unknown): string | undefined {
  if (isEntityRef(parent)) return parent.kind === 'EVENT' || parent.kind === 'OBJECT' ? parent.key.slice(0, parent.key.indexOf(':')) : undefined;
  const source = (parent as { source?: unknown } | null)?.source;
  return typeof source === 'string' ? source : undefined;
}

/** The rule that decides a field's value, the department owning it, and (for a `@valueOfField`) the entity it describes. */
interface AppliedRule {
  readonly rule: FieldRule;
  readonly owner: string | undefined;
  readonly entity?: { readonly type: string; readonly key: string | null };
}

/**
 * The rule of the field a `@valueOfField` field's value belongs to, as its parent
 * names it; undefined (shown to no one) when the parent names none this schema
 * classifies.
 */
function ruleOfValue(parent: unknown, rules: ReadonlyMap<string, FieldRule>): AppliedRule | undefined {
  const tag = (parent as Record<symbol, ValueOf | undefined> | null)?.[VALUE_OF];
  const rule = tag === undefined ? undefined : rules.get(tag.coordinate);
  if (tag === undefined || rule === undefined || rule.valueOf) return undefined;
  return { rule, owner: rule.department ?? tag.owner, entity: { type: tag.entity.kind, key: tag.entity.key } };
}

/** The entity a value belongs to, as the audit names it. */
function entityOf(parent: unknown, info: GraphQLResolveInfo): { type: string; key: string | null } {
  if (typeof parent !== 'object' || parent === null) return { type: info.parentType.name, key: null };
  const tagged = (parent as Record<symbol, EntityRef | undefined>)[ENTITY];
  if (tagged !== undefined) return { type: tagged.kind, key: tagged.key };
  if (isEntityRef(parent)) return { type: parent.kind, key: parent.key };
  const linked = (parent as { entity?: unknown }).entity;
  if (isEntityRef(linked)) return { type: linked.kind, key: linked.key };
  if (isAddressRow(parent)) return { type: 'ADDRESS', key: parent.code };
  return { type: info.parentType.name, key: null };
}
