import type { GraphQLResolveInfo } from 'graphql';
import { type Connector, ENTITY_TYPE_NAMES, type EntityKind } from '../../connectors/connector.js';
import { EVENT_STAGES } from '../../connectors/shared-fields.js';
import { checkIdNumber } from '../../identity/id-number.js';
import type { Facet } from '../../sources/facet-reader.js';
import type { GraphContext } from '../context.js';
import { addressOf, conflictsOf, existing, facetsOf, knownRecordsOf, linked, objectTypeOf, sharedValue } from '../entity-reads.js';
import { atAddress, listPage } from '../entity-lists.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import type { EntityRef } from '../parents.js';
import { CreditCodeScalar, IdNumberScalar } from '../scalars.js';

/** The fields every entity type has. */
export const common = {
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
    people: (_, { nameContains, ...page }, context, info) =>
      listPage('PERSON', nameContains ? { sharedContains: { field: 'name', text: nameContains } } : {}, page, context, info),
    organizations: (_, { nameContains, ...page }, context, info) =>
      listPage('ORGANIZATION', nameContains ? { sharedContains: { field: 'name', text: nameContains } } : {}, page, context, info),
    events: (_, { category, ...page }, context, info) =>
      listPage('EVENT', category ? { sharedEquals: { field: 'category', value: category } } : {}, page, context, info),
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
    events: (person, page, context, info) => listPage('EVENT', { linkedTo: { kind: 'PERSON', key: person.key } }, page, context, info),
    conflicts: (person, _, context) => conflictsOf(person, context),
  },
  Organization: {
    id: (organization, _, { ids }) => ids.id('Organization', organization.key),
    creditCode: (organization) => organization.key,
    name: (organization, _, context, info) => sharedValue(organization, 'name', context, info),
    kind: (organization, _, context, info) => sharedValue(organization, 'kind', context, info),
    status: (organization, _, context, info) => sharedValue(organization, 'status', context, info),
    address: common.address,
    // legalRepresentative: a connector's link declares it (`field: 'legalRepresentative'`), resolved with its links (connector-resolvers.ts).
    people: (organization, _, context) => linked(organization, 'from', 'PERSON', context),
    events: (organization, page, context, info) =>
      listPage('EVENT', { linkedTo: { kind: 'ORGANIZATION', key: organization.key } }, page, context, info),
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
    __resolveType: (object, context) => objectTypeOf(object, context) as never,
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

