import { VALUE_OF } from '../access/value-of.js';
import type { EntityKind } from '../connectors/connector.js';
import type { EntityRef } from './parents.js';

/** The GraphQL type whose fields an entity kind's shared values and key belong to; objects have no one type. */
const FIELD_TYPE: Readonly<Record<EntityKind, string | undefined>> = { PERSON: 'Person', ORGANIZATION: 'Organization', EVENT: 'Event', OBJECT: undefined };

/** The field holding each entity kind's natural key. */
const KEY_FIELD: Readonly<Record<EntityKind, string>> = { PERSON: 'idNumber', ORGANIZATION: 'creditCode', EVENT: 'key', OBJECT: 'key' };

/** `Person.name`, or a coordinate no rule has (withheld) where the kind has no one type. */
function coordinateOf(kind: EntityKind, field: string): string {
  return `${FIELD_TYPE[kind] ?? 'RegisteredObject'}.${field}`;
}

/** One source's value of an entity's shared field (a `SourceValue`): shown as that field of the entity is. */
export function sourceValue(entity: EntityRef, field: string, source: string, value: string) {
  return { source, value, [VALUE_OF]: { coordinate: coordinateOf(entity.kind, field), owner: source, entity } };
}

/** An entity named by its key in a report (a quality example): the key is shown as the entity's key field is. */
export function keyedExample<T extends object>(entity: EntityRef, example: T) {
  return { ...example, key: entity.key, [VALUE_OF]: { coordinate: coordinateOf(entity.kind, KEY_FIELD[entity.kind]), entity } };
}
