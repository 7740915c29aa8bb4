import { sql } from 'kysely';
import { AddressResolver } from '../src/address/address-resolver.js';
import { syncSources } from '../src/sync/sync-source.js';
import { buildBenchWorld } from './bench-world.js';
import { median, printTable, writeResults } from './report.js';

export interface SyncBenchOptions {
  /** Demo source scale: people per room and the like. */
  scale: number;
  /** Registry scale: 1 ≈ 5,200 addresses. Persons ≈ 9,640 × scale × registry scale. */
  registryScale: number;
  /** Tables synced at the same time, as `gridgraph sync --parallel`. */
  parallel: number;
  runs: number;
  out: string;
}

interface SyncRun {
  seconds: number;
  rows: number;
  bySource: Record<string, { rows: number; seconds: number }>;
}

/**
 * A full sync of the five sources at a scale (docs/design.md §7: ≥ 20,000 rows/s at
 * 1,000,000 persons), from an empty crosswalk each run: the sources are
 * generated once, the hub's crosswalk emptied between runs. The registry grows
 * with the population, so addresses resolve as densely as in a real district.
 */
export async function runSyncBench(options: SyncBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log, { registryScale: options.registryScale, sync: false });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const runs: SyncRun[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      await sql`truncate crosswalk, crosswalk_link, sync_watermark, sync_run`.execute(world.hub.db);
      log(`full sync, run ${run + 1}/${options.runs} …`);
      const resolver = new AddressResolver(world.hub.db);
      const started = performance.now();
      const bySource: SyncRun['bySource'] = {};
      // As `gridgraph sync` runs it: several tables at a time.
      await syncSources(world.hub.db, world.sources, resolver, {
        full: true,
        parallel: options.parallel,
        onSourceDone: (name, results) => {
          bySource[name] = { rows: results.reduce((n, r) => n + r.scanned, 0), seconds: (performance.now() - started) / 1000 };
        },
      });
      const seconds = (performance.now() - started) / 1000;
      runs.push({ seconds, rows: Object.values(bySource).reduce((n, s) => n + s.rows, 0), bySource });
    }
  } finally {
    clearInterval(sampler);
    await world.close();
  }
  const seconds = median(runs.map((r) => r.seconds));
  const rows = runs[0].rows;
  console.log(`full sync · ${world.kind} · scale ${options.scale}, registry scale ${options.registryScale} (${world.setup.residents.toLocaleString('en')} persons, ${world.setup.addresses.toLocaleString('en')} addresses) · ${options.runs} runs (median)`);
  const table = [['source', 'rows', 'done after (s)']];
  for (const name of Object.keys(runs[0].bySource)) {
    table.push([name, runs[0].bySource[name].rows.toLocaleString('en'), median(runs.map((r) => r.bySource[name].seconds)).toFixed(1)]);
  }
  table.push(['all five', rows.toLocaleString('en'), seconds.toFixed(1)]);
  printTable(table);
  console.log(`${options.parallel} table(s) at a time`);
  console.log(`${Math.round(rows / seconds).toLocaleString('en')} rows/s against the 20,000 rows/s target (${(rows / seconds / 20_000).toFixed(2)}×); index build included; peak RSS ${Math.round(peakRss / 2 ** 20)} MB`);
  const file = writeResults(options.out, { bench: 'sync', database: world.kind, scale: options.scale, persons: world.setup.residents, addresses: world.setup.addresses, runs, medianSeconds: seconds, rowsPerSecond: rows / seconds, peakRssMB: Math.round(peakRss / 2 ** 20) });
  console.log(`results: ${file}`);
}
