import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import type { Connector, EntityKind } from '../connectors/connector.js';
import { CONFLICT_FIELDS } from '../connectors/shared-fields.js';
import type { EntityRecord } from '../crosswalk/entity-queries.js';
import type { CrosswalkRow } from '../db/hub-schema.js';
import type { Facet } from '../sources/facet-reader.js';
import type { GraphContext } from './context.js';
import type { EntityRef, RoleOf } from './parents.js';
import { sourceValue } from './source-value.js';

/**
 * How an entity's fields are read: its live records from the crosswalk, its
 * facets live from the sources, shared values in precedence order, links.
 * Everything here reads through the request's loaders.
 */

/** The source owning an entity's fields that name no department: an event's or object's source (their records are one source's). */
function ownerOf(kind: EntityKind, records: readonly Pick<CrosswalkRow, 'source'>[]): string | undefined {
  return kind === 'EVENT' || kind === 'OBJECT' ? records[0]?.source : undefined;
}

/** An entity as the graph passes it on, from its live records; `inArea` when the statement that found it decided the row rule. */
export function entityRef(kind: EntityKind, key: string, records: readonly Pick<CrosswalkRow, 'source'>[], inArea?: boolean): EntityRef {
  return { kind, key, owner: ownerOf(kind, records), inArea };
}

/**
 * An entity's live records, in precedence order (the order the connectors are
 * installed in): at once when this request already has them, which on a
 * dossier is most of the time — no promise for each of an entity's fields.
 */
export function recordsOf(entity: Pick<EntityRef, 'kind' | 'key'>, { loaders }: GraphContext): readonly EntityRecord[] | Promise<readonly EntityRecord[]> {
  return loaders.recordsKnown(entity.kind, entity.key) ?? loaders.records(entity.kind).load(entity.key);
}

/** Looks an entity up by key: null when no live record knows it. */
export async function existing(kind: EntityKind, key: string, context: GraphContext): Promise<EntityRef | null> {
  const records = await recordsOf({ kind, key }, context);
  return records.length > 0 ? entityRef(kind, key, records, records[0].in_area) : null;
}

/**
 * The facets of an entity's records that map any of `fields`, in precedence
 * order, read live: one statement per source table per batch, and no table
 * that cannot give one of the fields.
 */
export async function facetsOf(entity: EntityRef, fields: readonly string[], context: GraphContext): Promise<Facet[]> {
  const { facets, unavailable } = await settledFacetsOf(entity, fields, context);
  if (unavailable !== undefined) throw unavailable;
  return facets;
}

/** The same, keeping what the sources that answered gave, the first failure, and the records whose source failed. */
async function settledFacetsOf(entity: EntityRef, fields: readonly string[], context: GraphContext) {
  const records = context.loaders.recordsKnown(entity.kind, entity.key) ?? (await context.loaders.records(entity.kind).load(entity.key));
  // Only the records whose table gives one of the fields are read; a promise each, nothing more (this runs for every shared field of every entity).
  const read: EntityRecord[] = [];
  const reads: Promise<Facet | null>[] = [];
  for (const record of records) {
    const source = context.sources.get(record.source);
    if (source === undefined && context.sharedValuesFromSync) {
      read.push(record);
      reads.push(Promise.resolve(syncedFacet(record, fields)));
      continue;
    }
    const mapping = source?.connector.tables.find((t) => t.table === record.source_table);
    if (source === undefined || mapping === undefined || !fields.some((field) => field in mapping.facet.fields)) continue;
    read.push(record);
    reads.push(context.loaders.facets(source, mapping).load(record.record_id));
  }
  const settled = reads.length === 0 ? [] : await Promise.allSettled(reads);
  const facets = settled.flatMap((result) => (result.status === 'fulfilled' && result.value !== null ? [result.value] : []));
  const unavailable = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason as unknown;
  const unavailableRecords = read.filter((_, i) => settled[i].status === 'rejected');
  return { facets, unavailable, unavailableRecords };
}

/** The shared fields a record's last sync copied, as the facet it would read live: only `fields`, null when it copied none. */
function syncedFacet(record: EntityRecord, fields: readonly string[]): Facet | null {
  const copied = fields.filter((field) => record.shared?.[field] !== undefined);
  return copied.length === 0 ? null : Object.fromEntries(copied.map((field) => [field, record.shared![field]]));
}

/**
 * A shared field: the first value a source gives, in precedence order. A source
 * that is down is skipped for the next one. When no source that answered has a
 * value but one that is down had one at the last sync, that synced copy stands
 * in (docs/design.md §8: partial data as full as it can honestly be), and
 * the answer says so: `extensions.syncedValues` names the field's path, the
 * source and when it was synced. Only when there is no copy either does the
 * unavailability show.
 */
export async function sharedValue(entity: EntityRef, field: string, context: GraphContext, info: GraphQLResolveInfo): Promise<string | null> {
  const { facets, unavailable, unavailableRecords } = await settledFacetsOf(entity, [field], context);
  for (const facet of facets) if (facet[field]) return facet[field];
  if (unavailable === undefined) return null;
  // The synced copy names its source: only a record the caller may know of stands in.
  const synced = unavailableRecords.find((record) => record.shared?.[field] && context.access.mayKnowRecord(record));
  if (synced === undefined) throw unavailable;
  context.syncedValues.push({ path: responsePathAsArray(info.path), source: synced.source, syncedAt: synced.synced_at.toISOString() });
  return synced.shared![field];
}

/** Where it is: the first record, in precedence order, whose address resolved. */
export async function addressOf(entity: EntityRef, context: GraphContext) {
  const record = (await recordsOf(entity, context)).find((r) => r.address_code !== null && (r.address_status === 'MATCHED' || r.address_status === 'PARTIAL'));
  return record === undefined ? null : context.loaders.addressByCode.load(record.address_code!);
}

/** The records behind an entity that the caller may know exist, in precedence order. */
export async function knownRecordsOf(entity: EntityRef, context: GraphContext): Promise<CrosswalkRow[]> {
  return (await recordsOf(entity, context)).filter((record) => context.access.mayKnowRecord(record));
}

/**
 * Sources disagreeing on a shared field, from the values the last sync copied
 * into the crosswalk, among the records the caller may know of. Each value is
 * shown as the entity's field it is a value of (`Person.name`), owned by its
 * source.
 */
export async function conflictsOf(entity: EntityRef, context: GraphContext) {
  const records = await knownRecordsOf(entity, context);
  return CONFLICT_FIELDS[entity.kind].flatMap((field) => {
    const values = records.flatMap((r) => (r.shared?.[field] ? [sourceValue(entity, field, r.source, r.shared[field])] : []));
    return new Set(values.map((v) => v.value)).size > 1 ? [{ field, values }] : [];
  });
}

/**
 * Entities linked to this one, with their role: `side` says which end of the
 * link this entity is. An entity at the link's far end is owned, where it is
 * an event or object, by the source stating the link (the one recording it).
 * Whether each lies in the caller's area is access's to decide, as for every
 * value of a located type.
 */
export async function linked(entity: EntityRef, side: 'from' | 'to', otherKind: EntityKind, context: GraphContext): Promise<RoleOf[]> {
  const links = await context.loaders.links(side, entity.kind).load(entity.key);
  return links
    .filter((link) => (side === 'from' ? link.to_kind : link.from_kind) === otherKind)
    .map((link) => ({ role: link.role, entity: entityRef(otherKind, side === 'from' ? link.to_key : link.from_key, [link]), source: link.source }));
}

/**
 * An object's GraphQL type: its first record's table mapping names it. At
 * once when the request knows its records — always for the objects of a
 * list, whose page brought them — since an abstract type's resolver that
 * answers at once is what a compiled execution (graphql-jit) can use.
 */
export function objectTypeOf(object: EntityRef, context: GraphContext): string | null | Promise<string | null> {
  const typeOf = ([record]: readonly EntityRecord[]) => {
    const connector = context.connectors.find((c) => c.name === record?.source);
    return connector?.tables.find((t) => t.table === record.source_table)?.objectType ?? null;
  };
  const records = recordsOf(object, context);
  return 'then' in records ? records.then(typeOf) : typeOf(records);
}
