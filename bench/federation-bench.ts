import { isDeepStrictEqual } from 'node:util';
import { connectors } from '../connectors/index.js';
import type { Role } from '../src/access/roles.js';
import { countStatements } from '../src/db/statement-counter.js';
import { startFederatedWorld } from '../tests/support/federated-world.js';
import { testRealm } from '../tests/support/test-realm.js';
import { buildBenchWorld, type BenchWorld } from './bench-world.js';
import { DOOR_PLATE_DOSSIER, type DossierTarget, load, type Measured, medianOf, post, startGraphTarget } from './dossier-targets.js';
import { printTable, writeResults } from './report.js';

export interface FederationBenchOptions {
  scale: number;
  /** Seconds of load per measurement. */
  duration: number;
  runs: number;
  /** Items per list in the dossier. */
  perList: number;
  out: string;
}

const DEPARTMENT_ROLES: Role[] = ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'];

/**
 * The door-plate dossier through Hive Gateway over the six subgraphs (each a
 * real HTTP server in this process, the gateway a child process) against the
 * single process, over the same databases, in the same run, at concurrency 1
 * and 16: p50, requests/s and their ratios, and SQL statements per request on
 * each database. Same answers first.
 */
export async function runFederationBench(options: FederationBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  const single = await startGraphTarget(world, DOOR_PLATE_DOSSIER, options.perList);
  const federated = await startFederatedWorld(world.hub, connectors, world.sources);
  try {
    const token = await testRealm().token({ roles: DEPARTMENT_ROLES, districts: await districtsOf(world), ttlSeconds: 86_400, subject: 'bench' });
    const gateway: DossierTarget = {
      url: federated.gatewayUrl,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' },
      body: single.body,
      close: async () => undefined,
    };
    const keys = await DOOR_PLATE_DOSSIER.keys(world.hub.db, 20);
    for (const key of keys) {
      const [direct, through] = await Promise.all([post(single, key), post(gateway, key)]);
      if (!isDeepStrictEqual(direct, through)) throw new Error(`the gateway and the single process disagree on ${key}:\n${JSON.stringify(direct).slice(0, 600)}\n${JSON.stringify(through).slice(0, 600)}`);
    }
    const databases = { hub: world.hub.db, ...Object.fromEntries(world.sources.map((s) => [s.connector.name, s.db])) };
    const singleStatements = await countStatements(databases, async () => {
      for (const key of keys) await post(single, key);
    });
    const federatedStatements = await countStatements(databases, async () => {
      for (const key of keys) await post(gateway, key);
    });
    const results: Record<string, { single: Measured; gateway: Measured }> = {};
    for (const connections of [1, 16]) {
      const singleRuns: Measured[] = [];
      const gatewayRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`door plate: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
        singleRuns.push(await load(single, keys, connections, options.duration));
        gatewayRuns.push(await load(gateway, keys, connections, options.duration));
      }
      results[`c${connections}`] = { single: medianOf(singleRuns), gateway: medianOf(gatewayRuns) };
    }

    console.log(`federation · door-plate dossier · ${world.kind} · scale ${options.scale} (${world.setup.residents} residents) · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median)`);
    const rows = [['concurrency', 'single p50', 'gateway p50', 'p50 ratio', 'single req/s', 'gateway req/s', 'throughput ratio']];
    for (const [name, { single: one, gateway: many }] of Object.entries(results)) {
      rows.push([name.slice(1), `${one.p50} ms`, `${many.p50} ms`, `${(many.p50 / Math.max(one.p50, 0.01)).toFixed(2)}×`, one.rps.toFixed(0), many.rps.toFixed(0), `${(many.rps / Math.max(one.rps, 0.01)).toFixed(2)}×`]);
    }
    printTable(rows);
    const perRequest = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Math.round((10 * n) / keys.length) / 10]));
    console.log(`SQL statements per request: single ${JSON.stringify(perRequest(singleStatements))}, through the gateway ${JSON.stringify(perRequest(federatedStatements))}`);
    const file = writeResults(options.out, {
      bench: 'federation',
      database: world.kind,
      scale: options.scale,
      perList: options.perList,
      durationSeconds: options.duration,
      runs: options.runs,
      keys: keys.length,
      results,
      statementsPerRequest: { single: perRequest(singleStatements), gateway: perRequest(federatedStatements) },
    });
    console.log(`results: ${file}`);
  } finally {
    await federated.close();
    await single.close();
    await world.close();
  }
}

async function districtsOf(world: BenchWorld): Promise<string[]> {
  const rows = await world.hub.db.selectFrom('standard_address').select((eb) => eb.fn<string>('substr', ['division_code', eb.val(1), eb.val(6)]).as('code')).distinct().execute();
  return rows.map((row) => row.code);
}
