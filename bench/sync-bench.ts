import { sql } from 'kysely';
import { AddressResolver } from '../src/address/address-resolver.js';
import { syncSource } from '../src/sync/sync-source.js';
import { buildBenchWorld } from './bench-world.js';
import { median, printTable, writeResults } from './report.js';

export interface SyncBenchOptions {
  /** Demo scale: 104 ≈ 1,000,000 persons. */
  scale: number;
  runs: number;
  out: string;
}

interface SyncRun {
  seconds: number;
  rows: number;
  bySource: Record<string, { rows: number; seconds: number }>;
}

/**
 * A full sync of the five sources at a scale (DESIGN §7: ≥ 20,000 rows/s at
 * 1,000,000 persons), from an empty crosswalk each run: the sources are
 * generated once, the hub's crosswalk emptied between runs. The registry grows
 * with the population, so addresses resolve as densely as in a real district.
 */
export async function runSyncBench(options: SyncBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log, { registryScale: Math.max(1, options.scale), sync: false });
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
      for (const source of world.sources) {
        const sourceStarted = performance.now();
        const results = await syncSource(world.hub.db, source, resolver, { full: true });
        bySource[source.connector.name] = { rows: results.reduce((n, r) => n + r.scanned, 0), seconds: (performance.now() - sourceStarted) / 1000 };
      }
      const seconds = (performance.now() - started) / 1000;
      runs.push({ seconds, rows: Object.values(bySource).reduce((n, s) => n + s.rows, 0), bySource });
    }
  } finally {
    clearInterval(sampler);
    await world.close();
  }
  const seconds = median(runs.map((r) => r.seconds));
  const rows = runs[0].rows;
  console.log(`full sync · ${world.kind} · scale ${options.scale} (${world.setup.residents.toLocaleString('en')} persons, ${world.setup.addresses.toLocaleString('en')} addresses) · ${options.runs} runs (median)`);
  const table = [['source', 'rows', 'seconds', 'rows/s']];
  for (const name of Object.keys(runs[0].bySource)) {
    const sourceSeconds = median(runs.map((r) => r.bySource[name].seconds));
    table.push([name, runs[0].bySource[name].rows.toLocaleString('en'), sourceSeconds.toFixed(1), Math.round(runs[0].bySource[name].rows / sourceSeconds).toLocaleString('en')]);
  }
  table.push(['all five', rows.toLocaleString('en'), seconds.toFixed(1), Math.round(rows / seconds).toLocaleString('en')]);
  printTable(table);
  console.log(`${Math.round(rows / seconds).toLocaleString('en')} rows/s against the 20,000 rows/s target (${(rows / seconds / 20_000).toFixed(2)}×); index build included; peak RSS ${Math.round(peakRss / 2 ** 20)} MB`);
  const file = writeResults(options.out, { bench: 'sync', database: world.kind, scale: options.scale, persons: world.setup.residents, addresses: world.setup.addresses, runs, medianSeconds: seconds, rowsPerSecond: rows / seconds, peakRssMB: Math.round(peakRss / 2 ** 20) });
  console.log(`results: ${file}`);
}
