import { AddressResolver } from '../src/address/address-resolver.js';
import { pacedSteps } from '../src/sync/continuous-sync.js';
import { syncSources } from '../src/sync/sync-source.js';
import { buildBenchWorld } from './bench-world.js';
import { DOOR_PLATE_DOSSIER, load, type Measured, medianOf, startGraphTarget } from './dossier-targets.js';
import { printTable } from './report.js';

export interface SyncInterferenceOptions {
  scale: number;
  /** Seconds of load per measurement. */
  duration: number;
  runs: number;
  perList: number;
}

/**
 * Does a running sync starve requests (issue 16)? The door-plate dossier's
 * p50 at concurrency 1, alone and while full resyncs of all five sources run
 * back to back in the same process, as continuous sync runs them (steps of
 * 1,000 rows, paced by `pacedSteps`).
 */
export async function runSyncInterferenceBench(options: SyncInterferenceOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  const graph = await startGraphTarget(world, DOOR_PLATE_DOSSIER, options.perList);
  try {
    const keys = await DOOR_PLATE_DOSSIER.keys(world.hub.db, 20);
    const idle: Measured[] = [];
    const syncing: Measured[] = [];
    let rowsSynced = 0;
    for (let run = 0; run < options.runs; run++) {
      log(`run ${run + 1}/${options.runs}: without a sync …`);
      idle.push(await load(graph, keys, 1, options.duration));
      log(`run ${run + 1}/${options.runs}: with a full resync running …`);
      let stopping = false;
      const resyncing = (async () => {
        while (!stopping) {
          await syncSources(world.hub.db, world.sources, new AddressResolver(world.hub.db), {
            full: true,
            parallel: 1,
            chunkSize: 1_000,
            betweenChunks: pacedSteps(() => stopping),
            onProgress: (p) => p.phase === 'scan' && (rowsSynced += 1_000),
          });
        }
      })();
      syncing.push(await load(graph, keys, 1, options.duration));
      stopping = true;
      await resyncing;
    }
    const [alone, during] = [medianOf(idle), medianOf(syncing)];
    console.log(`door-plate dossier, concurrency 1 · ${world.kind} · scale ${options.scale} · ${options.duration}s × ${options.runs} runs (median) · ≈${rowsSynced} rows resynced during the load`);
    printTable([
      ['', 'p50', 'p99', 'req/s'],
      ['without a sync', `${alone.p50} ms`, `${alone.p99} ms`, alone.rps.toFixed(0)],
      ['with a full resync running', `${during.p50} ms`, `${during.p99} ms`, during.rps.toFixed(0)],
      ['ratio', `${(during.p50 / Math.max(alone.p50, 0.01)).toFixed(2)}×`, `${(during.p99 / Math.max(alone.p99, 0.01)).toFixed(2)}×`, `${(during.rps / Math.max(alone.rps, 0.01)).toFixed(2)}×`],
    ]);
  } finally {
    await graph.close();
    await world.close();
  }
}
