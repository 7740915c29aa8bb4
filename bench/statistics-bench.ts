import { sql } from 'kysely';
import { connectors } from '../connectors/index.js';
import { AddressResolver } from '../src/address/address-resolver.js';
import { areaStatistics } from '../src/statistics/area-statistics.js';
import { EventFeed } from '../src/statistics/event-feed.js';
import { stabilityIndex } from '../src/statistics/stability-index.js';
import type { StatisticsArea } from '../src/statistics/statistics-area.js';
import { startContinuousSync } from '../src/sync/continuous-sync.js';
import { buildBenchWorld } from './bench-world.js';
import { median, printTable, writeResults } from './report.js';

export interface StatisticsBenchOptions {
  /** Registry scale, the population growing with it (104 ≈ 1,000,000 persons). */
  registryScale: number;
  /** People per room and the like. @default 1 */
  sourceScale: number;
  runs: number;
  out: string;
}

/**
 * A district month's statistics and stability index at a large district (issue
 * 21: well under a second at 1,000,000 persons), and the live feed's delay from
 * a source row's change to the subscriber's notification under continuous sync.
 */
export async function runStatisticsBench(options: StatisticsBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.sourceScale, log, { registryScale: options.registryScale });
  try {
    const db = world.hub.db;
    await sql`analyze event_fact`.execute(db);
    await sql`analyze resident_fact`.execute(db);
    const { rows: facts } = await sql<{ events: number; residents: number }>`
      select (select count(*)::int from event_fact) as events, (select count(distinct entity_key)::int from resident_fact where not deleted) as residents`.execute(db);
    const { rows: busiest } = await sql<{ district: string; street: string; month: string; events: number }>`
      select district_code as district, min(street_code) as street, opened_month as month, count(*)::int as events from event_fact
      where not deleted and district_code is not null group by district_code, opened_month order by count(*) desc limit 1`.execute(db);
    const { district, street, month } = busiest[0];
    const measure = async (area: StatisticsArea) => {
      const times: number[] = [];
      let figures;
      for (let run = 0; run < options.runs; run++) {
        const started = performance.now();
        [figures] = await areaStatistics(db, connectors, area, month, month);
        stabilityIndex(area.code, month, figures.raw);
        times.push(performance.now() - started);
      }
      return { ms: median(times), figures: figures! };
    };
    const districtRun = await measure({ level: 'DISTRICT', code: district });
    const streetRun = await measure({ level: 'STREET', code: street });
    const feedDelays = await measureFeedDelay(world, options.runs, log);
    const rows = [
      ['measure', 'figure'],
      ['persons (resident facts)', String(facts[0].residents)],
      ['events (all months)', String(facts[0].events)],
      [`district ${district} ${month}: events in the month`, String(busiest[0].events)],
      ['district month statistics + index, median ms', districtRun.ms.toFixed(1)],
      [`street ${street} month statistics + index, median ms`, streetRun.ms.toFixed(1)],
      ['feed delay, source change → notification (1 s sync interval), median ms', median(feedDelays).toFixed(0)],
    ];
    printTable(rows);
    const file = writeResults(options.out, { kind: world.kind, setup: { ...world.setup, syncResults: undefined }, facts: facts[0], district, street, month, districtMs: districtRun.ms, streetMs: streetRun.ms, feedDelaysMs: feedDelays, index: stabilityIndex(district, month, districtRun.figures.raw) });
    log(`results written to ${file}`);
  } finally {
    await world.close();
  }
}

/** Inserts an incident into the police source while a continuous sync runs, and times its arrival at a subscriber of its district. */
async function measureFeedDelay(world: Awaited<ReturnType<typeof buildBenchWorld>>, runs: number, log: (line: string) => void): Promise<number[]> {
  const db = world.hub.db;
  const police = world.sources.find((source) => source.connector.name === 'police')!;
  const { rows } = await sql<{ full_text: string; district: string }>`select full_text, left(division_code, 6) as district from standard_address where level = 'ROOM' order by code limit 1`.execute(db);
  const feed = new EventFeed(db, connectors, { pollMs: 1_000 });
  const changes = await feed.subscribe({ grids: [], communities: [], streets: [], districts: [rows[0].district], everywhere: false });
  const sync = startContinuousSync(db, [police], new AddressResolver(db), { intervalSeconds: 1, databaseUrl: undefined, onTableSynced: () => feed.notify() });
  const delays: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const key = `JQBENCH${String(run).padStart(6, '0')}`;
      const local = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const started = performance.now();
      await sql`insert into "T_JQ_JQXX" ("JQBH", "JQLB", "JQNR", "FADZ", "BJSJ", "GXSJ") values (${key}, '02', '盗窃', ${rows[0].full_text}, ${local}, ${local})`.execute(police.db);
      for (;;) {
        const next = await changes.next();
        if (next.done) throw new Error('the feed ended');
        if (next.value.eventChanged.event.key === `police:${key}`) break;
      }
      delays.push(performance.now() - started);
      log(`feed delay run ${run + 1}: ${delays.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await changes.return?.();
    await sync.stop();
    feed.close();
  }
  return delays;
}
