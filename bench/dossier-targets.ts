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
import type { HubSchema } from '../src/db/hub-schema.js';
import type { SourceDatabase } from '../src/sources/source-database.js';
import { DOSSIER_QUERY, floorDossier } from './dossier-floor.js';
import { busiestPlates, busiestResidents } from './dossier-keys.js';
import { median } from './report.js';
import { floorResident, RESIDENT_QUERY } from './resident-floor.js';

/** A screen both gridgraph and a hand-written floor answer: its query, its floor, and which keys to ask for. */
export interface Dossier {
  readonly name: string;
  readonly query: string;
  variables(key: string, perList: number): Record<string, unknown>;
  floor(hub: Kysely<HubSchema>, sources: ReadonlyMap<string, SourceDatabase>, key: string, perList: number): Promise<unknown>;
  /** The keys with the most behind them: the dossiers worth measuring. */
  keys(hub: Kysely<HubSchema>, count: number): Promise<string[]>;
}

export const DOOR_PLATE_DOSSIER: Dossier = {
  name: 'door plate',
  query: DOSSIER_QUERY,
  variables: (plate, n) => ({ plate, n }),
  floor: floorDossier,
  keys: busiestPlates,
};

export const RESIDENT_DOSSIER: Dossier = {
  name: 'resident',
  query: RESIDENT_QUERY,
  variables: (id, n) => ({ id, n }),
  floor: floorResident,
  keys: busiestResidents,
};

/** Something that answers a dossier over HTTP: gridgraph, or the hand-written floor. */
export interface DossierTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  body(key: string): string;
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
export async function startGraphTarget(world: BenchWorld, dossier: Dossier, perList: number): Promise<DossierTarget> {
  const realm = loadDevRealm(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-realm-')));
  const server = await startServer({ db: world.hub.db, connectors, sources: world.sources, port: 0, host: '127.0.0.1', verifier: keycloakVerifier(realm.settings) });
  const token = await mintToken(realm, { roles: DEPARTMENT_ROLES, districts: await districtsOf(world.hub.db), ttlSeconds: 86_400, subject: 'bench' });
  return {
    url: server.url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' },
    body: (key) => JSON.stringify({ query: dossier.query, variables: dossier.variables(key, perList) }),
    close: () => server.close(),
  };
}

/** The floor on the same HTTP stack: Express, JSON in and out. */
export async function startFloorTarget(world: BenchWorld, dossier: Dossier, perList: number): Promise<DossierTarget> {
  const app = express();
  const sources = new Map(world.sources.map((s) => [s.connector.name, s]));
  let closing = false;
  app.post('/floor', express.json(), async (req, res) => {
    try {
      res.json(await dossier.floor(world.hub.db, sources, String(req.body.key), Number(req.body.n ?? perList)));
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
    body: (key) => JSON.stringify({ key, n: perList }),
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

export async function post(target: DossierTarget, key: string): Promise<unknown> {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body(key) });
  return response.json();
}

/** Fair comparison first: both must return the same data. */
export async function assertSameAnswers(graph: DossierTarget, floor: DossierTarget, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const [fromGraph, fromFloor] = await Promise.all([post(graph, key), post(floor, key)]);
    if (!isDeepStrictEqual(fromGraph, fromFloor)) {
      throw new Error(`gridgraph and the floor disagree on ${key}:\n${JSON.stringify(fromGraph).slice(0, 600)}\n${JSON.stringify(fromFloor).slice(0, 600)}`);
    }
  }
}

/** Load at a concurrency for a duration, cycling through the keys. */
export async function load(target: DossierTarget, keys: readonly string[], connections: number, duration: number): Promise<Measured> {
  let i = 0;
  const result = await autocannon({
    url: target.url,
    connections,
    duration,
    method: 'POST',
    headers: target.headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: target.body(keys[i++ % keys.length]) }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

export function medianOf(runs: Measured[]): Measured {
  return { p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), rps: median(runs.map((r) => r.rps)) };
}
