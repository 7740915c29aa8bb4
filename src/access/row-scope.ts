import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { HubSchema, StandardAddressRow } from '../db/hub-schema.js';
import type { AreaScope } from './viewer.js';

/** Whether an address lies in the caller's area: in one of their grids, or under one of their divisions. */
export function addressInScope(scope: AreaScope, address: Pick<StandardAddressRow, 'grid_code' | 'division_code'>): boolean {
  if (scope.everywhere) return true;
  if (address.grid_code !== null && scope.grids.includes(address.grid_code)) return true;
  return scope.divisions.some((division) => address.division_code.startsWith(division));
}

/** The same test in SQL, over the `standard_address` columns of `table` (its name or alias). */
export function addressScopeSql(scope: AreaScope, table = 'standard_address'): RawBuilder<boolean> {
  if (scope.everywhere) return sql<boolean>`true`;
  const conditions: RawBuilder<unknown>[] = [];
  if (scope.grids.length > 0) conditions.push(sql`${sql.ref(`${table}.grid_code`)} in (${sql.join(scope.grids)})`);
  for (const division of scope.divisions) conditions.push(sql`${sql.ref(`${table}.division_code`)} like ${`${division}%`}`);
  return conditions.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(conditions, sql` or `)})`;
}

/**
 * A condition on `crosswalk.entity_key`: the entity has a live record whose
 * address lies in the area. An entity is in a caller's scope by where its
 * records put it; one with no resolved address is in nobody's.
 */
export function entityScopeSql(scope: AreaScope, kind: EntityKind): RawBuilder<boolean> {
  if (scope.everywhere) return sql<boolean>`true`;
  return sql<boolean>`entity_key in (
    select scoped.entity_key from crosswalk scoped join standard_address on standard_address.code = scoped.address_code
    where scoped.entity_kind = ${kind} and not scoped.deleted and ${addressScopeSql(scope)})`;
}

/** Which of the given entities are in the area: one statement. */
export async function findEntitiesInScope(db: Kysely<HubSchema>, scope: AreaScope, kind: EntityKind, keys: readonly string[]): Promise<Set<string>> {
  if (scope.everywhere) return new Set(keys);
  if (keys.length === 0) return new Set();
  const { rows } = await sql<{ entity_key: string }>`
    select distinct crosswalk.entity_key from crosswalk join standard_address on standard_address.code = crosswalk.address_code
    where crosswalk.entity_kind = ${kind} and crosswalk.entity_key in (${sql.join(keys)}) and not crosswalk.deleted
      and ${addressScopeSql(scope)}`.execute(db);
  return new Set(rows.map((row) => row.entity_key));
}
