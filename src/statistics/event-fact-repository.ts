import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Connector } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { AREA_COLUMN, type StatisticsArea } from './statistics-area.js';

/** Events of one month, source table and category: how many were reported, closed and overdue. */
export interface EventCountRow {
  month: string;
  source: string;
  source_table: string;
  category: string | null;
  reported: number;
  closed: number;
  overdue: number;
}

/** One duration over the events of one month: its stages (`REPORTED` …), the events measured, median and 90th percentile in seconds. */
export interface DurationRow {
  month: string;
  from_stage: string;
  to_stage: string;
  count: number;
  median: number;
  p90: number;
}

/** The stages as the fact table holds them, in timeline order, with their EventStage names. */
const STAGE_COLUMNS = [
  ['REPORTED', 'reported_at'],
  ['REGISTERED', 'registered_at'],
  ['DISPATCHED', 'dispatched_at'],
  ['HANDLED', 'handled_at'],
  ['VERIFIED', 'verified_at'],
  ['CLOSED', 'closed_at'],
] as const;

/**
 * The time limits connectors declare, as a relation (source, category, seconds).
 * A `values` list needs one row, so no limits at all is an empty select.
 */
function timeLimits(connectors: readonly Connector[]): RawBuilder<unknown> {
  const rows = connectors.flatMap((connector) =>
    Object.entries(connector.statistics?.timeLimitHours ?? {}).map(([category, hours]) => sql`(${connector.name}::text, ${category}::text, ${hours * 3600}::float8)`),
  );
  if (rows.length === 0) return sql`(select null::text as source, null::text as category, null::float8 as seconds where false)`;
  return sql`(values ${sql.join(rows)})`;
}

const areaColumn = (area: StatisticsArea) => sql.ref(`f.${AREA_COLUMN[area.level]}`);

/**
 * Counts of the area's events whose first recorded stage lies in the months,
 * per month, source table and category. Overdue: the category has a limit and
 * the event was closed after it, or is open and past it now.
 */
export async function countEvents(db: Kysely<HubSchema>, connectors: readonly Connector[], area: StatisticsArea, from: string, to: string): Promise<EventCountRow[]> {
  const { rows } = await sql<EventCountRow>`
    select f.opened_month as month, f.source, f.source_table, f.category,
      count(*)::int as reported,
      count(f.closed_at)::int as closed,
      (count(*) filter (where l.seconds is not null and coalesce(f.closed_at, now()) > f.opened_at + l.seconds * interval '1 second'))::int as overdue
    from event_fact f left join ${timeLimits(connectors)} as l (source, category, seconds) on l.source = f.source and l.category = f.category
    where ${areaColumn(area)} = ${area.code} and f.opened_month between ${from} and ${to} and not f.deleted
    group by 1, 2, 3, 4`.execute(db);
  return rows;
}

/**
 * Median and 90th percentile (`percentile_disc`: a duration some event really
 * took) of each transition between consecutive recorded stages, as
 * `Event.durations` derives them, and of first stage → 结案 (`from_stage`
 * `FIRST`), per month.
 */
export async function measureDurations(db: Kysely<HubSchema>, area: StatisticsArea, from: string, to: string): Promise<DurationRow[]> {
  const stages = sql.join(STAGE_COLUMNS.map(([stage, column], i) => sql`(${sql.lit(i)}, ${stage}, ${sql.ref(`f.${column}`)})`));
  const beforeClose = sql.join(STAGE_COLUMNS.slice(0, -1).map(([, column]) => sql.ref(`f.${column}`)));
  const { rows } = await sql<DurationRow>`
    with measured as (
      select f.opened_month as month, t.from_stage, t.to_stage, t.seconds
      from event_fact f cross join lateral (
        select s.stage as from_stage, lead(s.stage) over w as to_stage, round(extract(epoch from lead(s.at) over w - s.at))::int as seconds
        from (values ${stages}) as s (position, stage, at)
        where s.at is not null
        window w as (order by s.position)
      ) t
      where ${areaColumn(area)} = ${area.code} and f.opened_month between ${from} and ${to} and not f.deleted and t.to_stage is not null
      union all
      select f.opened_month, 'FIRST', 'CLOSED', round(extract(epoch from f.closed_at - coalesce(${beforeClose})))::int
      from event_fact f
      where ${areaColumn(area)} = ${area.code} and f.opened_month between ${from} and ${to} and not f.deleted
        and f.closed_at is not null and coalesce(${beforeClose}) is not null
    )
    select month, from_stage, to_stage, count(*)::int as count,
      percentile_disc(0.5) within group (order by seconds) as median,
      percentile_disc(0.9) within group (order by seconds) as p90
    from measured group by 1, 2, 3`.execute(db);
  return rows;
}
