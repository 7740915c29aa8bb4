import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { HubSchema, StandardAddressRow } from '../db/hub-schema.js';
import { AuditCollector } from './audit-collector.js';
import type { RecordOrigin, RecordVisibility } from './record-visibility.js';
import { findEntitiesInScope } from '../crosswalk/entity-queries.js';
import type { Viewer } from './viewer.js';

/** The caller of one request, what their scope holds, and what they were shown. */
export interface RequestAccess {
  readonly viewer: Viewer;
  readonly audit: AuditCollector;
  /** Whether an entity is in the caller's area: batched per kind, one statement per batch, cached for the request. */
  entityInScope(kind: EntityKind, key: string): Promise<boolean>;
  /** Whether the caller may know this source record exists: its table can tell restricted facts (a key-person list). */
  mayKnowRecord(record: RecordOrigin): boolean;
  /** The source tables whose records the caller may know of. */
  knownTables(): RecordOrigin[];
  /** An address's parent (a room's building): what the address mask shows instead. */
  parentOf(address: StandardAddressRow): Promise<StandardAddressRow | null>;
}

/** The registry look-up the address mask needs: the request's own loader, so masking costs no extra statement. */
export type AddressLookup = (code: string) => Promise<StandardAddressRow | null>;

export function createRequestAccess(db: Kysely<HubSchema>, viewer: Viewer, records: RecordVisibility, addressByCode: AddressLookup): RequestAccess {
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
    mayKnowRecord(record) {
      return records.visible(viewer, record);
    },
    knownTables() {
      return records.visibleTables(viewer);
    },
    parentOf(address) {
      return address.parent_code === null ? Promise.resolve(null) : addressByCode(address.parent_code);
    },
  };
}
