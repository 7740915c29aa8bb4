import { type Kysely, sql } from 'kysely';
import type { AddressLevel, HubSchema, StandardAddressRow } from '../db/hub-schema.js';
import { type ColumnType, type UpsertCounts, upsertRows, type UpsertTable } from '../db/upsert-rows.js';
import { addressScopeSql, type AreaScope } from './area.js';

/** All SQL on `standard_address`. */

/** The columns of a standard address the address index is built from. */
export type IndexRow = Pick<
  StandardAddressRow,
  'code' | 'level' | 'division_code' | 'road' | 'road_number' | 'compound' | 'building' | 'unit' | 'floor' | 'room' | 'parent_code'
>;

/** A row as the importer writes it: the table's columns but its stamp. */
export type AddressWrite = Omit<StandardAddressRow, 'updated_at'>;

/** `standard_address` as upsertRows writes it: every column, by code. */
const STANDARD_ADDRESS: UpsertTable<AddressWrite> = {
  name: 'standard_address',
  columns: {
    code: 'text', level: 'text', province: 'text', city: 'text', district: 'text', street: 'text', community: 'text', division_code: 'text',
    road: 'text', road_number: 'text', compound: 'text', building: 'text', unit: 'text', floor: 'text', room: 'text', parent_code: 'text',
    grid_code: 'text', door_plate_code: 'text', longitude: 'float8', latitude: 'float8', full_text: 'text',
  } satisfies Record<keyof AddressWrite, ColumnType>,
  key: ['code'],
  stamped: 'updated_at',
};

/**
 * Inserts or updates addresses by code in one statement. A row that is already
 * exactly as given is not touched, so a re-import changes nothing (not even updated_at).
 */
export async function upsertAddresses(db: Kysely<HubSchema>, rows: readonly AddressWrite[]): Promise<UpsertCounts> {
  return upsertRows(db, STANDARD_ADDRESS, rows);
}

/** An address already in the registry at one of the given doors, with what identifies it there. */
export type AddressAtDoor = Pick<
  StandardAddressRow,
  'code' | 'level' | 'road' | 'road_number' | 'building' | 'unit' | 'room' | 'door_plate_code'
> & { district_code: string };

/** Every registered address at the given doors (district code, road, road number). */
export async function findAddressesAtDoors(
  db: Kysely<HubSchema>,
  doors: readonly { districtCode: string; road: string; roadNumber: string }[],
): Promise<AddressAtDoor[]> {
  if (doors.length === 0) return [];
  const { rows } = await sql<AddressAtDoor>`
    select a.code, a.level, left(a.division_code, 6) as district_code, a.road, a.road_number,
           a.building, a.unit, a.room, a.door_plate_code
    from standard_address a
    join (select distinct * from unnest(${doors.map((d) => d.districtCode)}::text[],
                                        ${doors.map((d) => d.road)}::text[],
                                        ${doors.map((d) => d.roadNumber)}::text[]) as k(district_code, road, road_number)) k
      on a.road = k.road and a.road_number = k.road_number and left(a.division_code, 6) = k.district_code`.execute(db);
  return rows;
}

/** Which address holds each of the given door plates now. */
export async function findDoorPlateHolders(db: Kysely<HubSchema>, plates: readonly string[]): Promise<Map<string, string>> {
  if (plates.length === 0) return new Map();
  const rows = await db
    .selectFrom('standard_address')
    .select(['code', 'door_plate_code'])
    .where('door_plate_code', 'in', plates)
    .execute();
  return new Map(rows.map((row) => [row.door_plate_code!, row.code]));
}

/**
 * The addresses of the given codes and, for each room among them, its
 * building, in one statement: where a room is shown as its building (the
 * residence mask), the building is then at hand. A building asked for and also
 * a room's building comes once.
 */
export async function findAddressesWithRoomBuildings(db: Kysely<HubSchema>, codes: readonly string[]): Promise<StandardAddressRow[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('standard_address')
    .selectAll()
    .where('code', 'in', codes)
    .unionAll(
      db
        .selectFrom('standard_address as room')
        .innerJoin('standard_address as building', 'building.code', 'room.parent_code')
        .selectAll('building')
        .where('room.code', 'in', codes)
        .where('room.level', '=', 'ROOM'),
    )
    .execute();
  return [...new Map(rows.map((row) => [row.code, row])).values()];
}

export async function findAddressesByDoorPlate(db: Kysely<HubSchema>, plates: readonly string[]): Promise<StandardAddressRow[]> {
  if (plates.length === 0) return [];
  return db.selectFrom('standard_address').selectAll().where('door_plate_code', 'in', plates).execute();
}

/** Which addresses a list shows: children of one address, the addresses of a grid, of a region, or all. */
export interface AddressFilter {
  parentCode?: string;
  gridCode?: string;
  /** The leading digits of the community codes of a region (see `divisionPrefix`). */
  divisionPrefix?: string;
  level?: AddressLevel;
  /** Only addresses in this area. */
  scope?: AreaScope;
}

/** One page in code order, after the cursor's code; `limit` rows at most. */
export async function pageAddresses(
  db: Kysely<HubSchema>,
  filter: AddressFilter,
  after: string | undefined,
  limit: number,
): Promise<StandardAddressRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('code').limit(limit);
  if (after !== undefined) query = query.where('code', '>', after);
  return query.execute();
}

export async function countAddresses(db: Kysely<HubSchema>, filter: AddressFilter): Promise<number> {
  const row = await filtered(db, filter).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

function filtered(db: Kysely<HubSchema>, filter: AddressFilter) {
  let query = db.selectFrom('standard_address');
  if (filter.parentCode !== undefined) query = query.where('parent_code', '=', filter.parentCode);
  if (filter.gridCode !== undefined) query = query.where('grid_code', '=', filter.gridCode);
  if (filter.level !== undefined) query = query.where('level', '=', filter.level);
  if (filter.scope !== undefined) query = query.where(addressScopeSql(filter.scope));
  if (filter.divisionPrefix !== undefined) {
    query = filter.divisionPrefix.length === 12
      ? query.where('division_code', '=', filter.divisionPrefix)
      : query.where('division_code', 'like', `${filter.divisionPrefix}%`);
  }
  return query;
}

/** Addresses in the registry, by level. */
export async function countAddressesByLevel(db: Kysely<HubSchema>): Promise<Record<AddressLevel, number>> {
  const rows = await db
    .selectFrom('standard_address')
    .select(['level', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy('level')
    .execute();
  const counts: Record<AddressLevel, number> = { DOOR: 0, BUILDING: 0, ROOM: 0 };
  for (const row of rows) counts[row.level] = Number(row.count);
  return counts;
}

/** Every address with the columns the resolver's index needs, in code order, a page at a time. */
export async function* streamIndexRows(db: Kysely<HubSchema>, pageSize = 20_000): AsyncGenerator<IndexRow[]> {
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom('standard_address')
      .select(['code', 'level', 'division_code', 'road', 'road_number', 'compound', 'building', 'unit', 'floor', 'room', 'parent_code'])
      .orderBy('code')
      .limit(pageSize);
    if (after !== undefined) query = query.where('code', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].code;
  }
}

/** The rooms and doors of the registry, in code order (where demo records are placed). */
export async function findRoomsAndDoors(db: Kysely<HubSchema>): Promise<StandardAddressRow[]> {
  return db.selectFrom('standard_address').selectAll().where('level', 'in', ['ROOM', 'DOOR']).orderBy('code').execute();
}

/**
 * Subqueries over `standard_address` for other tables' statements (the
 * crosswalk's), so that this table's SQL stays here: each yields `code`s.
 */

/** The codes of the addresses in an area (and, given a prefix, in a region: division codes starting with it). */
export function addressCodesIn(scope: AreaScope, divisionPrefix?: string) {
  const region = divisionPrefix === undefined ? sql`` : sql`and division_code like ${`${divisionPrefix}%`}`;
  return sql`select code from standard_address where ${addressScopeSql(scope)} ${region}`;
}

/**
 * An address and, with descendants, everything below it, each only where it
 * lies in the area — the address itself too: it may have been reached as the
 * building a room's mask shows, which the area was never asked about. Doors
 * hold buildings, buildings hold rooms: two levels below at most. One indexed
 * branch per level: an OR across them would scan the whole registry.
 */
export function addressTreeCodes(code: string, includeDescendants: boolean, scope: AreaScope) {
  const inScope = addressScopeSql(scope);
  if (!includeDescendants) return sql`select code from standard_address where code = ${code} and ${inScope}`;
  return sql`select code from standard_address where code = ${code} and ${inScope}
             union all select code from standard_address where parent_code = ${code} and ${inScope}
             union all select standard_address.code from standard_address join standard_address building on standard_address.parent_code = building.code
                       where building.parent_code = ${code} and ${inScope}`;
}
