import { type Kysely, sql } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';
import { AREA_COLUMN, type AreaLevel } from './statistics-area.js';

/**
 * Residents per area (`area_residents`), counted after a sync rather than per
 * request: distinct persons whose live records place them in the area, at each
 * level. Triggers on `resident_fact` mark the counts stale when a sync changes
 * a resident (migration 0009); the sync calls this when it finishes, and it
 * recounts only then. A request between a sync's writes and its recount sees
 * the counts of the sync before — at most one sync behind.
 *
 * The recount first takes `resident_fact` in share mode: it waits for the syncs
 * writing it to commit (a writer that found the counts stale already marked
 * nothing, and its rows must be in this count) and keeps new writers out until
 * it has cleared the mark and counted; their marks then stand for the next
 * recount.
 */
export async function recountResidentsIfStale(db: Kysely<HubSchema>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows: state } = await sql<{ stale: boolean }>`select stale from resident_count_state`.execute(trx);
    if (state[0]?.stale !== true) return false;
    await sql`lock table resident_fact in share mode`.execute(trx);
    const { rows } = await sql`update resident_count_state set stale = false, counted_at = now() where stale returning 1 as recount`.execute(trx);
    if (rows.length === 0) return false;
    await sql`delete from area_residents`.execute(trx);
    for (const level of Object.keys(AREA_COLUMN) as AreaLevel[]) {
      const column = sql.ref(AREA_COLUMN[level]);
      await sql`
        insert into area_residents (level, area_code, residents)
        select ${level}, ${column}, count(*) from (
          select distinct ${column}, entity_key from resident_fact where not deleted and ${column} is not null
        ) as resident
        group by ${column}`.execute(trx);
    }
    return true;
  });
}

/** The residents of an area as last counted (one statement); a hub never counted yet is counted first. */
export async function readResidentCount(db: Kysely<HubSchema>, level: AreaLevel, code: string): Promise<number> {
  const read = () => sql<{ counted: boolean; residents: number | null }>`
    select counted_at is not null as counted,
      (select residents from area_residents where level = ${level} and area_code = ${code}) as residents
    from resident_count_state`.execute(db);
  let { rows } = await read();
  if (rows[0]?.counted !== true && (await recountResidentsIfStale(db))) ({ rows } = await read());
  return rows[0]?.residents ?? 0;
}
