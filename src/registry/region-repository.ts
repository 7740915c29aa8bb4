import { type Kysely, sql } from 'kysely';
import type { HubSchema, RegionLevel, RegionRow } from '../db/hub-schema.js';
import { upsertRows, type UpsertTable } from '../db/upsert-rows.js';

/** All SQL on `region`. */

const REGION: UpsertTable<RegionRow> = {
  name: 'region',
  columns: { code: 'text', name: 'text', level: 'text', parent_code: 'text' },
  key: ['code'],
};

/** Inserts or renames regions by code; returns how many were new or changed. */
export async function upsertRegions(db: Kysely<HubSchema>, regions: readonly RegionRow[]): Promise<number> {
  const { inserted, updated } = await upsertRows(db, REGION, regions);
  return inserted + updated;
}

export async function findRegionsByCode(db: Kysely<HubSchema>, codes: readonly string[]): Promise<RegionRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('region').selectAll().where('code', 'in', codes).execute();
}

/** Which regions a list shows: the children of one region, or every region of a level. */
export interface RegionFilter {
  parentCode?: string;
  level?: RegionLevel;
}

export async function pageRegions(
  db: Kysely<HubSchema>,
  filter: RegionFilter,
  after: string | undefined,
  limit: number,
): Promise<RegionRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('code').limit(limit);
  if (after !== undefined) query = query.where('code', '>', after);
  return query.execute();
}

export async function countRegions(db: Kysely<HubSchema>, filter: RegionFilter): Promise<number> {
  const row = await filtered(db, filter).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

function filtered(db: Kysely<HubSchema>, filter: RegionFilter) {
  let query = db.selectFrom('region');
  if (filter.parentCode !== undefined) query = query.where('parent_code', '=', filter.parentCode);
  if (filter.level !== undefined) query = query.where('level', '=', filter.level);
  return query;
}

export async function findAllRegions(db: Kysely<HubSchema>): Promise<RegionRow[]> {
  return db.selectFrom('region').selectAll().execute();
}
