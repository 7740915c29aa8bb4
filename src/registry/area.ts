import { type RawBuilder, sql } from 'kysely';
import type { StandardAddressRow } from '../db/hub-schema.js';

/**
 * An area of the registry: where a caller's rows may come from. Each list holds
 * codes of one level, and an address is inside when its code at that level
 * equals one of them — exact equality, never a prefix: an address's grid; its
 * community (its 12-digit division code); its street (the first 9 digits); its
 * district (the first 6). All empty means nowhere.
 */
export interface AreaScope {
  /** Registry grid codes (grid workers). */
  readonly grids: readonly string[];
  /** 12-digit community codes (community staff). */
  readonly communities: readonly string[];
  /** 9-digit street codes (street staff). */
  readonly streets: readonly string[];
  /** 6-digit district codes (district-wide roles). */
  readonly districts: readonly string[];
  /** Every address: only the anonymous door-plate view, which sees public fields of the plate it names. */
  readonly everywhere: boolean;
}

/**
 * How long each division level's code is: an address's street is the first 9
 * digits of its 12-digit community code, its district the first 6. Claims are
 * checked for these lengths (access/area-claims.ts), so comparing the address's
 * code cut to a level with a claim of that level is exact equality — never a
 * prefix match that a shorter or empty claim could widen.
 */
const STREET_DIGITS = 9;
const DISTRICT_DIGITS = 6;

/** Whether an address lies in an area: its grid, community, street or district is one of the area's. */
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
