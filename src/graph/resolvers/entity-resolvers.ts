import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { type Connector, ENTITY_TYPE_NAMES, type EntityKind } from '../../connectors/connector.js';
import { CONFLICT_FIELDS, EVENT_STAGES } from '../../connectors/shared-fields.js';
import type { CrosswalkRow, RegionRow } from '../../db/hub-schema.js';
import { divisionPrefix } from '../../registry/division.js';
import { checkIdNumber } from '../../identity/id-number.js';
import type { Facet } from '../../sources/facet-reader.js';
import { countEntityKeys, countEntityKeysAt, countListedIn, type EntityFilter, pageEntities, type EntityWithRecords } from '../../sync/crosswalk-repository.js';
import { type PageArgs, paginate } from '../connection.js';
import type { GraphContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import type { EntityRef, RoleOf } from '../parents.js';
import { CreditCodeScalar, IdNumberScalar } from '../scalars.js';
import { ENTITY } from '../../access/enforce.js';
import { sourceValue } from '../source-value.js';


const ref = (kind: EntityKind, key: string): EntityRef => ({ kind, key });

/** An entity's live records, in precedence order: the order the connectors are installed in. */
async function recordsOf(entity: EntityRef, { loaders, connectors }: GraphContext): Promise<CrosswalkRow[]> {
  const records = await loaders.records(entity.kind).load(entity.key);
  return [...records].sort((a, b) => precedence(connectors, a) - precedence(connectors, b));
}

function precedence(connectors: readonly Connector[], record: CrosswalkRow): number {
  return connectors.findIndex((c) => c.name === record.source);
}

/**
 * The facets of an entity's records that map any of `fields`, in precedence
 * order, read live: one statement per source table per batch, and no table
 * that cannot give one of the fields.
 */
async function facetsOf(entity: EntityRef, fields: readonly string[], context: GraphContext): Promise<Facet[]> {
  const { facets, unavailable } = await settledFacetsOf(entity, fields, context);
  if (unavailable !== undefined) throw unavailable;
  return facets;
}

/** The same, keeping what the sources that answered gave, the first failure, and the records whose source failed. */
async function settledFacetsOf(entity: EntityRef, fields: readonly string[], context: GraphContext) {
  const records = await recordsOf(entity, context);
  const settled = await Promise.allSettled(
    records.map(async (record) => {
      const source = context.sources.get(record.source);
      const mapping = source?.connector.tables.find((t) => t.table === record.source_table);
      if (source === undefined || mapping === undefined || !fields.some((field) => field in mapping.facet.fields)) return null;
      return context.loaders.facets(source, mapping).load(record.record_id);
    }),
  );
  const facets = settled.flatMap((result) => (result.status === 'fulfilled' && result.value !== null ? [result.value] : []));
  const unavailable = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason as unknown;
  const unavailableRecords = records.filter((_, i) => settled[i].status === 'rejected');
  return { facets, unavailable, unavailableRecords };
}

/**
 * A shared field: the first value a source gives, in precedence order. A source
 * that is down is skipped for the next one. When no source that answered has a
 * value but one that is down had one at the last sync, that synced copy stands
 * in (DESIGN §8, issue 15: partial data as full as it can honestly be), and the
 * answer says so: `extensions.syncedValues` names the field's path, the source
 * and when it was synced. Only when there is no copy either does the
 * unavailability show.
 */
async function sharedValue(entity: EntityRef, field: string, context: GraphContext, info: GraphQLResolveInfo): Promise<string | null> {
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
async function addressOf(entity: EntityRef, context: GraphContext) {
  const record = (await recordsOf(entity, context)).find((r) => r.address_code !== null && (r.address_status === 'MATCHED' || r.address_status === 'PARTIAL'));
  return record === undefined ? null : context.loaders.addressByCode.load(record.address_code!);
}

/** The records behind an entity that the caller may know exist, in precedence order. */
async function knownRecordsOf(entity: EntityRef, context: GraphContext): Promise<CrosswalkRow[]> {
  return (await recordsOf(entity, context)).filter((record) => context.access.mayKnowRecord(record));
}

/**
 * Sources disagreeing on a shared field, from the values the last sync copied
 * into the crosswalk, among the records the caller may know of. Each value is
 * shown as the entity's field it is a value of (`Person.name`), owned by its
 * source.
 */
async function conflictsOf(entity: EntityRef, context: GraphContext) {
  const records = await knownRecordsOf(entity, context);
  return CONFLICT_FIELDS[entity.kind].flatMap((field) => {
    const values = records.flatMap((r) => (r.shared?.[field] ? [sourceValue(entity, field, r.source, r.shared[field])] : []));
    return new Set(values.map((v) => v.value)).size > 1 ? [{ field, values }] : [];
  });
}

/**
 * Entities linked to this one, with their role: `side` says which end of the
 * link this entity is. Entities outside the caller's area are left out, as in
 * every list.
 */
async function linked(entity: EntityRef, side: 'from' | 'to', otherKind: EntityKind, context: GraphContext): Promise<RoleOf[]> {
  const links = await context.loaders.links(side, entity.kind).load(entity.key);
  const roles = links
    .filter((link) => (side === 'from' ? link.to_kind : link.from_kind) === otherKind)
    .map((link) => ({ role: link.role, entity: ref(otherKind, side === 'from' ? link.to_key : link.from_key), source: link.source }));
  const inScope = await Promise.all(roles.map((role) => context.access.entityInScope(role.entity.kind, role.entity.key)));
  return roles.filter((_, i) => inScope[i]);
}

/**
 * A page of entities as a connection of refs. The page brought each entity's
 * records, and its SQL applied the caller's area: the entities' fields and the
 * access checks need not ask again. When it brought the total as well, that is
 * the count.
 */
function entityPage(
  kind: EntityKind,
  page: PageArgs,
  fetch: (after: string | undefined, limit: number) => Promise<{ entities: EntityWithRecords[]; total?: number }>,
  count: () => Promise<number>,
  { loaders, access, ids }: GraphContext,
) {
  let total: number | undefined;
  return paginate<EntityRef>(
    ids,
    page,
    (entity) => entity.key,
    async (after, limit) => {
      const fetched = await fetch(after, limit);
      total = fetched.total;
      for (const { key, records } of fetched.entities) loaders.records(kind).prime(key, records);
      access.knownInScope(kind, fetched.entities.map((entity) => entity.key));
      return fetched.entities.map((entity) => ref(kind, entity.key));
    },
    () => (total === undefined ? count() : Promise.resolve(total)),
  );
}

function listPage(kind: EntityKind, filter: Omit<EntityFilter, 'kind' | 'scope'>, page: PageArgs, context: GraphContext) {
  const full = { kind, ...filter, scope: context.access.viewer.scope };
  return entityPage(
    kind,
    page,
    async (after, limit) => ({ entities: await pageEntities(context.db, full, after, limit) }),
    () => countEntityKeys(context.db, full),
    context,
  );
}

function atAddress(kind: EntityKind) {
  return (address: { code: string }, { includeDescendants, ...page }: PageArgs & { includeDescendants?: boolean | null }, context: GraphContext) => {
    const { db, access, loaders } = context;
    const descendants = includeDescendants ?? true; // the SDL default (issue 22): an explicit null reads as it
    return entityPage(
      kind,
      page,
      (after, limit) => loaders.entitiesAt.load({ addressCode: address.code, includeDescendants: descendants, kind, after, limit }),
      () => countEntityKeysAt(db, kind, address.code, descendants, access.viewer.scope),
      context,
    );
  };
}

/** Looks an entity up by key: null when no live record knows it. */
async function existing(kind: EntityKind, key: string, { loaders }: GraphContext): Promise<EntityRef | null> {
  return (await loaders.records(kind).load(key)).length > 0 ? ref(kind, key) : null;
}

/** The fields every entity type has. */
const common = {
  records: (entity: EntityRef, _: unknown, context: GraphContext) => knownRecordsOf(entity, context),
  address: (entity: EntityRef, _: unknown, context: GraphContext) => addressOf(entity, context),
};

/** Person, Organization, Event and RegisteredObject: found through the crosswalk, read live from the sources. */
export const entityResolvers: Resolvers = {
  IdNumber: IdNumberScalar,
  CreditCode: CreditCodeScalar,
  Query: {
    person: (_, { idNumber }, context) => existing('PERSON', idNumber, context),
    organization: (_, { creditCode }, context) => existing('ORGANIZATION', creditCode, context),
    event: (_, { id }, context) => {
      const parsed = context.ids.parseId(id);
      return parsed?.type === 'Event' ? existing('EVENT', parsed.key, context) : null;
    },
    people: (_, { nameContains, ...page }, context) =>
      listPage('PERSON', nameContains ? { sharedContains: { field: 'name', text: nameContains } } : {}, page, context),
    organizations: (_, { nameContains, ...page }, context) =>
      listPage('ORGANIZATION', nameContains ? { sharedContains: { field: 'name', text: nameContains } } : {}, page, context),
    events: (_, { category, ...page }, context) =>
      listPage('EVENT', category ? { sharedEquals: { field: 'category', value: category } } : {}, page, context),
  },
  Person: {
    id: (person, _, { ids }) => ids.id('Person', person.key),
    idNumber: (person) => person.key,
    birthDate: (person) => {
      const check = checkIdNumber(person.key);
      return check.valid ? check.birthDate : '';
    },
    gender: (person) => {
      const check = checkIdNumber(person.key);
      return check.valid ? check.gender : 'MALE';
    },
    name: (person, _, context, info) => sharedValue(person, 'name', context, info),
    phone: (person, _, context, info) => sharedValue(person, 'phone', context, info),
    residence: (person, _, context) => addressOf(person, context),
    records: common.records,
    organizations: (person, _, context) => linked(person, 'to', 'ORGANIZATION', context),
    events: (person, page, context) => listPage('EVENT', { linkedTo: { kind: 'PERSON', key: person.key } }, page, context),
    conflicts: (person, _, context) => conflictsOf(person, context),
  },
  Organization: {
    id: (organization, _, { ids }) => ids.id('Organization', organization.key),
    creditCode: (organization) => organization.key,
    name: (organization, _, context, info) => sharedValue(organization, 'name', context, info),
    kind: (organization, _, context, info) => sharedValue(organization, 'kind', context, info),
    status: (organization, _, context, info) => sharedValue(organization, 'status', context, info),
    address: common.address,
    legalRepresentative: async (organization, _, context) =>
      (await linked(organization, 'from', 'PERSON', context)).find((link) => link.role === 'LEGAL_REPRESENTATIVE')?.entity ?? null,
    people: (organization, _, context) => linked(organization, 'from', 'PERSON', context),
    events: (organization, page, context) => listPage('EVENT', { linkedTo: { kind: 'ORGANIZATION', key: organization.key } }, page, context),
    records: common.records,
    conflicts: (organization, _, context) => conflictsOf(organization, context),
  },
  Event: {
    id: (event, _, { ids }) => ids.id('Event', event.key),
    key: (event) => event.key,
    category: (event, _, context, info) => sharedValue(event, 'category', context, info),
    description: (event, _, context, info) => sharedValue(event, 'description', context, info),
    address: common.address,
    timeline: async (event, _, context) => timelineOf(await facetsOf(event, EVENT_STAGES, context)),
    durations: async (event, _, context) => {
      const timeline = timelineOf(await facetsOf(event, EVENT_STAGES, context));
      return timeline.slice(1).map((stage, i) => ({
        from: timeline[i].stage,
        to: stage.stage,
        seconds: Math.round((Date.parse(stage.at) - Date.parse(timeline[i].at)) / 1000),
      }));
    },
    parties: async (event, _, context) => [
      ...(await linked(event, 'from', 'PERSON', context)),
      ...(await linked(event, 'from', 'ORGANIZATION', context)),
    ],
    records: common.records,
  },
  EventParty: {
    person: (party) => (party.entity.kind === 'PERSON' ? party.entity : null),
    organization: (party) => (party.entity.kind === 'ORGANIZATION' ? party.entity : null),
  },
  PersonRole: { person: (role) => role.entity },
  OrganizationRole: { organization: (role) => role.entity },
  RegisteredObject: {
    __resolveType: async (object, context) => (await objectTypeOf(object, context)) as never,
  },
  SourceRecord: {
    department: (record, _, { connectors }) => connectors.find((c) => c.name === record.source)?.department ?? record.source,
    table: (record) => record.source_table,
    recordId: (record) => record.record_id,
    addressStatus: (record) => record.address_status,
    syncedAt: (record) => record.synced_at.toISOString(),
  },
  StandardAddress: {
    residents: atAddress('PERSON'),
    organizations: atAddress('ORGANIZATION'),
    events: atAddress('EVENT'),
    objects: atAddress('OBJECT'),
  },
};

/** `reportedAt` → `REPORTED`. */
function stageName(field: string): string {
  return field.replace(/At$/, '').toUpperCase();
}

/** The stages a facet list records, first source winning per stage, in stage order. */
function timelineOf(facets: readonly Facet[]) {
  return EVENT_STAGES.flatMap((field) => {
    const at = facets.find((facet) => facet[field])?.[field];
    return at ? [{ stage: stageName(field) as never, at }] : [];
  });
}

/** An object's GraphQL type: its first record's table mapping names it. */
async function objectTypeOf(object: EntityRef, context: GraphContext): Promise<string | null> {
  const [record] = await recordsOf(object, context);
  const connector = context.connectors.find((c) => c.name === record?.source);
  return connector?.tables.find((t) => t.table === record.source_table)?.objectType ?? null;
}

/** How `node(id:)` finds each entity type, added to the place finders. */
export function entityFinders(connectors: readonly Connector[]): Record<string, (key: string, context: GraphContext) => Promise<object | null>> {
  const finders: Record<string, (key: string, context: GraphContext) => Promise<object | null>> = {};
  for (const [kind, type] of Object.entries(ENTITY_TYPE_NAMES)) finders[type] = (key, context) => existing(kind as EntityKind, key, context);
  for (const type of new Set(connectors.flatMap((c) => c.tables.flatMap((t) => (t.objectType ? [t.objectType] : []))))) {
    finders[type] = async (key, context) => {
      const object = await existing('OBJECT', key, context);
      return object !== null && (await objectTypeOf(object, context)) === type ? object : null;
    };
  }
  return finders;
}

/**
 * The resolvers each connector's SDL needs, built from its mappings: its facet
 * fields (`Person.policeRegistration`, `Organization.foodLicences`), read live,
 * batched per request; and, for its object types, the fields every
 * RegisteredObject has.
 */
export function connectorResolvers(connectors: readonly Connector[]): Record<string, Record<string, unknown>> {
  type Field = (entity: EntityRef, args: unknown, context: GraphContext) => unknown;
  const resolvers: Record<string, Record<string, Field>> = {};
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      const type = mapping.entity === 'OBJECT' ? mapping.objectType! : ENTITY_TYPE_NAMES[mapping.entity];
      resolvers[type] ??= {};
      resolvers[type][mapping.facet.field] = async (entity, _, context) => {
        const source = context.sources.get(connector.name);
        if (source === undefined) return mapping.facet.many ? [] : null;
        const records = (await context.loaders.records(entity.kind).load(entity.key)).filter(
          (r) => r.source === connector.name && r.source_table === mapping.table,
        );
        const facets = await Promise.all(records.map((r) => context.loaders.facets(source, mapping).load(r.record_id)));
        // Tagged with the entity they describe, for the audit.
        const present = facets.filter((facet) => facet !== null).map((facet) => ({ ...facet, [ENTITY]: entity }));
        return mapping.facet.many ? present : (present[0] ?? null);
      };
      if (mapping.servesGrid !== undefined) {
        const { field, column } = mapping.servesGrid;
        (resolvers.Grid ??= {})[field] = async (grid: unknown, _, context) => {
          const source = context.sources.get(connector.name);
          return source === undefined ? [] : context.loaders.facetsWhere(source, mapping, column).load((grid as { code: string }).code);
        };
      }
      if (mapping.countField !== undefined) {
        (resolvers.Region ??= {})[mapping.countField] = (region: unknown, _, { db, access }) => {
          const { code, level } = region as RegionRow;
          return countListedIn(db, { source: connector.name, table: mapping.table, kind: mapping.entity }, divisionPrefix(code, level), access.viewer.scope);
        };
      }
      for (const link of mapping.links ?? []) {
        if (link.field === undefined) continue;
        resolvers[type][link.field] = async (entity, _, context) =>
          (await linked(entity, 'from', link.to, context)).find((l) => l.role === link.role)?.entity ?? null;
      }
      if (mapping.entity === 'OBJECT') {
        Object.assign(resolvers[type], {
          id: (object: EntityRef, _: unknown, { ids }: GraphContext) => ids.id(type, object.key),
          key: (object: EntityRef) => object.key,
          kind: (object: EntityRef, _: unknown, context: GraphContext, info: GraphQLResolveInfo) => sharedValue(object, 'kind', context, info),
          name: (object: EntityRef, _: unknown, context: GraphContext, info: GraphQLResolveInfo) => sharedValue(object, 'name', context, info),
          address: common.address,
          records: common.records,
        });
      }
    }
  }
  return resolvers;
}
