import type { Kysely } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { Connector } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { createLoaders, type Loaders } from './loaders.js';

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
}

/** What every resolver gets: the services, and the request's own loaders. */
export interface GraphContext extends GraphServices {
  readonly loaders: Loaders;
  /** Echoed in logs and (later) the audit record. */
  readonly requestId: string;
}

export function createGraphContext(services: GraphServices, requestId: string): GraphContext {
  return { ...services, loaders: createLoaders(services.db, services.sourceTimeoutMs), requestId };
}
