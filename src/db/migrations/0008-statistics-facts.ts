import { type Kysely, sql } from 'kysely';

/**
 * The command centre's facts (issue 21), kept current by the sync itself:
 * triggers on `crosswalk` copy each event record's category, stage times and
 * area into `event_fact`, each person record's area into `resident_fact`, and
 * log what changed about an event (created, a stage reached, closed) into
 * `event_change` for the live feed. Statistics then read narrow, indexed
 * tables instead of the crosswalk's JSON; the sync code is untouched.
 *
 * An area is stored at every level (grid, 12-digit community, 9-digit street,
 * 6-digit district), taken from the record's standard address when the record
 * was written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A stage time as the sync stores it (ISO 8601 with the source's offset), or null for anything else.
  await sql`
    create function statistics_time(value text) returns timestamptz language sql immutable as $$
      select case when value ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(Z|[+-]\\d{2}:\\d{2})$' then value::timestamptz end
    $$`.execute(db);
  await sql`
    create table event_fact (
      source text not null,
      source_table text not null,
      record_id text not null,
      entity_key text,
      grid_code text,
      community_code text,
      street_code text,
      district_code text,
      category text,
      -- The first recorded stage's local month (yyyy-MM), as the source wrote it.
      opened_month text,
      opened_at timestamptz,
      reported_at timestamptz,
      registered_at timestamptz,
      dispatched_at timestamptz,
      handled_at timestamptz,
      verified_at timestamptz,
      closed_at timestamptz,
      deleted boolean not null,
      primary key (source, source_table, record_id)
    )`.execute(db);
  for (const level of ['grid', 'community', 'street', 'district']) {
    await sql`create index ${sql.raw(`event_fact_${level}_idx`)} on event_fact (${sql.raw(`${level}_code`)}, opened_month)`.execute(db);
  }
  await sql`create index event_fact_open_idx on event_fact (opened_at) where closed_at is null and not deleted`.execute(db);
  await sql`
    create table resident_fact (
      source text not null,
      source_table text not null,
      record_id text not null,
      entity_key text not null,
      grid_code text,
      community_code text not null,
      street_code text not null,
      district_code text not null,
      deleted boolean not null,
      primary key (source, source_table, record_id)
    )`.execute(db);
  for (const level of ['grid', 'community', 'street', 'district']) {
    await sql`create index ${sql.raw(`resident_fact_${level}_idx`)} on resident_fact (${sql.raw(`${level}_code`)}, entity_key) where not deleted`.execute(db);
  }
  await sql`
    create table event_change (
      id bigserial primary key,
      source text not null,
      source_table text not null,
      record_id text not null,
      entity_key text not null,
      -- CREATED, STAGE_REACHED or CLOSED
      change text not null,
      -- The stage reached (reportedAt …) for STAGE_REACHED and CLOSED.
      stage text,
      -- The source's change value of the row, as it wrote it.
      source_changed_at text,
      logged_at timestamptz not null default clock_timestamp()
    )`.execute(db);
  await sql`
    create function event_fact_from_crosswalk() returns trigger language plpgsql as $$
    declare
      place record;
      s jsonb := coalesce(new.shared, '{}'::jsonb);
      o jsonb := case when tg_op = 'UPDATE' then coalesce(old.shared, '{}'::jsonb) else '{}'::jsonb end;
      opened text := coalesce(s->>'reportedAt', s->>'registeredAt', s->>'dispatchedAt', s->>'handledAt', s->>'verifiedAt', s->>'closedAt');
      stage text;
    begin
      select grid_code, division_code into place from standard_address where code = new.address_code;
      insert into event_fact as f values (
        new.source, new.source_table, new.record_id, new.entity_key,
        place.grid_code, place.division_code, left(place.division_code, 9), left(place.division_code, 6),
        s->>'category', case when statistics_time(opened) is null then null else left(opened, 7) end, statistics_time(opened),
        statistics_time(s->>'reportedAt'), statistics_time(s->>'registeredAt'), statistics_time(s->>'dispatchedAt'),
        statistics_time(s->>'handledAt'), statistics_time(s->>'verifiedAt'), statistics_time(s->>'closedAt'),
        new.deleted or new.entity_key is null)
      on conflict (source, source_table, record_id) do update set
        entity_key = excluded.entity_key, grid_code = excluded.grid_code, community_code = excluded.community_code,
        street_code = excluded.street_code, district_code = excluded.district_code, category = excluded.category,
        opened_month = excluded.opened_month, opened_at = excluded.opened_at, reported_at = excluded.reported_at,
        registered_at = excluded.registered_at, dispatched_at = excluded.dispatched_at, handled_at = excluded.handled_at,
        verified_at = excluded.verified_at, closed_at = excluded.closed_at, deleted = excluded.deleted;
      if new.deleted or new.entity_key is null then return null; end if;
      if tg_op = 'INSERT' or old.deleted or old.entity_key is null then
        insert into event_change (source, source_table, record_id, entity_key, change, source_changed_at)
          values (new.source, new.source_table, new.record_id, new.entity_key, 'CREATED', new.changed_at);
      end if;
      foreach stage in array array['reportedAt', 'registeredAt', 'dispatchedAt', 'handledAt', 'verifiedAt', 'closedAt'] loop
        if s->>stage is not null and (o->>stage is null or tg_op = 'INSERT') and (tg_op = 'UPDATE' or stage = 'closedAt') then
          insert into event_change (source, source_table, record_id, entity_key, change, stage, source_changed_at)
            values (new.source, new.source_table, new.record_id, new.entity_key,
                    case when stage = 'closedAt' then 'CLOSED' else 'STAGE_REACHED' end, stage, new.changed_at);
        end if;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger crosswalk_event_fact after insert or update on crosswalk
    for each row when (new.entity_kind = 'EVENT') execute function event_fact_from_crosswalk()`.execute(db);
  await sql`
    create function resident_fact_from_crosswalk() returns trigger language plpgsql as $$
    declare place record;
    begin
      select division_code, grid_code into place from standard_address where code = new.address_code;
      if place.division_code is null then
        delete from resident_fact where source = new.source and source_table = new.source_table and record_id = new.record_id;
        return null;
      end if;
      insert into resident_fact as r values (
        new.source, new.source_table, new.record_id, new.entity_key, place.grid_code,
        place.division_code, left(place.division_code, 9), left(place.division_code, 6), new.deleted)
      on conflict (source, source_table, record_id) do update set
        entity_key = excluded.entity_key, grid_code = excluded.grid_code, community_code = excluded.community_code,
        street_code = excluded.street_code, district_code = excluded.district_code, deleted = excluded.deleted;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger crosswalk_resident_fact after insert or update on crosswalk
    for each row when (new.entity_kind = 'PERSON' and new.entity_key is not null)
    execute function resident_fact_from_crosswalk()`.execute(db);
  // Records synced before this migration.
  await sql`update crosswalk set deleted = deleted where entity_kind in ('EVENT', 'PERSON')`.execute(db);
  await sql`delete from event_change`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger crosswalk_resident_fact on crosswalk`.execute(db);
  await sql`drop trigger crosswalk_event_fact on crosswalk`.execute(db);
  await sql`drop function resident_fact_from_crosswalk()`.execute(db);
  await sql`drop function event_fact_from_crosswalk()`.execute(db);
  await sql`drop table event_change`.execute(db);
  await sql`drop table resident_fact`.execute(db);
  await sql`drop table event_fact`.execute(db);
  await sql`drop function statistics_time(text)`.execute(db);
}
