import { countStatements } from '../src/db/statement-counter.js';
import { buildBenchWorld, type BenchWorld } from './bench-world.js';
import { assertSameAnswers, type Dossier, DOOR_PLATE_DOSSIER, load, type Measured, medianOf, post, RESIDENT_DOSSIER, startFloorTarget, startGraphTarget } from './dossier-targets.js';
import { printTable, writeResults } from './report.js';

export interface DossierBenchOptions {
  scale: number;
  /** Seconds of load per measurement. */
  duration: number;
  runs: number;
  /** Items per list in the dossier. */
  perList: number;
  out: string;
}

/**
 * Two dossiers through gridgraph over HTTP — a door plate's (everything at the
 * door and below: residents with police and civil-affairs facets,
 * organizations with licences, events with timelines, objects) and a
 * resident's (facets of every department, residence, organizations, events,
 * conflicts) — each against its hand-written SQL floor served by the same HTTP
 * stack, in the same run, at concurrency 1 and 16. Prints p50, p99, requests/s, the ratios, SQL
 * statements per request and the process's peak memory.
 */
export async function runDossierBench(options: DossierBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const measured: DossierResult[] = [];
    for (const dossier of [DOOR_PLATE_DOSSIER, RESIDENT_DOSSIER]) measured.push(await measureDossier(world, dossier, options, log));

    console.log(`dossiers · ${world.kind} · scale ${options.scale} (${world.setup.residents} residents, ${world.setup.sourceRows} source rows) · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median)`);
    const rows = [['dossier', 'concurrency', 'gridgraph p50', 'floor p50', 'p50 ratio', 'gridgraph p99', 'floor p99', 'gridgraph req/s', 'floor req/s', 'throughput ratio']];
    for (const { dossier, results } of measured) {
      for (const [name, { graph, floor: hand }] of Object.entries(results)) {
        rows.push([dossier, name.slice(1), `${graph.p50} ms`, `${hand.p50} ms`, `${(graph.p50 / Math.max(hand.p50, 0.01)).toFixed(2)}×`, `${graph.p99} ms`, `${hand.p99} ms`,
          graph.rps.toFixed(0), hand.rps.toFixed(0), `${(graph.rps / Math.max(hand.rps, 0.01)).toFixed(2)}×`]);
      }
    }
    printTable(rows);
    for (const { dossier, statementsPerRequest } of measured) {
      console.log(`SQL statements per ${dossier} request: gridgraph ${JSON.stringify(statementsPerRequest.gridgraph)}, floor ${JSON.stringify(statementsPerRequest.floor)}`);
    }
    console.log(`peak RSS of this process (server, floor and load generator${world.kind.startsWith('PGlite') ? ', and the PGlite databases' : ''}): ${Math.round(peakRss / 2 ** 20)} MB`);
    const file = writeResults(options.out, {
      bench: 'dossier',
      database: world.kind,
      scale: options.scale,
      setup: { ...world.setup, syncResults: undefined },
      perList: options.perList,
      durationSeconds: options.duration,
      runs: options.runs,
      dossiers: measured,
      peakRssMB: Math.round(peakRss / 2 ** 20),
    });
    console.log(`results: ${file}`);
  } finally {
    clearInterval(sampler);
    await world.close();
  }
}

interface DossierResult {
  dossier: string;
  keys: number;
  results: Record<string, { graph: Measured; floor: Measured }>;
  statementsPerRequest: { gridgraph: Record<string, number>; floor: Record<string, number> };
}

/** One dossier: same answers first, statements per request, then load at concurrency 1 and 16. */
async function measureDossier(world: BenchWorld, dossier: Dossier, options: DossierBenchOptions, log: (line: string) => void): Promise<DossierResult> {
  const graph = await startGraphTarget(world, dossier, options.perList);
  const floor = await startFloorTarget(world, dossier, options.perList);
  try {
    const keys = await dossier.keys(world.hub.db, 20);
    await assertSameAnswers(graph, floor, keys);
    const statements = await countWorldStatements(world, async () => {
      for (const key of keys) await post(graph, key);
    });
    const floorStatements = await countWorldStatements(world, async () => {
      for (const key of keys) await post(floor, key);
    });
    const results: DossierResult['results'] = {};
    for (const connections of [1, 16]) {
      const graphRuns: Measured[] = [];
      const floorRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`${dossier.name}: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
        graphRuns.push(await load(graph, keys, connections, options.duration));
        floorRuns.push(await load(floor, keys, connections, options.duration));
      }
      results[`c${connections}`] = { graph: medianOf(graphRuns), floor: medianOf(floorRuns) };
    }
    return {
      dossier: dossier.name,
      keys: keys.length,
      results,
      statementsPerRequest: { gridgraph: perRequest(statements, keys.length), floor: perRequest(floorStatements, keys.length) },
    };
  } finally {
    await graph.close();
    await floor.close();
  }
}

/** Statements per database (hub and each source) while `run` runs. */
function countWorldStatements(world: BenchWorld, run: () => Promise<void>): Promise<Record<string, number>> {
  return countStatements({ hub: world.hub.db, ...Object.fromEntries(world.sources.map((s) => [s.connector.name, s.db])) }, run);
}

function perRequest(counts: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Math.round((10 * n) / requests) / 10]));
}
