import { countStatements } from '../src/db/statement-counter.js';
import { buildBenchWorld, type BenchWorld } from './bench-world.js';
import {
  assertSameAnswers,
  benchCaller,
  type Dossier,
  DOOR_PLATE_DOSSIER,
  type DossierTarget,
  failuresLine,
  load,
  type Measured,
  medianOf,
  post,
  RESIDENT_DOSSIER,
  startFloorTarget,
  startGraphTarget,
  startServingProcessTarget,
} from './dossier-targets.js';
import { printTable, writeResults } from './report.js';

export interface DossierBenchOptions {
  scale: number;
  /** Demo scale of the registry; the sources grow with it (104 at scale 1 ≈ 1,000,000 persons, ~190 a door as at 1). */
  registryScale: number;
  /** gridgraph as a `gridgraph serve` process of its own (PostgreSQL only): its CPU and peak memory alone. */
  servingProcess: boolean;
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
  const world = await buildBenchWorld(options.scale, log, { registryScale: options.registryScale });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const measured: DossierResult[] = [];
    for (const dossier of [DOOR_PLATE_DOSSIER, RESIDENT_DOSSIER]) measured.push(await measureDossier(world, dossier, options, log));

    console.log(`dossiers · ${world.kind} · scale ${options.scale}, registry ${options.registryScale} (${world.setup.addresses} addresses, ${world.setup.residents} residents, ${world.setup.sourceRows} source rows) · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median)`);
    console.log('honest floor: the same SQL, the same bearer token verified and the same audit records written before answering; bare floor: the SQL alone');
    const ratio = (a: number, b: number) => `${(a / Math.max(b, 0.01)).toFixed(2)}×`;
    const rows = [['dossier', 'concurrency', 'gridgraph p50', 'honest p50', 'ratio', 'bare p50', 'ratio', 'gridgraph req/s', 'honest req/s', 'ratio', 'bare req/s', 'ratio', 'gridgraph p99', 'honest p99']];
    for (const { dossier, results } of measured) {
      for (const [name, { graph, floor, bare }] of Object.entries(results)) {
        rows.push([dossier, name.slice(1), `${graph.p50} ms`, `${floor.p50} ms`, ratio(graph.p50, floor.p50), `${bare.p50} ms`, ratio(graph.p50, bare.p50),
          graph.rps.toFixed(0), floor.rps.toFixed(0), ratio(graph.rps, floor.rps), bare.rps.toFixed(0), ratio(graph.rps, bare.rps), `${graph.p99} ms`, `${floor.p99} ms`]);
      }
    }
    printTable(rows);
    const cpu = [['dossier', 'concurrency', 'gridgraph CPU ms/req', 'honest CPU ms/req', 'ratio', 'bare CPU ms/req', 'ratio']];
    for (const { dossier, results } of measured) {
      for (const [name, { graph, floor, bare }] of Object.entries(results)) {
        cpu.push([dossier, name.slice(1), graph.cpuMsPerRequest.toFixed(2), floor.cpuMsPerRequest.toFixed(2), ratio(graph.cpuMsPerRequest, floor.cpuMsPerRequest), bare.cpuMsPerRequest.toFixed(2), ratio(graph.cpuMsPerRequest, bare.cpuMsPerRequest)]);
      }
    }
    console.log(`server CPU per request (the serving process's CPU time over the run ÷ requests — ${options.servingProcess ? "gridgraph's own process, read from /proc; the floors'" : 'all three'} this process; the load generator runs apart${world.kind.startsWith('PGlite') ? '; on PGlite the databases run in this process too' : ''}):`);
    printTable(cpu);
    for (const { dossier, results } of measured) {
      for (const [name, { graph, floor, bare }] of Object.entries(results)) {
        const line = failuresLine(`${dossier} ${name}`, { gridgraph: graph, 'honest floor': floor, 'bare floor': bare });
        if (line !== undefined) console.log(line);
      }
    }
    for (const { dossier, statementsPerRequest } of measured) {
      console.log(`SQL statements per ${dossier} request: gridgraph ${JSON.stringify(statementsPerRequest.gridgraph)}, honest floor ${JSON.stringify(statementsPerRequest.floor)}, bare floor ${JSON.stringify(statementsPerRequest.bare)}`);
    }
    for (const { dossier, servingProcessPeakRssMB } of measured) {
      if (servingProcessPeakRssMB !== undefined) console.log(`peak RSS of the gridgraph serve process (databases and load generator excluded) after the ${dossier} load: ${servingProcessPeakRssMB} MB (target: under 512 MB)`);
    }
    console.log(`peak RSS of this process (server, floor and load generator${world.kind.startsWith('PGlite') ? ', and the PGlite databases' : ''}): ${Math.round(peakRss / 2 ** 20)} MB`);
    const file = writeResults(options.out, {
      bench: 'dossier',
      database: world.kind,
      scale: options.scale,
      registryScale: options.registryScale,
      servingProcess: options.servingProcess,
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
  results: Record<string, { graph: Measured; floor: Measured; bare: Measured }>;
  /** With `servingProcess`: the serving process's peak resident memory (VmHWM) after this dossier's load. */
  servingProcessPeakRssMB?: number;
  statementsPerRequest: { gridgraph: Record<string, number>; floor: Record<string, number>; bare: Record<string, number> };
}

/** One dossier: same answers first, statements per request, then load at concurrency 1 and 16. */
async function measureDossier(world: BenchWorld, dossier: Dossier, options: DossierBenchOptions, log: (line: string) => void): Promise<DossierResult> {
  const caller = await benchCaller(world);
  // Each target is closed however the measurement ends, a start that fails included.
  const started: DossierTarget[] = [];
  const start = async <T extends DossierTarget>(starting: Promise<T>): Promise<T> => {
    const target = await starting;
    started.push(target);
    return target;
  };
  try {
    const serving = options.servingProcess ? await start(startServingProcessTarget(world, dossier, options.perList)) : undefined;
    const graph: DossierTarget = serving ?? (await start(startGraphTarget(world, dossier, options.perList, caller)));
    const floor = await start(startFloorTarget(world, dossier, options.perList, caller));
    const bare = await start(startFloorTarget(world, dossier, options.perList));
    const keys = await dossier.keys(world.hub.db, 20);
    await assertSameAnswers(graph, floor, keys, world.hub.db);
    await assertSameAnswers(graph, bare, keys.slice(0, 1));
    // A serving process of its own runs its statements on its own pools: counted in-process runs only.
    const statements = serving
      ? {}
      : await countWorldStatements(world, async () => {
          for (const key of keys) await post(graph, key);
        });
    const floorStatements = await countWorldStatements(world, async () => {
      for (const key of keys) await post(floor, key);
    });
    const bareStatements = await countWorldStatements(world, async () => {
      for (const key of keys) await post(bare, key);
    });
    const results: DossierResult['results'] = {};
    for (const connections of [1, 16]) {
      const graphRuns: Measured[] = [];
      const floorRuns: Measured[] = [];
      const bareRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`${dossier.name}: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
        graphRuns.push(await load(graph, keys, connections, options.duration));
        floorRuns.push(await load(floor, keys, connections, options.duration));
        bareRuns.push(await load(bare, keys, connections, options.duration));
      }
      results[`c${connections}`] = { graph: medianOf(graphRuns), floor: medianOf(floorRuns), bare: medianOf(bareRuns) };
    }
    const servingProcessPeakRssMB = serving?.peakRssMB();
    if (servingProcessPeakRssMB !== undefined) log(`${dossier.name}: the serving process peaked at ${servingProcessPeakRssMB} MB`);
    return {
      dossier: dossier.name,
      keys: keys.length,
      servingProcessPeakRssMB,
      results,
      statementsPerRequest: { gridgraph: perRequest(statements, keys.length), floor: perRequest(floorStatements, keys.length), bare: perRequest(bareStatements, keys.length) },
    };
  } finally {
    for (const target of started) await target.close();
  }
}

/** Statements per database (hub and each source) while `run` runs. */
function countWorldStatements(world: BenchWorld, run: () => Promise<void>): Promise<Record<string, number>> {
  return countStatements({ hub: world.hub.db, ...Object.fromEntries(world.sources.map((s) => [s.connector.name, s.db])) }, run);
}

function perRequest(counts: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Math.round((10 * n) / requests) / 10]));
}
