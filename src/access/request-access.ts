import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { AuditCollector } from './audit-collector.js';
import { findEntitiesInScope } from './row-scope.js';
import type { Viewer } from './viewer.js';

/** The caller of one request, what their scope holds, and what they were shown. */
export interface RequestAccess {
  readonly viewer: Viewer;
  readonly audit: AuditCollector;
  /** Whether an entity is in the caller's area: batched per kind, one statement per batch, cached for the request. */
  entityInScope(kind: EntityKind, key: string): Promise<boolean>;
}

export function createRequestAccess(db: Kysely<HubSchema>, viewer: Viewer): RequestAccess {
  const loaders = new Map<EntityKind, DataLoader<string, boolean>>();
  return {
    viewer,
    audit: new AuditCollector(),
    entityInScope(kind, key) {
      if (viewer.scope.everywhere) return Promise.resolve(true);
      let loader = loaders.get(kind);
      if (loader === undefined) {
        loader = new DataLoader(async (keys) => {
          const inScope = await findEntitiesInScope(db, viewer.scope, kind, keys);
          return keys.map((key) => inScope.has(key));
        });
        loaders.set(kind, loader);
      }
      return loader.load(key);
    },
  };
}
