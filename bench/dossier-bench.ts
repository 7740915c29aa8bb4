import { countStatements } from '../src/db/statement-counter.js';
import { buildBenchWorld, type BenchWorld } from './bench-world.js';
import { assertSameAnswers, load, type Measured, medianOf, post, startFloorTarget, startGraphTarget } from './dossier-targets.js';
import { busiestPlates } from './plates.js';
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
 * The address dossier of a door plate (everything at the door and below:
 * residents with police and civil-affairs facets, organizations with licences,
 * events with timelines, objects) through gridgraph over HTTP, against the
 * hand-written SQL floor served by the same HTTP stack, in the same run, at
 * concurrency 1 and 16. Prints p50, p99, requests/s, the ratios, SQL
 * statements per request and the process's peak memory.
 */
export async function runDossierBench(options: DossierBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  const graph = await startGraphTarget(world, options.perList);
  const floor = await startFloorTarget(world, options.perList);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const plates = await busiestPlates(world.hub.db, 20);
    await assertSameAnswers(graph, floor, plates.slice(0, 5));
    const statements = await countWorldStatements(world, async () => {
      for (const plate of plates) await post(graph, plate);
    });
    const floorStatements = await countWorldStatements(world, async () => {
      for (const plate of plates) await post(floor, plate);
    });

    const results: Record<string, { graph: Measured; floor: Measured }> = {};
    for (const connections of [1, 16]) {
      const graphRuns: Measured[] = [];
      const floorRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`load: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
        graphRuns.push(await load(graph, plates, connections, options.duration));
        floorRuns.push(await load(floor, plates, connections, options.duration));
      }
      results[`c${connections}`] = { graph: medianOf(graphRuns), floor: medianOf(floorRuns) };
    }

    console.log(`address dossier · ${world.kind} · scale ${options.scale} (${world.setup.residents} residents, ${world.setup.sourceRows} source rows) · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median)`);
    const rows = [['concurrency', 'gridgraph p50', 'floor p50', 'p50 ratio', 'gridgraph p99', 'floor p99', 'gridgraph req/s', 'floor req/s', 'throughput ratio']];
    for (const [name, { graph, floor: hand }] of Object.entries(results)) {
      rows.push([name.slice(1), `${graph.p50} ms`, `${hand.p50} ms`, `${(graph.p50 / Math.max(hand.p50, 0.01)).toFixed(2)}×`, `${graph.p99} ms`, `${hand.p99} ms`,
        graph.rps.toFixed(0), hand.rps.toFixed(0), `${(graph.rps / Math.max(hand.rps, 0.01)).toFixed(2)}×`]);
    }
    printTable(rows);
    console.log(`SQL statements per request: gridgraph ${JSON.stringify(perRequest(statements, plates.length))}, floor ${JSON.stringify(perRequest(floorStatements, plates.length))}`);
    console.log(`peak RSS of this process (server, floor and load generator${world.kind.startsWith('PGlite') ? ', and the PGlite databases' : ''}): ${Math.round(peakRss / 2 ** 20)} MB`);
    const file = writeResults(options.out, {
      bench: 'dossier',
      database: world.kind,
      scale: options.scale,
      setup: { ...world.setup, syncResults: undefined },
      perList: options.perList,
      durationSeconds: options.duration,
      runs: options.runs,
      results,
      statementsPerRequest: { gridgraph: perRequest(statements, plates.length), floor: perRequest(floorStatements, plates.length) },
      peakRssMB: Math.round(peakRss / 2 ** 20),
    });
    console.log(`results: ${file}`);
  } finally {
    clearInterval(sampler);
    await graph.close();
    await floor.close();
    await world.close();
  }
}

/** Statements per database (hub and each source) while `run` runs. */
function countWorldStatements(world: BenchWorld, run: () => Promise<void>): Promise<Record<string, number>> {
  return countStatements({ hub: world.hub.db, ...Object.fromEntries(world.sources.map((s) => [s.connector.name, s.db])) }, run);
}

function perRequest(counts: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Math.round((10 * n) / requests) / 10]));
}
