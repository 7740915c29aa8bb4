import { ENTITY_TYPE_NAMES, type EntityKind } from '../connectors/connector.js';
import { CARRIED_SUBJECT, type EntityRef } from './parents.js';


/** The field holding each entity kind's natural key. */
const KEY_FIELD: Readonly<Record<EntityKind, string>> = { PERSON: 'idNumber', ORGANIZATION: 'creditCode', EVENT: 'key', OBJECT: 'key' };

/** `Person.name`; objects have no one type, so theirs is a coordinate no rule has (withheld). */
function coordinateOf(kind: EntityKind, field: string): string {
  return `${kind === 'OBJECT' ? 'RegisteredObject' : ENTITY_TYPE_NAMES[kind]}.${field}`;
}

/** One source's value of an entity's shared field (a `SourceValue`): shown as that field of the entity is. */
export function sourceValue(entity: EntityRef, field: string, source: string, value: string) {
  return { source, value, [CARRIED_SUBJECT]: { valueOfField: coordinateOf(entity.kind, field), owner: source, entity } };
}

/** An entity named by its key in a report (a quality example): the key is shown as the entity's key field is. */
export function keyedExample<T extends object>(entity: EntityRef, example: T) {
  return { ...example, key: entity.key, [CARRIED_SUBJECT]: { valueOfField: coordinateOf(entity.kind, KEY_FIELD[entity.kind]), entity } };
}
