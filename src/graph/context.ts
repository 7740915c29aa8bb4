import type { Kysely } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver gets: the request's own loaders, and the hub for lists. */
export interface GraphContext {
  readonly db: Kysely<HubSchema>;
  readonly loaders: Loaders;
  /** Echoed in logs and (later) the audit record. */
  readonly requestId: string;
}

export function createGraphContext(db: Kysely<HubSchema>, requestId: string): GraphContext {
  return { db, loaders: createLoaders(db), requestId };
}
