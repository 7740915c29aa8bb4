import type { EntityKind } from '../connectors/connector.js';
import { countEntityKeys, countEntityKeysAt, type EntityFilter, type EntityWithRecords, pageEntities } from '../crosswalk/entity-queries.js';
import type { GraphQLResolveInfo } from 'graphql';
import { asksForTotal, type PageArgs, paginate } from './connection.js';
import type { GraphContext } from './context.js';
import { entityRef } from './entity-reads.js';
import type { EntityRef } from './parents.js';

/**
 * A page of entities as a connection of refs. The page brought each entity's
 * records, and its SQL applied the caller's area: the refs say so (`inArea`),
 * and the entities' fields need not load their records again. When it brought
 * the total as well, that is the count.
 */
function entityPage(
  kind: EntityKind,
  page: PageArgs,
  fetch: (after: string | undefined, limit: number) => Promise<{ entities: EntityWithRecords[]; total?: number }>,
  count: () => Promise<number>,
  { loaders, ids }: GraphContext,
) {
  let total: number | undefined;
  return paginate<EntityRef>(
    ids,
    page,
    (entity) => entity.key,
    async (after, limit) => {
      const fetched = await fetch(after, limit);
      total = fetched.total;
      for (const { key, records } of fetched.entities) loaders.primeRecords(kind, key, records.map((record) => ({ ...record, in_area: true })));
      return fetched.entities.map((entity) => entityRef(kind, entity.key, entity.records, true));
    },
    () => (total === undefined ? count() : Promise.resolve(total)),
  );
}

/** A list of entities of a kind in the caller's area, optionally filtered; its total comes with the page when the query asks for it. */
export function listPage(kind: EntityKind, filter: Omit<EntityFilter, 'kind' | 'scope'>, page: PageArgs, context: GraphContext, info: GraphQLResolveInfo) {
  const full = { kind, ...filter, scope: context.access.viewer.scope };
  const withTotal = asksForTotal(info);
  return entityPage(
    kind,
    page,
    (after, limit) => pageEntities(context.db, full, after, limit, withTotal),
    () => countEntityKeys(context.db, full),
    context,
  );
}

/**
 * The resolver of an address's list of one kind of entity: those whose records
 * resolve to the address and, unless asked not to, to the buildings and rooms
 * below it (one address, one file: 一址一档).
 */
export function atAddress(kind: EntityKind) {
  return (address: { code: string }, { includeDescendants, ...page }: PageArgs & { includeDescendants?: boolean | null }, context: GraphContext) => {
    const { db, access, loaders } = context;
    const descendants = includeDescendants ?? true; // the SDL's default: an explicit null reads as it
    return entityPage(
      kind,
      page,
      (after, limit) => loaders.entitiesAt.load({ addressCode: address.code, includeDescendants: descendants, kind, after, limit }),
      () => countEntityKeysAt(db, kind, address.code, descendants, access.viewer.scope),
      context,
    );
  };
}
