import type { Kysely } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import { createRequestAccess, type RequestAccess } from '../access/request-access.js';
import type { Viewer } from '../access/viewer.js';
import type { RecordVisibility } from '../access/record-visibility.js';
import type { Connector } from '../connectors/connector.js';
import type { EntityRecord } from '../crosswalk/entity-queries.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { OpaqueIds } from './opaque-ids.js';

/** What lives as long as the server: shared by every request. */
export interface GraphServices {
  readonly db: Kysely<HubSchema>;
  /** Holds the registry's in-memory index; shared, since the registry is the same for every caller. */
  readonly addressResolver: AddressResolver;
  /** The connectors served, in precedence order. */
  readonly connectors: readonly Connector[];
  /** Open connections to their sources, by connector name; a connector without one reads as unavailable. */
  readonly sources: ReadonlyMap<string, SourceDatabase>;
  /** How long one live read from a source may take. */
  readonly sourceTimeoutMs: number;
  /** Seals and opens global ids and cursors with the hub's key. */
  readonly ids: OpaqueIds;
  /** Which source records a caller may know exist. */
  readonly recordVisibility: RecordVisibility;
  /**
   * Shared fields (a person's name, an event's stages) of a source this process holds no connection to are
   * the crosswalk's copies from the last sync rather than missing: the hub subgraph, which holds no source URL. @default false
   */
  readonly sharedValuesFromSync?: boolean;
}

/** Where a request comes from, as the audit records it. */
export interface RequestOrigin {
  /** Echoed in logs and the audit record. */
  readonly requestId: string;
  readonly clientAddress?: string;
}

/** A shared field answered from the last sync's copy because its sources were down: the answer's provenance for it. */
export interface SyncedValue {
  /** The field's path in the answer. */
  readonly path: readonly (string | number)[];
  /** The source the copy is from. */
  readonly source: string;
  /** When the sync copied it (ISO 8601). */
  readonly syncedAt: string;
}

/** What every resolver gets: the services, the request's own loaders, and who is asking. */
export interface GraphContext extends GraphServices, RequestOrigin {
  readonly loaders: Loaders;
  readonly access: RequestAccess;
  /** Filled while resolving; sent as `extensions.syncedValues` (see syncedValuesPlugin). */
  readonly syncedValues: SyncedValue[];
}

export function createGraphContext(services: GraphServices, viewer: Viewer, origin: RequestOrigin): GraphContext {
  const loaders = createLoaders(services.db, viewer.scope, services.sourceTimeoutMs, services.connectors.map((c) => c.name));
  return {
    ...services,
    ...origin,
    loaders,
    access: createRequestAccess(viewer, services.recordVisibility, (code) => loaders.addressByCode.load(code), (kind, key) => {
      const inArea = (records: readonly EntityRecord[]) => records[0]?.in_area ?? false;
      const known = loaders.recordsKnown(kind, key);
      return known !== undefined ? inArea(known) : loaders.records(kind).load(key).then(inArea);
    }),
    syncedValues: [],
  };
}
