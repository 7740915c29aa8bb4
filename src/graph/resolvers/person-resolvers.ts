import type { Connector } from '../../connectors/connector.js';
import type { CrosswalkRow } from '../../db/hub-schema.js';
import { checkIdNumber } from '../../identity/id-number.js';
import { countEntityKeysAt, pageEntityKeysAt } from '../../sync/crosswalk-repository.js';
import { paginate } from '../connection.js';
import type { GraphContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { toGlobalId } from '../global-id.js';
import type { PersonParent } from '../parents.js';
import { IdNumberScalar } from '../scalars.js';

/** A person's records in precedence order: the order the connectors are installed in. */
async function recordsInPrecedence(person: PersonParent, { loaders, connectors }: GraphContext): Promise<CrosswalkRow[]> {
  const records = await loaders.recordsOfPerson.load(person.idNumber);
  const rank = (row: CrosswalkRow) => connectors.findIndex((c) => c.name === row.source);
  return [...records].sort((a, b) => rank(a) - rank(b));
}

/** The first value a person's facets give for a field, in precedence order. */
async function firstFacetValue(person: PersonParent, field: string, context: GraphContext): Promise<string | null> {
  for (const record of await recordsInPrecedence(person, context)) {
    const source = context.sources.get(record.source);
    const mapping = source?.connector.tables.find((t) => t.table === record.source_table);
    if (source === undefined || mapping === undefined || mapping.facet.fields[field] === undefined) continue;
    const facet = await context.loaders.facets(source, mapping).load(record.record_id);
    if (facet?.[field]) return facet[field];
  }
  return null;
}

/** Person (人): found through the crosswalk, attributes read live from the sources. */
export const personResolvers: Resolvers = {
  IdNumber: IdNumberScalar,
  Query: {
    person: async (_, { idNumber }, { loaders }) => ((await loaders.recordsOfPerson.load(idNumber)).length > 0 ? { idNumber } : null),
  },
  Person: {
    id: (person) => toGlobalId('Person', person.idNumber),
    birthDate: (person) => {
      const check = checkIdNumber(person.idNumber);
      return check.valid ? check.birthDate : '';
    },
    gender: (person) => {
      const check = checkIdNumber(person.idNumber);
      return check.valid ? check.gender : 'MALE';
    },
    name: (person, _, context) => firstFacetValue(person, 'name', context),
    residence: async (person, _, context) => {
      const record = (await recordsInPrecedence(person, context)).find((r) => r.address_code !== null && (r.address_status === 'MATCHED' || r.address_status === 'PARTIAL'));
      return record === undefined ? null : context.loaders.addressByCode.load(record.address_code!);
    },
    records: (person, _, context) => recordsInPrecedence(person, context),
  },
  SourceRecord: {
    department: (record, _, { connectors }) => connectors.find((c) => c.name === record.source)?.department ?? record.source,
    table: (record) => record.source_table,
    recordId: (record) => record.record_id,
    addressStatus: (record) => record.address_status,
    syncedAt: (record) => record.synced_at.toISOString(),
  },
  StandardAddress: {
    residents: (address, { includeDescendants, ...page }, { db }) =>
      paginate(
        page,
        (person: PersonParent) => person.idNumber,
        async (after, limit) => (await pageEntityKeysAt(db, 'PERSON', address.code, includeDescendants ?? false, after, limit)).map((idNumber) => ({ idNumber })),
        () => countEntityKeysAt(db, 'PERSON', address.code, includeDescendants ?? false),
      ),
  },
};

/**
 * The resolvers of every connector's facet fields, built from their mappings:
 * `Person.policeRegistration` reads this person's record of that table from the
 * police source, batched per request.
 */
export function facetResolvers(connectors: readonly Connector[]): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, (parent: PersonParent, args: unknown, context: GraphContext) => unknown>> = {};
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      if (mapping.entity !== 'PERSON') continue;
      resolvers.Person ??= {};
      resolvers.Person[mapping.facet.field] = async (person, _, context) => {
        const source = context.sources.get(connector.name);
        if (source === undefined) return null;
        const record = (await context.loaders.recordsOfPerson.load(person.idNumber)).find((r) => r.source === connector.name && r.source_table === mapping.table);
        return record === undefined ? null : context.loaders.facets(source, mapping).load(record.record_id);
      };
    }
  }
  return resolvers;
}
