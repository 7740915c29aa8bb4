import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError } from '../errors/gridgraph-error.js';
import { addressInScope } from '../registry/area.js';
import type { AccessRequest } from './access-request.js';
import { type FieldRule, readFieldRules, readFilterArguments } from './classification.js';
import { assertDeniableFieldsNullable } from './deniable-fields.js';
import { applyMask } from './masks.js';
import { decide, maskOf } from './policy.js';
import type { Subject, SubjectOf } from './subject.js';

/** What enforceAccess is given besides the schema: the departments that exist, and how the graph locates its values. */
export interface AccessModel {
  /** The connectors' names: the departments a field's `@classified(department:)` may name. */
  readonly departments: readonly string[];
  /** Where each value lies, what it describes, who owns it (see `Subject`). */
  readonly subjectOf: SubjectOf;
  /** The types whose values `subjectOf` locates: every `@inArea` type must be one. */
  readonly locatedTypes: ReadonlySet<string>;
}

/**
 * The one place access is decided (docs/design.md §5). Every field's
 * resolver is wrapped: its classification and the caller's roles, department
 * and purpose decide full, masked or denied (FORBIDDEN at its path); a value
 * outside the caller's area reads as missing; a masked field cannot filter;
 * every unmasked L3/L4 value is noted for the audit. Aliases, fragments,
 * interfaces, `node(id)` and nested paths all end in these resolvers, so there
 * is no way around them.
 *
 * Rows: a value lies in the caller's area when its subject's entity or address
 * does. The types declared `@inArea` (and the objects implementing such an
 * interface) must be located: a value of one the graph cannot locate is not
 * shown. A value of any other type that the graph locates (a `node(id:)`) is
 * checked all the same. Lists lose their items outside the area; a single
 * value reads as null.
 */
export function enforceAccess(schema: GraphQLSchema, model: AccessModel): GraphQLSchema {
  const { departments, subjectOf, locatedTypes } = model;
  const rules = readFieldRules(schema);
  const unknown = [...rules.values()].filter((rule) => rule.department !== undefined && !departments.includes(rule.department));
  if (unknown.length > 0) {
    throw new Error(`@classified names a department no connector is: ${unknown.map((r) => `${r.coordinate} (${r.department})`).join(', ')}`);
  }
  const filters = readFilterArguments(schema);
  assertDeniableFieldsNullable(schema, rules, filters, departments);
  const scopedTypes = readScopedTypes(schema);
  const unlocated = [...scopedTypes].filter((type) => !locatedTypes.has(type));
  if (unlocated.length > 0) throw new Error(`@inArea types the graph cannot locate (no subject): ${unlocated.join(', ')}`);
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
      const returnType = getNamedType(config.type).name;
      const scoped = scopedTypes.has(returnType);
      const located = scoped || locatedTypes.has(returnType);
      const inArea = areaCheck(returnType, scoped, subjectOf);

      const enforced: GraphQLFieldResolver<unknown, AccessRequest> = (parent, args, context, info) => {
        const { viewer } = context.access;
        for (const [argument, targetRule] of filterRules) {
          if (args[argument] !== undefined && args[argument] !== null && decide(viewer, targetRule, undefined) !== 'FULL') {
            throw forbidden(`${coordinate}(${argument}:) filters on ${targetRule.coordinate}, which your roles see masked or not at all`, targetRule);
          }
        }
        // The parent's subject only where the rule needs it (a value of another field, no department of its own, an audit): most facet fields name their department.
        const effective = rule.valueOf ? ruleOfValue(subjectOf(typeName, parent), rules) : rule;
        if (effective === undefined) throw forbidden(`${coordinate} holds a value of no classified field and is not shown`, rule);
        const owner = effective.department ?? subjectOf(typeName, parent)?.owner;
        const sensitive = (effective.level === 'L3' || effective.level === 'L4') && !effective.aggregate;
        const decision = decide(viewer, effective, owner);
        if (decision === 'DENIED') {
          const which = effective === rule ? coordinate : `${coordinate} (a value of ${effective.coordinate})`;
          throw forbidden(`${which} is ${effective.level}${owner ? ` (${owner})` : ''} and not shown to your roles${sensitive && viewer.purpose === undefined ? ' without X-Access-Purpose' : ''}`, effective);
        }
        const value = resolve(parent, args, context, info);
        const audited = sensitive && decision === 'FULL';
        if (!located && decision !== 'MASKED' && !audited) return value;
        const finish = (shown: unknown) => {
          if (decision === 'MASKED') return applyMask(maskOf(viewer, effective)!, shown, context);
          if (audited && shown !== null && shown !== undefined && !(Array.isArray(shown) && shown.length === 0)) {
            const about = subjectOf(typeName, parent);
            const entity = about?.entity ?? (about?.address ? { kind: 'ADDRESS', key: about.address.code } : undefined);
            context.access.audit.record(info.operation, entity?.kind ?? typeName, entity?.key ?? null, effective.coordinate);
          }
          return shown;
        };
        if (located) {
          const kept = keepInArea(value, list, itemsNullable, inArea, context);
          return isPromiseLike(kept) ? kept.then(finish) : finish(kept);
        }
        // Most values are already at hand (a facet's field): masked and noted
        // here and now — a promise per field costs every dossier allocation and a turn.
        return isPromiseLike(value) ? value.then(finish) : finish(value);
      };
      return { ...config, resolve: enforced };
    },
  });
}

/** The types declared `@inArea`, and every object type implementing such an interface. */
function readScopedTypes(schema: GraphQLSchema): Set<string> {
  const scoped = new Set<string>();
  const declared = (type: Parameters<typeof getDirective>[1]) => (getDirective(schema, type, 'inArea')?.length ?? 0) > 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if ((isObjectType(type) || isInterfaceType(type)) && declared(type)) scoped.add(type.name);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.getInterfaces().some((i) => scoped.has(i.name))) scoped.add(type.name);
  }
  return scoped;
}

/**
 * Whether one value of a field's type lies in the caller's area: by its
 * subject's entity or address; a value the graph does not locate passes unless
 * its type is declared `@inArea` (then it fails: fail closed).
 */
type AreaCheck = (value: unknown, context: AccessRequest) => boolean | Promise<boolean>;

function areaCheck(typeName: string, scoped: boolean, subjectOf: SubjectOf): AreaCheck {
  return (value, context) => {
    const subject = subjectOf(typeName, value);
    if (subject === undefined || (subject.entity === undefined && subject.address === undefined)) return !scoped;
    return subjectInArea(subject, context);
  };
}

function subjectInArea(subject: Subject, { access }: AccessRequest): boolean | Promise<boolean> {
  if (subject.inArea !== undefined) return subject.inArea;
  if (access.viewer.scope.everywhere) return true;
  if (subject.entity !== undefined) return access.entityInScope(subject.entity.kind, subject.entity.key);
  return addressInScope(access.viewer.scope, subject.address!);
}

/** A single value outside the caller's area reads as null; a list loses such items (or shows null where its items may be null). */
function keepInArea(value: unknown, list: boolean, itemsNullable: boolean, inArea: AreaCheck, context: AccessRequest): unknown {
  if (isPromiseLike(value)) return value.then((resolved) => keepInArea(resolved, list, itemsNullable, inArea, context));
  if (value === null || value === undefined) return value;
  if (!list) {
    const verdict = inArea(value, context);
    return isPromiseLike(verdict) ? verdict.then((ok) => (ok ? value : null)) : verdict ? value : null;
  }
  const items = value as unknown[];
  // A list of pending items (a subgraph's `_entities`) is judged on what each item becomes, never on the promise: a
  // promise has no subject, and an unlocated value would pass. An item that failed stays its error, for its own path.
  if (items.some(isPromiseLike)) {
    return Promise.allSettled(items).then((settled) =>
      keepInArea(settled.map((s) => (s.status === 'fulfilled' ? s.value : s.reason)), list, itemsNullable, inArea, context));
  }
  const verdicts = items.map((item) => item === null || inArea(item, context));
  const keep = (found: readonly boolean[]) => (itemsNullable ? items.map((item, i) => (found[i] ? item : null)) : items.filter((_, i) => found[i]));
  return verdicts.some(isPromiseLike) ? Promise.all(verdicts).then(keep) : keep(verdicts as boolean[]);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function forbidden(message: string, rule: FieldRule): GridgraphError {
  return new GridgraphError(ErrorCode.FORBIDDEN, message, { field: rule.coordinate, classification: rule.level });
}

/**
 * The rule of the field a `@valueOfField` field's value belongs to, as its
 * parent's subject names it; undefined (shown to no one) when it names none
 * this schema classifies.
 */
function ruleOfValue(subject: Subject | undefined, rules: ReadonlyMap<string, FieldRule>): FieldRule | undefined {
  const rule = subject?.valueOfField === undefined ? undefined : rules.get(subject.valueOfField);
  return rule === undefined || rule.valueOf ? undefined : rule;
}
