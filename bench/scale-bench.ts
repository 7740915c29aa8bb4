import { buildBenchWorld } from './bench-world.js';
import { assertSameAnswers, DOOR_PLATE_DOSSIER, load, type Measured, medianOf, startFloorTarget, startGraphTarget } from './dossier-targets.js';
import { typicalPlates } from './dossier-keys.js';
import { printTable, writeResults } from './report.js';

export interface ScaleBenchOptions {
  /** Registry scales, the population growing with them: 1 ≈ 5,200 addresses and 9,600 persons, 100 ≈ 520,000 and 1,000,000. */
  scales: number[];
  /** People per room and the like, the same at every scale. @default 1 */
  sourceScale: number;
  duration: number;
  runs: number;
  perList: number;
  out: string;
}

interface ScalePoint {
  scale: number;
  addresses: number;
  persons: number;
  sourceRows: number;
  peoplePerDoor: number;
  graph: Measured;
  floor: Measured;
}

/**
 * The door-plate dossier's p50 at growing district sizes (docs/design.md §7: flat
 * within 20 %). The registry grows with the population, as a real district's
 * would, so each dossier holds about as much at every scale; what must not
 * matter is how big the district is. The floor is measured alongside.
 */
export async function runScaleBench(options: ScaleBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const points: ScalePoint[] = [];
  let kind = '';
  for (const scale of options.scales) {
    // The same density of people per address at every scale: only the district grows.
    const world = await buildBenchWorld(options.sourceScale, log, { registryScale: scale });
    kind = world.kind;
    const graph = await startGraphTarget(world, DOOR_PLATE_DOSSIER, options.perList);
    const floor = await startFloorTarget(world, DOOR_PLATE_DOSSIER, options.perList);
    try {
      const { plates, people } = await typicalPlates(world.hub.db, 20);
      await assertSameAnswers(graph, floor, plates.slice(0, 5));
      const graphRuns: Measured[] = [];
      const floorRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`scale ${scale}: load, run ${run + 1}/${options.runs} …`);
        graphRuns.push(await load(graph, plates, 1, options.duration));
        floorRuns.push(await load(floor, plates, 1, options.duration));
      }
      points.push({
        scale,
        addresses: world.setup.addresses,
        persons: world.setup.residents,
        sourceRows: world.setup.sourceRows,
        peoplePerDoor: people,
        graph: medianOf(graphRuns),
        floor: medianOf(floorRuns),
      });
    } finally {
      await graph.close();
      await floor.close();
      await world.close();
    }
  }

  const smallest = points[0].graph.p50;
  const rows = [['scale', 'persons', 'addresses', 'people per door (median)', 'gridgraph p50', 'vs smallest', 'floor p50', 'p50 ratio']];
  for (const point of points) {
    rows.push([
      String(point.scale),
      point.persons.toLocaleString('en'),
      point.addresses.toLocaleString('en'),
      String(point.peoplePerDoor),
      `${point.graph.p50} ms`,
      `${(point.graph.p50 / Math.max(smallest, 0.01)).toFixed(2)}×`,
      `${point.floor.p50} ms`,
      `${(point.graph.p50 / Math.max(point.floor.p50, 0.01)).toFixed(2)}×`,
    ]);
  }
  const p50s = points.map((p) => p.graph.p50);
  const spread = Math.max(...p50s) / Math.max(Math.min(...p50s), 0.01);
  console.log(`dossier p50 by district size · ${kind} · ${options.perList} per list · concurrency 1 · ${options.duration}s × ${options.runs} runs (median)`);
  printTable(rows);
  console.log(`largest / smallest gridgraph p50: ${spread.toFixed(2)}× (target: within 1.20×)`);
  const file = writeResults(options.out, { bench: 'scale', database: kind, perList: options.perList, durationSeconds: options.duration, runs: options.runs, points, spread });
  console.log(`results: ${file}`);
}
