import type { Kysely } from 'kysely';
import type { Connector } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { countEvents, type DurationRow, type EventCountRow, measureDurations } from './event-fact-repository.js';
import { monthsBetween } from './months.js';
import { readResidentCount } from './resident-counts.js';
import type { StatisticsArea } from './statistics-area.js';
import { MIN_COUNT, MIN_RESIDENTS, protectBreakdown, type RawCounts, type ShownCounts, shownCount, shownCounts } from './suppression.js';

export type Stage = 'REPORTED' | 'REGISTERED' | 'DISPATCHED' | 'HANDLED' | 'VERIFIED' | 'CLOSED';

/** A duration as served: null below the minimum count. */
export interface ShownDuration {
  from: Stage;
  to: Stage;
  count: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** One area's figures for one month, as `AreaStatistics` serves them. */
export interface AreaStatistics {
  period: string;
  areaCode: string;
  residents: number | null;
  events: ShownCounts;
  byDepartment: { group: string; counts: ShownCounts }[];
  byKind: { group: string; counts: ShownCounts }[];
  byCategory: { group: string; counts: ShownCounts }[];
  stageDurations: ShownDuration[];
  reportToClose: ShownDuration;
  incidentsPer1000: number | null;
  disputesPer1000: number | null;
  /** The figures before suppression, for the stability index; never served. */
  raw: RawMonth;
}

/** The figures of a month before suppression. */
export interface RawMonth {
  readonly residents: number;
  readonly events: RawCounts;
  readonly incidents: number;
  readonly disputes: number;
}

/** The group a category-less event falls in. */
export const UNCATEGORISED = '(uncategorised)';

const STAGE_ORDER: readonly Stage[] = ['REPORTED', 'REGISTERED', 'DISPATCHED', 'HANDLED', 'VERIFIED', 'CLOSED'];

/** Reads an area's figures for each month from `from` to `to`: four statements whatever the range. */
export async function areaStatistics(
  db: Kysely<HubSchema>,
  connectors: readonly Connector[],
  area: StatisticsArea,
  from: string,
  to: string,
): Promise<AreaStatistics[]> {
  const months = monthsBetween(from, to);
  const [counts, durations, residents] = await Promise.all([
    countEvents(db, connectors, area, from, to),
    measureDurations(db, area, from, to),
    readResidentCount(db, area.level, area.code),
  ]);
  const describe = tableDescriptions(connectors);
  return months.map((month) =>
    monthStatistics(
      month,
      area,
      residents,
      counts.filter((row) => row.month === month),
      durations.filter((row) => row.month === month),
      describe,
    ),
  );
}

interface TableDescription {
  readonly department: string;
  readonly kind: string;
  readonly rateKind?: 'INCIDENT' | 'DISPUTE';
}

/** What each event table is: its connector (the department group), its facet (the kind group), what it counts as in rates. */
function tableDescriptions(connectors: readonly Connector[]): (source: string, table: string) => TableDescription {
  const byTable = new Map<string, TableDescription>();
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      if (mapping.entity !== 'EVENT') continue;
      byTable.set(`${connector.name}\u0000${mapping.table}`, {
        department: connector.name,
        kind: mapping.facet.field,
        rateKind: connector.statistics?.rateKinds?.[mapping.table],
      });
    }
  }
  return (source, table) => byTable.get(`${source}\u0000${table}`) ?? { department: source, kind: table };
}

function monthStatistics(
  month: string,
  area: StatisticsArea,
  residents: number,
  counts: readonly EventCountRow[],
  durations: readonly DurationRow[],
  describe: (source: string, table: string) => TableDescription,
): AreaStatistics {
  const total = sum(counts);
  const groupBy = (key: (row: EventCountRow) => string) => {
    const groups = new Map<string, EventCountRow[]>();
    for (const row of counts) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
    const names = [...groups.keys()].sort();
    const raw = names.map((name) => sum(groups.get(name)!));
    const shown = raw.map(shownCounts);
    protectBreakdown(raw, shown);
    return names.map((group, i) => ({ group, counts: shown[i] }));
  };
  const ofRateKind = (kind: 'INCIDENT' | 'DISPUTE') => counts.filter((row) => describe(row.source, row.source_table).rateKind === kind).reduce((n, row) => n + row.reported, 0);
  const incidents = ofRateKind('INCIDENT');
  const disputes = ofRateKind('DISPUTE');
  const residentsShown = residents >= MIN_RESIDENTS;
  const rate = (count: number) => (!residentsShown || shownCount(count) === null ? null : Math.round((count * 1000 * 100) / residents) / 100);
  const duration = (from: Stage | 'FIRST', to: Stage): ShownDuration => {
    const row = durations.find((d) => d.from_stage === from && d.to_stage === to);
    const shown = row !== undefined && row.count >= MIN_COUNT;
    return { from: from === 'FIRST' ? 'REPORTED' : from, to, count: row === undefined ? 0 : shown ? row.count : null, medianSeconds: shown ? row.median : null, p90Seconds: shown ? row.p90 : null };
  };
  const transitions = durations
    .filter((d) => d.from_stage !== 'FIRST')
    .sort((a, b) => STAGE_ORDER.indexOf(a.from_stage as Stage) - STAGE_ORDER.indexOf(b.from_stage as Stage) || STAGE_ORDER.indexOf(a.to_stage as Stage) - STAGE_ORDER.indexOf(b.to_stage as Stage));
  return {
    period: month,
    areaCode: area.code,
    residents: residentsShown ? residents : null,
    events: shownCounts(total),
    byDepartment: groupBy((row) => describe(row.source, row.source_table).department),
    byKind: groupBy((row) => describe(row.source, row.source_table).kind),
    byCategory: groupBy((row) => row.category ?? UNCATEGORISED),
    stageDurations: transitions.map((d) => duration(d.from_stage as Stage, d.to_stage as Stage)),
    reportToClose: duration('FIRST', 'CLOSED'),
    incidentsPer1000: rate(incidents),
    disputesPer1000: rate(disputes),
    raw: { residents, events: total, incidents, disputes },
  };
}

function sum(rows: readonly RawCounts[]): RawCounts {
  return rows.reduce((a, row) => ({ reported: a.reported + row.reported, closed: a.closed + row.closed, overdue: a.overdue + row.overdue }), { reported: 0, closed: 0, overdue: 0 });
}
