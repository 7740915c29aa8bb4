import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { type Kysely, sql } from 'kysely';
import { connectors } from '../connectors/index.js';
import type { Role } from '../src/access/roles.js';
import type { SensitiveRead } from '../src/access/audit-collector.js';
import { loadDevRealm } from '../src/auth/dev-realm.js';
import { mintToken } from '../src/auth/mint-token.js';
import { type KeycloakSettings, keycloakVerifier } from '../src/auth/token-verifier.js';
import { writeAuditFor } from '../src/audit/audit-writer.js';
import { startServer } from '../src/server/http-server.js';
import { spawnServe } from '../tests/support/serve-process.js';
import type { BenchWorld } from './bench-world.js';
import type { HubSchema } from '../src/db/hub-schema.js';
import type { SourceDatabase } from '../src/sources/source-database.js';
import { DOSSIER_QUERY, dossierAuditReads, floorDossier } from './dossier-floor.js';
import { busiestPlates, busiestResidents } from './dossier-keys.js';
import { median } from './report.js';
import type { LoadJob, LoadResult } from './load-generator.js';
import { floorResident, RESIDENT_QUERY, residentAuditReads } from './resident-floor.js';

/** A screen both gridgraph and a hand-written floor answer: its query, its floor, and which keys to ask for. */
export interface Dossier {
  readonly name: string;
  readonly query: string;
  /** The query's operation name, as the audit records it. */
  readonly operationName: string;
  variables(key: string, perList: number): Record<string, unknown>;
  floor(hub: Kysely<HubSchema>, sources: ReadonlyMap<string, SourceDatabase>, key: string, perList: number): Promise<unknown>;
  /** What the answer carries that the audit must record (unmasked L3/L4 by entity), read off the floor's JSON by a literal list of fields. */
  auditReads(answer: unknown): SensitiveRead[];
  /** The keys with the most behind them: the dossiers worth measuring. */
  keys(hub: Kysely<HubSchema>, count: number): Promise<string[]>;
}

export const DOOR_PLATE_DOSSIER: Dossier = {
  name: 'door plate',
  query: DOSSIER_QUERY,
  operationName: 'Dossier',
  variables: (plate, n) => ({ plate, n }),
  floor: floorDossier,
  auditReads: dossierAuditReads,
  keys: busiestPlates,
};

export const RESIDENT_DOSSIER: Dossier = {
  name: 'resident',
  query: RESIDENT_QUERY,
  operationName: 'Resident',
  variables: (id, n) => ({ id, n }),
  floor: floorResident,
  auditReads: residentAuditReads,
  keys: busiestResidents,
};

/** Something that answers a dossier over HTTP: gridgraph, or the hand-written floor. */
export interface DossierTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  body(key: string): string;
  /** Milliseconds of CPU the serving process has used so far; absent: it is this process. */
  cpuMs?(): number;
  close(): Promise<void>;
}

export interface Measured {
  p50: number;
  p99: number;
  rps: number;
  /** The server's CPU time (user + system) over the run ÷ the requests it answered; the load generator runs in a process of its own. */
  cpuMsPerRequest: number;
  /** Requests that got no 2xx answer in time (non-2xx, timeouts, resets): reported beside the figures, never dropped silently. */
  failed: number;
}

const DEPARTMENT_ROLES: Role[] = ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'];

/**
 * Who calls in the bench: one development realm and one bearer token — every
 * department's role, the whole registry's districts and a purpose, so every
 * field is shown in full and the floor's JSON compares as it is.
 */
export interface BenchCaller {
  /** The realm's settings, as gridgraph is given them (verified tokens reused for a while). */
  readonly settings: KeycloakSettings;
  readonly headers: Record<string, string>;
}

export async function benchCaller(world: BenchWorld, realmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-realm-'))): Promise<BenchCaller> {
  const realm = loadDevRealm(realmDir);
  const token = await mintToken(realm, { roles: DEPARTMENT_ROLES, districts: await districtsOf(world.hub.db), ttlSeconds: 86_400, subject: 'bench' });
  return {
    settings: realm.settings,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' },
  };
}

/** gridgraph as users run it: the caller's token verified by keycloak-connect, its purpose, and the audit records that follow. */
export async function startGraphTarget(
  world: BenchWorld,
  dossier: Dossier,
  perList: number,
  caller?: BenchCaller,
  variant: { execution?: 'compiled' | 'interpreted'; verifiedTokenSeconds?: number } = {},
): Promise<DossierTarget> {
  const { settings, headers } = caller ?? (await benchCaller(world));
  const verifier = keycloakVerifier({ ...settings, verifiedTokenSeconds: variant.verifiedTokenSeconds });
  const server = await startServer({ db: world.hub.db, connectors, sources: world.sources, port: 0, host: '127.0.0.1', verifier, execution: variant.execution });
  return {
    url: server.url,
    headers,
    body: (key) => JSON.stringify({ query: dossier.query, variables: dossier.variables(key, perList) }),
    close: () => server.close(),
  };
}

/**
 * gridgraph as it is deployed: a `gridgraph serve` process of its own on the
 * world's databases (a PostgreSQL server only), tokens from the development
 * realm of its data folder, continuous sync off. Its CPU time and peak
 * resident memory are read from /proc: the serving process's alone, the
 * databases and the load generator excluded (docs/design.md §7).
 */
export async function startServingProcessTarget(world: BenchWorld, dossier: Dossier, perList: number): Promise<DossierTarget & { peakRssMB(): number }> {
  if (world.urls === undefined) throw new Error('--serving-process needs the databases on a server: set BENCH_DATABASE_URL');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-serve-'));
  // The caller's token from the development realm the serving process will read from its data folder.
  const { headers } = await benchCaller(world, dataDir);
  const serve = spawnServe({
    ...process.env,
    ...world.urls.sources,
    DATABASE_URL: world.urls.hub,
    GRIDGRAPH_DATA_DIR: dataDir,
    GRIDGRAPH_DEMO: 'off',
    GRIDGRAPH_SYNC_INTERVAL: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: 'off',
    LOG_LEVEL: 'warn',
    // Deadlines wide enough that a loaded machine shows slow answers, not refusals (a refusal stops the bench): they bound waits, they cost nothing.
    REQUEST_TIMEOUT_MS: '60000',
    SOURCE_TIMEOUT_MS: '30000',
    DATABASE_ACQUIRE_TIMEOUT_MS: '30000',
    DATABASE_STATEMENT_TIMEOUT_MS: '30000',
  });
  // However the bench ends — an error, Ctrl-C — the serving process and its group go with it.
  const killOnExit = () => serve.killGroup();
  process.once('exit', killOnExit);
  try {
    const [, url] = await serve.waitFor(/serving (http:\/\/\S+)/, 120_000);
    const proc = (file: string) => fs.readFileSync(`/proc/${serve.child.pid}/${file}`, 'utf8');
    return {
      url,
      headers,
      body: (key) => JSON.stringify({ query: dossier.query, variables: dossier.variables(key, perList) }),
      cpuMs() {
        // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux); the name in parentheses may hold spaces.
        const fields = proc('stat').slice(proc('stat').lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10;
      },
      peakRssMB: () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(proc('status'))![1]) / 1024),
      async close() {
        serve.child.kill('SIGTERM');
        const stopped = await Promise.race([serve.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000).unref())]);
        if (!stopped) serve.killGroup();
        process.off('exit', killOnExit);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    serve.killGroup();
    process.off('exit', killOnExit);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The floor on the same HTTP stack: Express, JSON in and out. Given a caller,
 * the honest floor (docs/design.md §7): it verifies the caller's bearer token
 * as gridgraph does (keycloak-connect), on every request, and writes the same
 * audit records through the same audit writer before answering. Without one,
 * the bare floor: the SQL and nothing else.
 */
export async function startFloorTarget(world: BenchWorld, dossier: Dossier, perList: number, caller?: BenchCaller): Promise<DossierTarget> {
  const app = express();
  const sources = new Map(world.sources.map((s) => [s.connector.name, s]));
  const verifier = caller === undefined ? undefined : keycloakVerifier({ ...caller.settings, verifiedTokenSeconds: 0 });
  let closing = false;
  app.post('/floor', express.json(), async (req, res) => {
    try {
      let audit: ((answer: unknown) => Promise<unknown>) | undefined;
      if (verifier !== undefined) {
        const claims = await verifier.verify(String(req.get('authorization')).replace(/^Bearer /, '')).catch(() => null);
        if (claims === null) return void res.status(401).json({ errors: [{ message: 'unauthenticated' }] });
        const viewer = { subject: String(claims.sub), name: claims.preferred_username, roles: (claims.realm_access?.roles ?? []) as Role[], purpose: req.get('x-access-purpose') };
        const request = { viewer, requestId: req.get('x-request-id') ?? randomUUID(), clientAddress: req.ip };
        audit = (answer) => writeAuditFor(world.hub.db, request, dossier.auditReads(answer), { operation: {}, operationName: dossier.operationName, document: dossier.query });
      }
      const answer = await dossier.floor(world.hub.db, sources, String(req.body.key), Number(req.body.n ?? perList));
      await audit?.(answer);
      res.json(answer);
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
    headers: caller?.headers ?? { 'content-type': 'application/json' },
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

export async function post(target: DossierTarget, key: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(target.url, { method: 'POST', headers: { ...target.headers, ...headers }, body: target.body(key) });
  return response.json();
}

/**
 * Fair comparison first: both must return the same data — and, where both
 * audit, write the same audit records (entity, key and fields; each request's
 * records found by the request id it carried, whatever else is being written).
 */
export async function assertSameAnswers(graph: DossierTarget, floor: DossierTarget, keys: readonly string[], hub?: Kysely<HubSchema>): Promise<void> {
  for (const key of keys) {
    const [fromGraph, graphAudit] = await auditedPost(graph, key, hub);
    const [fromFloor, floorAudit] = await auditedPost(floor, key, hub);
    if (!isDeepStrictEqual(fromGraph, fromFloor)) {
      throw new Error(`gridgraph and the floor disagree on ${key}:\n${JSON.stringify(fromGraph).slice(0, 600)}\n${JSON.stringify(fromFloor).slice(0, 600)}`);
    }
    if (!isDeepStrictEqual(graphAudit, floorAudit)) {
      throw new Error(`gridgraph and the floor audit ${key} differently:\n${JSON.stringify(graphAudit).slice(0, 600)}\n${JSON.stringify(floorAudit).slice(0, 600)}`);
    }
  }
}

/** One request's answer and the audit records written for it (entity, key, fields), in a stable order: found by the request id it was sent with. */
async function auditedPost(target: DossierTarget, key: string, hub?: Kysely<HubSchema>): Promise<[unknown, string[]]> {
  if (hub === undefined) return [await post(target, key), []];
  const requestId = randomUUID();
  const answer = await post(target, key, { 'x-request-id': requestId });
  const { rows } = await sql<{ entity_type: string; entity_key: string | null; fields: string[] }>`
    select entity_type, entity_key, fields from audit_log where request_id = ${requestId}`.execute(hub);
  return [answer, rows.map((row) => `${row.entity_type} ${row.entity_key} ${[...row.fields].sort().join(',')}`).sort()];
}

/**
 * Load at a concurrency for a duration, cycling through the keys. The load
 * generator is a process of its own (bench/load-generator.ts), so this
 * process's CPU time over the run is the server's: with the databases on a
 * server (BENCH_DATABASE_URL), the target's own CPU per request.
 */
export async function load(target: DossierTarget, keys: readonly string[], connections: number, duration: number): Promise<Measured> {
  const job: LoadJob = { url: target.url, headers: target.headers, bodies: keys.map((key) => target.body(key)), connections, duration };
  const cpuMs = target.cpuMs ?? ownCpuMs;
  const cpuBefore = cpuMs();
  const result = await runLoadGenerator(job);
  const cpu = cpuMs() - cpuBefore;
  const failed = result.non2xx + result.errors;
  // A run with failures still says what it measured (a long bench is not thrown away for a few timeouts); the report names them.
  if (failed > 0) console.error(`warning: ${target.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors (timeouts, resets) at concurrency ${connections}`);
  return { p50: result.p50, p99: result.p99, rps: result.rps, cpuMsPerRequest: cpu / Math.max(result.requests, 1), failed };
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const LOAD_GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

function runLoadGenerator(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, LOAD_GENERATOR], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`the load generator exited with ${code}`))));
    child.stdin.end(JSON.stringify(job));
  });
}

export function medianOf(runs: Measured[]): Measured {
  return {
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    rps: median(runs.map((r) => r.rps)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
  };
}

/** The report's line for runs whose requests failed: none when all were answered. */
export function failuresLine(what: string, measured: Readonly<Record<string, Measured>>): string | undefined {
  const failed = Object.entries(measured).filter(([, m]) => m.failed > 0);
  return failed.length === 0 ? undefined : `${what}: requests without a 2xx answer — ${failed.map(([name, m]) => `${name} ${m.failed}`).join(', ')}`;
}
