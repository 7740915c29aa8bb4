import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import express from 'express';
import { type Kysely, sql } from 'kysely';
import { connectors } from '../connectors/index.js';
import type { Role } from '../src/access/roles.js';
import { loadDevRealm } from '../src/auth/dev-realm.js';
import { mintToken } from '../src/auth/mint-token.js';
import { keycloakVerifier } from '../src/auth/token-verifier.js';
import { startServer } from '../src/server/http-server.js';
import type { BenchWorld } from './bench-world.js';
import { DOSSIER_QUERY, floorDossier } from './dossier-floor.js';
import { median } from './report.js';

/** Something that answers a door plate's dossier over HTTP: gridgraph, or the hand-written floor. */
export interface DossierTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  body(plate: string): string;
  close(): Promise<void>;
}

export interface Measured {
  p50: number;
  p99: number;
  rps: number;
}

const DEPARTMENT_ROLES: Role[] = ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'];

/**
 * gridgraph as users run it: a bearer token verified by keycloak-connect, a
 * stated purpose, and the audit records that follow. Every department's role,
 * so every field is shown in full and the floor's JSON compares as it is.
 */
export async function startGraphTarget(world: BenchWorld, perList: number): Promise<DossierTarget> {
  const realm = loadDevRealm(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-realm-')));
  const server = await startServer({ db: world.hub.db, connectors, sources: world.sources, port: 0, host: '127.0.0.1', verifier: keycloakVerifier(realm.settings) });
  const token = await mintToken(realm, { roles: DEPARTMENT_ROLES, districts: await districtsOf(world.hub.db), ttlSeconds: 86_400, subject: 'bench' });
  return {
    url: server.url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' },
    body: (plate) => JSON.stringify({ query: DOSSIER_QUERY, variables: { plate, n: perList } }),
    close: () => server.close(),
  };
}

/** The floor on the same HTTP stack: Express, JSON in and out. */
export async function startFloorTarget(world: BenchWorld, perList: number): Promise<DossierTarget> {
  const app = express();
  const sources = new Map(world.sources.map((s) => [s.connector.name, s]));
  let closing = false;
  app.post('/floor', express.json(), async (req, res) => {
    try {
      res.json(await floorDossier(world.hub.db, sources, String(req.body.plate), Number(req.body.n ?? perList)));
    } catch (error) {
      // Requests still in flight when the load generator stops fail as the databases close: not worth a word.
      if (!closing) console.error('floor:', error);
      res.status(500).json({ errors: [{ message: 'Internal server error' }] });
    }
  });
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/floor`,
    headers: { 'content-type': 'application/json' },
    body: (plate) => JSON.stringify({ plate, n: perList }),
    close: () =>
      new Promise((resolve) => {
        closing = true;
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}

/** The districts the registry covers: the bench caller's area. */
async function districtsOf(hub: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`select distinct substr(division_code, 1, 6) as code from standard_address`.execute(hub);
  return rows.map((row) => row.code);
}

export async function post(target: DossierTarget, plate: string): Promise<unknown> {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body(plate) });
  return response.json();
}

/** Fair comparison first: both must return the same data. */
export async function assertSameAnswers(graph: DossierTarget, floor: DossierTarget, plates: readonly string[]): Promise<void> {
  for (const plate of plates) {
    const [fromGraph, fromFloor] = await Promise.all([post(graph, plate), post(floor, plate)]);
    if (!isDeepStrictEqual(fromGraph, fromFloor)) {
      throw new Error(`gridgraph and the floor disagree on door plate ${plate}:\n${JSON.stringify(fromGraph).slice(0, 600)}\n${JSON.stringify(fromFloor).slice(0, 600)}`);
    }
  }
}

/** Load at a concurrency for a duration, cycling through the plates. */
export async function load(target: DossierTarget, plates: readonly string[], connections: number, duration: number): Promise<Measured> {
  let i = 0;
  const result = await autocannon({
    url: target.url,
    connections,
    duration,
    method: 'POST',
    headers: target.headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: target.body(plates[i++ % plates.length]) }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

export function medianOf(runs: Measured[]): Measured {
  return { p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), rps: median(runs.map((r) => r.rps)) };
}
