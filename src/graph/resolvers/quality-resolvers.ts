import type { EntityKind } from '../../connectors/connector.js';
import { CONFLICT_FIELDS } from '../../connectors/shared-fields.js';
import { type FieldConflicts, readConflicts, readQuality } from '../../crosswalk/quality-queries.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import { countQualityRecords, pageQualityRecords, type QualityList, tableMappingOf, withAddressTexts } from '../../crosswalk/quality-records.js';
import { readSyncStatus } from '../../sync/sync-status.js';
import { paginate } from '../connection.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { keyedExample, sourceValue } from '../source-value.js';

/** A conflict's examples, each key and value shown as the entity's field it belongs to. */
function examplesOf(conflict: FieldConflicts) {
  return conflict.examples.map((example) => {
    const entity = { kind: conflict.kind as EntityKind, key: example.key, owner: undefined };
    return keyedExample(entity, { values: example.values.map((v) => sourceValue(entity, conflict.field, v.source, v.value)) });
  });
}

/**
 * `dataQuality`: the steward's worklist, straight from the crosswalk (no source
 * is read); `syncStatus`: each table's sync and its lag behind the source;
 * `qualityRecords`: the records behind each count.
 */
export const qualityResolvers: Resolvers = {
  Query: {
    syncStatus: (_, { source }, { db, connectors, sources, sourceTimeoutMs }) =>
      readSyncStatus(db, connectors, sources, { source: source ?? undefined, timeoutMs: sourceTimeoutMs }),
    qualityRecords: async (_, { source, table, kind, first, after }, { db, ids, connectors, sources, addressResolver, access }) => {
      const mapping = tableMappingOf(connectors, source, table);
      const isLinkTable = connectors.find((c) => c.name === source)?.linkTables?.some((t) => t.table === table) ?? false;
      if (mapping === undefined && !isLinkTable) throw badUserInput(`no table ${table} in source ${source}`, { argument: 'table' });
      const list: QualityList = { source, table, kind, scope: access.viewer.scope };
      return paginate(
        ids,
        { first, after },
        (record) => record.key,
        async (afterKey, limit) => {
          if (afterKey !== undefined && (kind === 'INVALID_RECORD_ID' || kind === 'DUPLICATE_RECORD_ID') && !/^\d+$/.test(afterKey)) {
            throw badUserInput('after: not a cursor from this list', { argument: 'after' });
          }
          const records = await pageQualityRecords(db, list, afterKey, limit);
          return kind.startsWith('ADDRESS_') ? withAddressTexts(records, sources.get(source), mapping, addressResolver).catch(() => records) : records;
        },
        () => countQualityRecords(db, list),
      );
    },
    dataQuality: async (_, { source }, context) => ({
      tables: (await readQuality(context.db, source ?? undefined)).map((q) => ({
        source: q.source,
        table: q.table,
        records: q.records,
        deleted: q.deleted,
        keysInvalid: q.keysInvalid,
        keyProblems: q.keyProblems,
        addressesMatched: q.matched,
        addressesPartial: q.partial,
        addressesAmbiguous: q.ambiguous,
        addressesUnmatched: q.unmatched,
        withoutAddress: q.noAddress,
        badChangeValues: q.badChangeValues,
        invalidDates: q.invalidDates,
        invalidRecordIds: q.invalidRecordIds,
        duplicateRecordIds: q.duplicateRecordIds,
      })),
      // Conflicts of entities in the caller's area, among the records the caller may know of.
      conflicts: (await readConflicts(context.db, CONFLICT_FIELDS, { scope: context.access.viewer.scope, tables: context.access.knownTables() })).map((c) => ({
        entity: c.kind,
        field: c.field,
        count: c.count,
        examples: examplesOf(c),
      })),
    }),
  },
};
