import { buildBenchWorld } from './bench-world.js';
import { assertSameAnswers, benchCaller, DOOR_PLATE_DOSSIER, type DossierTarget, failuresLine, load, type Measured, medianOf, RESIDENT_DOSSIER, startFloorTarget, startGraphTarget } from './dossier-targets.js';
import { printTable, writeResults } from './report.js';

export interface LeversBenchOptions {
  scale: number;
  duration: number;
  runs: number;
  perList: number;
  out: string;
}

/** What is measured: gridgraph as it ships, each lever taken back alone, and the honest floor. */
const VARIANTS = [
  { name: 'gridgraph as shipped', variant: {} },
  { name: 'operations interpreted by graphql-js', variant: { execution: 'interpreted' as const } },
  { name: 'every token verified (no reuse)', variant: { verifiedTokenSeconds: 0 } },
] as const;

/**
 * The levers of issue 18, each measured against gridgraph as it ships, in one
 * process and one run, interleaved: the same dossiers with operations
 * interpreted by graphql-js instead of compiled by graphql-jit, and with every
 * token's signature checked instead of reused — and the honest floor beside
 * them. All must return the same JSON and audit the same records first.
 */
export async function runLeversBench(options: LeversBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  const results: Record<string, Record<string, Measured>> = {};
  try {
    const caller = await benchCaller(world);
    for (const dossier of [DOOR_PLATE_DOSSIER, RESIDENT_DOSSIER]) {
      const targets: [string, DossierTarget][] = [];
      for (const { name, variant } of VARIANTS) targets.push([name, await startGraphTarget(world, dossier, options.perList, caller, variant)]);
      targets.push(['honest floor', await startFloorTarget(world, dossier, options.perList, caller)]);
      try {
        const keys = await dossier.keys(world.hub.db, 20);
        for (const [, target] of targets.slice(1)) await assertSameAnswers(targets[0][1], target, keys, world.hub.db);
        for (const connections of [1, 16]) {
          const runs = new Map<string, Measured[]>(targets.map(([name]) => [name, []]));
          for (let run = 0; run < options.runs; run++) {
            log(`${dossier.name}: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
            for (const [name, target] of targets) runs.get(name)!.push(await load(target, keys, connections, options.duration));
          }
          results[`${dossier.name} c${connections}`] = Object.fromEntries([...runs].map(([name, measured]) => [name, medianOf(measured)]));
        }
      } finally {
        for (const [, target] of targets) await target.close();
      }
    }
  } finally {
    await world.close();
  }
  console.log(`levers · ${world.kind} · scale ${options.scale} · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median), interleaved`);
  const rows = [['dossier', 'concurrency', 'variant', 'p50', 'req/s', 'CPU ms/req', 'CPU vs shipped', 'CPU vs honest floor']];
  for (const [screen, variants] of Object.entries(results)) {
    const shipped = variants[VARIANTS[0].name];
    const floor = variants['honest floor'];
    for (const [name, m] of Object.entries(variants)) {
      const [dossier, concurrency] = screen.split(' c');
      rows.push([dossier, concurrency, name, `${m.p50} ms`, m.rps.toFixed(0), m.cpuMsPerRequest.toFixed(2), `${(m.cpuMsPerRequest / shipped.cpuMsPerRequest).toFixed(2)}×`, `${(m.cpuMsPerRequest / floor.cpuMsPerRequest).toFixed(2)}×`]);
    }
  }
  printTable(rows);
  for (const [screen, variants] of Object.entries(results)) {
    const line = failuresLine(screen, variants);
    if (line !== undefined) console.log(line);
  }
  console.log(`results: ${writeResults(options.out, { bench: 'levers', database: world.kind, scale: options.scale, perList: options.perList, durationSeconds: options.duration, runs: options.runs, results })}`);
}
