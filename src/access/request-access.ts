import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { AuditCollector } from './audit-collector.js';
import type { RecordOrigin, RecordVisibility } from './record-visibility.js';
import { findEntitiesInScope } from './row-scope.js';
import type { Viewer } from './viewer.js';

/** The caller of one request, what their scope holds, and what they were shown. */
export interface RequestAccess {
  readonly viewer: Viewer;
  readonly audit: AuditCollector;
  /** Whether an entity is in the caller's area: batched per kind, one statement per batch, cached for the request. */
  entityInScope(kind: EntityKind, key: string): Promise<boolean>;
  /** Records that these entities are in the caller's area: a list whose SQL already applied the area need not ask again. */
  knownInScope(kind: EntityKind, keys: readonly string[]): void;
  /** Whether the caller may know this source record exists: its table can tell restricted facts (a key-person list). */
  mayKnowRecord(record: RecordOrigin): boolean;
  /** The source tables whose records the caller may know of. */
  knownTables(): RecordOrigin[];
}

export function createRequestAccess(db: Kysely<HubSchema>, viewer: Viewer, records: RecordVisibility): RequestAccess {
  const loaders = new Map<EntityKind, DataLoader<string, boolean>>();
  const loaderOf = (kind: EntityKind) => {
    let loader = loaders.get(kind);
    if (loader === undefined) {
      loader = new DataLoader(async (keys) => {
        const inScope = await findEntitiesInScope(db, viewer.scope, kind, keys);
        return keys.map((key) => inScope.has(key));
      });
      loaders.set(kind, loader);
    }
    return loader;
  };
  return {
    viewer,
    audit: new AuditCollector(),
    entityInScope(kind, key) {
      return viewer.scope.everywhere ? Promise.resolve(true) : loaderOf(kind).load(key);
    },
    knownInScope(kind, keys) {
      if (viewer.scope.everywhere) return;
      const loader = loaderOf(kind);
      for (const key of keys) loader.prime(key, true);
    },
    mayKnowRecord(record) {
      return records.visible(viewer, record);
    },
    knownTables() {
      return records.visibleTables(viewer);
    },
  };
}
