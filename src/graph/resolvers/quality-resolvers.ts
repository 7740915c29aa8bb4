import type { EntityKind } from '../../connectors/connector.js';
import { CONFLICT_FIELDS } from '../../connectors/shared-fields.js';
import { type FieldConflicts, readConflicts, readQuality } from '../../sync/crosswalk-repository.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { keyedExample, sourceValue } from '../source-value.js';

/** A conflict's examples, each key and value shown as the entity's field it belongs to. */
function examplesOf(conflict: FieldConflicts) {
  return conflict.examples.map((example) => {
    const entity = { kind: conflict.kind as EntityKind, key: example.key };
    return keyedExample(entity, { values: example.values.map((v) => sourceValue(entity, conflict.field, v.source, v.value)) });
  });
}

/** `dataQuality`: the steward's worklist, straight from the crosswalk (no source is read). */
export const qualityResolvers: Resolvers = {
  Query: {
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
