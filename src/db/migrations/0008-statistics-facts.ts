import { type Kysely, sql } from 'kysely';

/**
 * The command centre's facts (issue 21), kept current by the sync itself:
 * statement-level triggers on `crosswalk` copy each event record's category, stage times and
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
  await sql`create index event_change_logged_idx on event_change (logged_at)`.execute(db);
  // Statement-level triggers over transition tables: one set-based write per
  // chunk the sync writes, not a function call per row (the sync's
  // `insert … on conflict do update` fires the INSERT trigger for new records
  // and the UPDATE trigger for changed ones).
  const factUpserts = (rows: string) => `
      insert into event_fact
      select n.source, n.source_table, n.record_id, n.entity_key,
        a.grid_code, a.division_code, left(a.division_code, 9), left(a.division_code, 6),
        n.shared->>'category',
        case when statistics_time(t.opened) is null then null else left(t.opened, 7) end, statistics_time(t.opened),
        statistics_time(n.shared->>'reportedAt'), statistics_time(n.shared->>'registeredAt'), statistics_time(n.shared->>'dispatchedAt'),
        statistics_time(n.shared->>'handledAt'), statistics_time(n.shared->>'verifiedAt'), statistics_time(n.shared->>'closedAt'),
        n.deleted or n.entity_key is null
      from ${rows} n
        left join standard_address a on a.code = n.address_code
        cross join lateral (select coalesce(n.shared->>'reportedAt', n.shared->>'registeredAt', n.shared->>'dispatchedAt',
                                            n.shared->>'handledAt', n.shared->>'verifiedAt', n.shared->>'closedAt') as opened) t
      where n.entity_kind = 'EVENT'
      on conflict (source, source_table, record_id) do update set
        entity_key = excluded.entity_key, grid_code = excluded.grid_code, community_code = excluded.community_code,
        street_code = excluded.street_code, district_code = excluded.district_code, category = excluded.category,
        opened_month = excluded.opened_month, opened_at = excluded.opened_at, reported_at = excluded.reported_at,
        registered_at = excluded.registered_at, dispatched_at = excluded.dispatched_at, handled_at = excluded.handled_at,
        verified_at = excluded.verified_at, closed_at = excluded.closed_at, deleted = excluded.deleted;
      insert into resident_fact
      select n.source, n.source_table, n.record_id, n.entity_key, a.grid_code,
        a.division_code, left(a.division_code, 9), left(a.division_code, 6), n.deleted
      from ${rows} n join standard_address a on a.code = n.address_code
      where n.entity_kind = 'PERSON' and n.entity_key is not null
      on conflict (source, source_table, record_id) do update set
        entity_key = excluded.entity_key, grid_code = excluded.grid_code, community_code = excluded.community_code,
        street_code = excluded.street_code, district_code = excluded.district_code, deleted = excluded.deleted;`;
  const STAGES = "array['reportedAt', 'registeredAt', 'dispatchedAt', 'handledAt', 'verifiedAt', 'closedAt']";
  await sql.raw(`
    create function statistics_facts_after_insert() returns trigger language plpgsql as $$
    begin
      ${factUpserts('new_rows')}
      insert into event_change (source, source_table, record_id, entity_key, change, stage, source_changed_at)
      select n.source, n.source_table, n.record_id, n.entity_key, c.change, c.stage, n.changed_at
      from new_rows n cross join lateral (values (0, 'CREATED', null), (1, 'CLOSED', 'closedAt')) as c (position, change, stage)
      where n.entity_kind = 'EVENT' and not n.deleted and n.entity_key is not null and (c.stage is null or n.shared->>'closedAt' is not null)
      order by c.position, n.record_id;
      return null;
    end $$`).execute(db);
  await sql.raw(`
    create function statistics_facts_after_update() returns trigger language plpgsql as $$
    begin
      ${factUpserts('new_rows')}
      delete from resident_fact r using new_rows n
      where n.entity_kind = 'PERSON' and n.address_code is null
        and r.source = n.source and r.source_table = n.source_table and r.record_id = n.record_id;
      insert into event_change (source, source_table, record_id, entity_key, change, stage, source_changed_at)
      select n.source, n.source_table, n.record_id, n.entity_key, c.change, c.stage, n.changed_at
      from new_rows n join old_rows o on o.source = n.source and o.source_table = n.source_table and o.record_id = n.record_id
        cross join lateral (
          select 0 as position, 'CREATED' as change, null as stage where o.deleted or o.entity_key is null
          union all
          select s.position, case when s.stage = 'closedAt' then 'CLOSED' else 'STAGE_REACHED' end, s.stage
          from unnest(${STAGES}) with ordinality as s (stage, position)
          where n.shared->>s.stage is not null and (o.shared->>s.stage is null or o.deleted or o.entity_key is null)
        ) c
      where n.entity_kind = 'EVENT' and not n.deleted and n.entity_key is not null
      order by n.record_id, c.position;
      return null;
    end $$`).execute(db);
  await sql`
    create trigger crosswalk_statistics_insert after insert on crosswalk
    referencing new table as new_rows for each statement execute function statistics_facts_after_insert()`.execute(db);
  await sql`
    create trigger crosswalk_statistics_update after update on crosswalk
    referencing old table as old_rows new table as new_rows for each statement execute function statistics_facts_after_update()`.execute(db);
  // Records synced before this migration.
  await sql`update crosswalk set deleted = deleted where entity_kind in ('EVENT', 'PERSON')`.execute(db);
  await sql`delete from event_change`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger crosswalk_statistics_update on crosswalk`.execute(db);
  await sql`drop trigger crosswalk_statistics_insert on crosswalk`.execute(db);
  await sql`drop function statistics_facts_after_update()`.execute(db);
  await sql`drop function statistics_facts_after_insert()`.execute(db);
  await sql`drop table event_change`.execute(db);
  await sql`drop table resident_fact`.execute(db);
  await sql`drop table event_fact`.execute(db);
  await sql`drop function statistics_time(text)`.execute(db);
}
