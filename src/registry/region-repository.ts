import { type Kysely, sql } from 'kysely';
import type { HubSchema, RegionLevel, RegionRow } from '../db/hub-schema.js';

/** All SQL on `region`. */

/** Inserts or renames regions by code; returns how many were new or changed. */
export async function upsertRegions(db: Kysely<HubSchema>, regions: readonly RegionRow[]): Promise<number> {
  if (regions.length === 0) return 0;
  const { rows } = await sql`
    insert into region (code, name, level, parent_code)
    select * from unnest(${regions.map((r) => r.code)}::text[], ${regions.map((r) => r.name)}::text[],
                         ${regions.map((r) => r.level)}::text[], ${regions.map((r) => r.parent_code)}::text[])
    on conflict (code) do update set name = excluded.name, level = excluded.level, parent_code = excluded.parent_code
    where (region.name, region.level, region.parent_code) is distinct from (excluded.name, excluded.level, excluded.parent_code)
    returning code`.execute(db);
  return rows.length;
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
