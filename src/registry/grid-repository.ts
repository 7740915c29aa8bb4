import { type Kysely, sql } from 'kysely';
import type { GridRow, HubSchema } from '../db/hub-schema.js';
import { type UpsertCounts, upsertRows, type UpsertTable } from '../db/upsert-rows.js';

/** All SQL on `grid`. */

export type GridWrite = Omit<GridRow, 'updated_at'>;

const GRID: UpsertTable<GridWrite> = {
  name: 'grid',
  columns: { code: 'text', name: 'text', kind: 'text', community_code: 'text' },
  key: ['code'],
  stamped: 'updated_at',
};

/** Inserts or updates grids by code; a grid already as given is not touched. */
export async function upsertGrids(db: Kysely<HubSchema>, grids: readonly GridWrite[]): Promise<UpsertCounts> {
  return upsertRows(db, GRID, grids);
}

/** Which of the given grid codes are registered. */
export async function findExistingGridCodes(db: Kysely<HubSchema>, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('grid').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((row) => row.code));
}

export async function findGridsByCode(db: Kysely<HubSchema>, codes: readonly string[]): Promise<GridRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('grid').selectAll().where('code', 'in', codes).execute();
}

/** Which grids a list shows: those of a region (by the leading digits of its community codes), or all. */
export interface GridFilter {
  divisionPrefix?: string;
}

export async function pageGrids(
  db: Kysely<HubSchema>,
  filter: GridFilter,
  after: string | undefined,
  limit: number,
): Promise<GridRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('code').limit(limit);
  if (after !== undefined) query = query.where('code', '>', after);
  return query.execute();
}

export async function countGrids(db: Kysely<HubSchema>, filter: GridFilter): Promise<number> {
  const row = await filtered(db, filter).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

function filtered(db: Kysely<HubSchema>, filter: GridFilter) {
  let query = db.selectFrom('grid');
  if (filter.divisionPrefix !== undefined) query = query.where('community_code', 'like', `${filter.divisionPrefix}%`);
  return query;
}
