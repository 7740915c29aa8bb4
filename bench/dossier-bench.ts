import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import express from 'express';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { connectors } from '../connectors/index.js';
import { countStatements } from '../src/db/statement-counter.js';
import { startServer } from '../src/server/http-server.js';
import type { Role } from '../src/access/roles.js';
import { loadDevRealm } from '../src/auth/dev-realm.js';
import { mintToken } from '../src/auth/mint-token.js';
import { keycloakVerifier } from '../src/auth/token-verifier.js';
import { buildBenchWorld, type BenchWorld } from './bench-world.js';
import { DOSSIER_QUERY, floorDossier } from './dossier-floor.js';
import { median, printTable, writeResults } from './report.js';

export interface DossierBenchOptions {
  scale: number;
  /** Seconds of load per measurement. */
  duration: number;
  runs: number;
  /** Items per list in the dossier. */
  perList: number;
  out: string;
}

interface Measured {
  p50: number;
  p99: number;
  rps: number;
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
  // As users run it: a bearer token verified by keycloak-connect, a stated purpose, and the audit records that follow.
  // Every department's role, so every field is shown in full and the floor's JSON can be compared as it is.
  const realm = loadDevRealm(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-realm-')));
  const server = await startServer({ db: world.hub.db, connectors, sources: world.sources, port: 0, host: '127.0.0.1', verifier: keycloakVerifier(realm.settings) });
  const token = await mintToken(realm, { roles: DEPARTMENT_ROLES, districts: await districtsOf(world.hub.db), ttlSeconds: 86_400, subject: 'bench' });
  const graphHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' };
  const floorHeaders = { 'content-type': 'application/json' };
  const floor = await startFloor(world, options.perList);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const plates = await busiestPlates(world.hub.db, 20);
    const graphBody = (plate: string) => JSON.stringify({ query: DOSSIER_QUERY, variables: { plate, n: options.perList } });
    const floorBody = (plate: string) => JSON.stringify({ plate, n: options.perList });

    // Fair comparison first: both must return the same data.
    for (const plate of plates.slice(0, 5)) {
      const [graph, hand] = await Promise.all([post(server.url, graphBody(plate), graphHeaders), post(floor.url, floorBody(plate), floorHeaders)]);
      if (!isDeepStrictEqual(graph, hand)) {
        throw new Error(`gridgraph and the floor disagree on door plate ${plate}:\n${JSON.stringify(graph).slice(0, 600)}\n${JSON.stringify(hand).slice(0, 600)}`);
      }
    }
    const statements = await countWorldStatements(world, async () => {
      for (const plate of plates) await post(server.url, graphBody(plate), graphHeaders);
    });
    const floorStatements = await countWorldStatements(world, async () => {
      for (const plate of plates) await post(floor.url, floorBody(plate), floorHeaders);
    });

    const results: Record<string, { graph: Measured; floor: Measured }> = {};
    for (const connections of [1, 16]) {
      const graphRuns: Measured[] = [];
      const floorRuns: Measured[] = [];
      for (let run = 0; run < options.runs; run++) {
        log(`load: concurrency ${connections}, run ${run + 1}/${options.runs} …`);
        graphRuns.push(await load(server.url, plates, graphBody, connections, options.duration, graphHeaders));
        floorRuns.push(await load(floor.url, plates, floorBody, connections, options.duration, floorHeaders));
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
    await server.close();
    await floor.close();
    await world.close();
  }
}

/** The floor on the same HTTP stack: Express, JSON in and out. */
async function startFloor(world: BenchWorld, perList: number): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  const sources = new Map(world.sources.map((s) => [s.connector.name, s]));
  app.post('/floor', express.json(), async (req, res) => {
    try {
      res.json(await floorDossier(world.hub.db, sources, String(req.body.plate), Number(req.body.n ?? perList)));
    } catch (error) {
      console.error('floor:', error);
      res.status(500).json({ errors: [{ message: 'Internal server error' }] });
    }
  });
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/floor`,
    close: () => new Promise((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeAllConnections();
    }),
  };
}

const DEPARTMENT_ROLES: Role[] = ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'];

/** The districts the registry covers: the bench caller's area. */
async function districtsOf(hub: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`select distinct substr(division_code, 1, 6) as code from standard_address`.execute(hub);
  return rows.map((row) => row.code);
}

/** Door plates with the most people below them: the dossiers worth measuring. */
async function busiestPlates(hub: Kysely<any>, count: number): Promise<string[]> {
  const { rows } = await sql<{ plate: string }>`
    select d.door_plate_code as plate from crosswalk c
    join standard_address a on a.code = c.address_code
    left join standard_address b on b.code = a.parent_code
    join standard_address d on d.code = coalesce(b.parent_code, a.parent_code, a.code)
    where c.entity_kind = 'PERSON' and d.level = 'DOOR' and d.door_plate_code is not null
    group by d.door_plate_code order by count(*) desc limit ${count}`.execute(hub);
  return rows.map((row) => row.plate);
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return response.json();
}

async function load(url: string, plates: string[], body: (plate: string) => string, connections: number, duration: number, headers: Record<string, string>): Promise<Measured> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    method: 'POST',
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: body(plates[i++ % plates.length]) }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

function medianOf(runs: Measured[]): Measured {
  return { p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), rps: median(runs.map((r) => r.rps)) };
}

/** Statements per database (hub and each source) while `run` runs. */
function countWorldStatements(world: BenchWorld, run: () => Promise<void>): Promise<Record<string, number>> {
  return countStatements({ hub: world.hub.db, ...Object.fromEntries(world.sources.map((s) => [s.connector.name, s.db])) }, run);
}

function perRequest(counts: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Math.round((10 * n) / requests) / 10]));
}
