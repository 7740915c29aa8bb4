import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { HubSchema, StandardAddressRow } from '../db/hub-schema.js';
import type { AreaScope } from './viewer.js';

/**
 * How long each division level's code is: an address's street is the first 9
 * digits of its 12-digit community code, its district the first 6. The claims
 * were checked for these lengths (area-claims.ts), so comparing the address's
 * code cut to a level with a claim of that level is exact equality — never a
 * prefix match that a shorter or empty claim could widen.
 */
const STREET_DIGITS = 9;
const DISTRICT_DIGITS = 6;

/** Whether an address lies in the caller's area: its grid, community, street or district is one of theirs. */
export function addressInScope(scope: AreaScope, address: Pick<StandardAddressRow, 'grid_code' | 'division_code'>): boolean {
  if (scope.everywhere) return true;
  if (address.grid_code !== null && scope.grids.includes(address.grid_code)) return true;
  const community = address.division_code;
  return (
    scope.communities.includes(community) ||
    scope.streets.includes(community.slice(0, STREET_DIGITS)) ||
    scope.districts.includes(community.slice(0, DISTRICT_DIGITS))
  );
}

/** The same test in SQL, over the `standard_address` columns of `table` (its name or alias). */
export function addressScopeSql(scope: AreaScope, table = 'standard_address'): RawBuilder<boolean> {
  if (scope.everywhere) return sql<boolean>`true`;
  const division = sql.ref(`${table}.division_code`);
  const conditions: RawBuilder<unknown>[] = [];
  if (scope.grids.length > 0) conditions.push(sql`${sql.ref(`${table}.grid_code`)} in (${sql.join(scope.grids)})`);
  if (scope.communities.length > 0) conditions.push(sql`${division} in (${sql.join(scope.communities)})`);
  if (scope.streets.length > 0) conditions.push(sql`left(${division}, ${sql.lit(STREET_DIGITS)}) in (${sql.join(scope.streets)})`);
  if (scope.districts.length > 0) conditions.push(sql`left(${division}, ${sql.lit(DISTRICT_DIGITS)}) in (${sql.join(scope.districts)})`);
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
