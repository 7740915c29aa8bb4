import { CONFLICT_FIELDS } from '../../connectors/shared-fields.js';
import { readConflicts, readQuality } from '../../sync/crosswalk-repository.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** `dataQuality`: the steward's worklist, straight from the crosswalk (no source is read). */
export const qualityResolvers: Resolvers = {
  Query: {
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
      })),
      conflicts: (await readConflicts(db, CONFLICT_FIELDS)).map((c) => ({ entity: c.kind, field: c.field, count: c.count, examples: c.examples })),
    }),
  },
};
