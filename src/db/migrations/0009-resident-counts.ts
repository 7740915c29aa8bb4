import { type Kysely, sql } from 'kysely';

/**
 * Residents per area, counted once after a sync instead of on every request
 * (issue 21): a person is counted once per area whatever number of records
 * place them there, and at a district of a million people that count is two
 * seconds of work. Statement-level triggers on `resident_fact` mark the counts
 * stale when a sync changed any resident; the sync recounts stale counts when
 * it finishes (statistics/resident-counts.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table area_residents (
      -- GRID, COMMUNITY, STREET or DISTRICT
      level text not null,
      area_code text not null,
      residents integer not null,
      primary key (level, area_code)
    )`.execute(db);
  await sql`
    create table resident_count_state (
      only_row boolean primary key default true check (only_row),
      stale boolean not null,
      counted_at timestamptz
    )`.execute(db);
  await sql`insert into resident_count_state (stale) values (true)`.execute(db);
  // Transition tables allow one event per trigger: three triggers, one function.
  await sql`
    create function resident_counts_mark_stale() returns trigger language plpgsql as $$
    begin
      if exists (select from changed_rows) then
        update resident_count_state set stale = true where not stale;
      end if;
      return null;
    end $$`.execute(db);
  for (const [event, rows] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
    await sql.raw(`
      create trigger resident_fact_${event}_marks_counts after ${event} on resident_fact
      referencing ${rows} table as changed_rows for each statement execute function resident_counts_mark_stale()`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger resident_fact_${event}_marks_counts on resident_fact`).execute(db);
  await sql`drop function resident_counts_mark_stale()`.execute(db);
  await sql`drop table resident_count_state`.execute(db);
  await sql`drop table area_residents`.execute(db);
}
