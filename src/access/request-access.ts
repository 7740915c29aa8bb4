import type { EntityKind } from '../connectors/connector.js';
import type { StandardAddressRow } from '../db/hub-schema.js';
import { AuditCollector } from './audit-collector.js';
import type { RecordOrigin, RecordVisibility } from './record-visibility.js';
import type { Viewer } from './viewer.js';

/** The caller of one request, what their scope holds, and what they were shown. */
export interface RequestAccess {
  readonly viewer: Viewer;
  readonly audit: AuditCollector;
  /** Whether an entity is in the caller's area: decided by the statement that reads its records (see EntityPlacement). */
  entityInScope(kind: EntityKind, key: string): boolean | Promise<boolean>;
  /** Whether the caller may know this source record exists: its table can tell restricted facts (a key-person list). */
  mayKnowRecord(record: RecordOrigin): boolean;
  /** The source tables whose records the caller may know of. */
  knownTables(): RecordOrigin[];
  /** An address's parent (a room's building): what the address mask shows instead. */
  parentOf(address: StandardAddressRow): Promise<StandardAddressRow | null>;
}

/** The registry look-up the address mask needs: the request's own loader, so masking costs no extra statement. */
export type AddressLookup = (code: string) => Promise<StandardAddressRow | null>;

/**
 * Whether an entity lies in the caller's area, as the request's own read of
 * its records decided it (one live record whose address is in the area): the
 * fields of an entity read those records anyway, so judging where it lies
 * costs no statement of its own. An entity without live records lies nowhere.
 */
export type EntityPlacement = (kind: EntityKind, key: string) => boolean | Promise<boolean>;

export function createRequestAccess(viewer: Viewer, records: RecordVisibility, addressByCode: AddressLookup, placement: EntityPlacement): RequestAccess {
  return {
    viewer,
    audit: new AuditCollector(),
    entityInScope(kind, key) {
      return viewer.scope.everywhere || placement(kind, key);
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
