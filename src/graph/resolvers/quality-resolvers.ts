import { CONFLICT_FIELDS } from '../../connectors/shared-fields.js';
import { readConflicts, readQuality } from '../../sync/crosswalk-repository.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import { countQualityRecords, pageQualityRecords, type QualityList, tableMappingOf, withAddressTexts } from '../../sync/quality-records.js';
import { readSyncStatus } from '../../sync/sync-status.js';
import { paginate } from '../connection.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/**
 * `dataQuality`: the steward's worklist, straight from the crosswalk (no source
 * is read); `syncStatus`: each table's sync and its lag behind the source;
 * `qualityRecords`: the records behind each count.
 */
export const qualityResolvers: Resolvers = {
  Query: {
    syncStatus: (_, { source }, { db, connectors, sources, sourceTimeoutMs }) =>
      readSyncStatus(db, connectors, sources, { source: source ?? undefined, timeoutMs: sourceTimeoutMs }),
    qualityRecords: async (_, { source, table, kind, first, after }, { db, connectors, sources, addressResolver, access }) => {
      const mapping = tableMappingOf(connectors, source, table);
      const isLinkTable = connectors.find((c) => c.name === source)?.linkTables?.some((t) => t.table === table) ?? false;
      if (mapping === undefined && !isLinkTable) throw badUserInput(`no table ${table} in source ${source}`, { argument: 'table' });
      const list: QualityList = { source, table, kind, scope: access.viewer.scope };
      return paginate(
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
    dataQuality: async (_, { source }, { db }) => ({
      tables: (await readQuality(db, source ?? undefined)).map((q) => ({
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
      conflicts: (await readConflicts(db, CONFLICT_FIELDS)).map((c) => ({ entity: c.kind, field: c.field, count: c.count, examples: c.examples })),
    }),
  },
};
