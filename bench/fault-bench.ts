import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { connectors } from '../connectors/index.js';
import type { Role } from '../src/access/roles.js';
import { loadDevRealm } from '../src/auth/dev-realm.js';
import { mintToken } from '../src/auth/mint-token.js';
import { keycloakVerifier } from '../src/auth/token-verifier.js';
import { readConfig } from '../src/config/config.js';
import { EMBEDDED_POOL_SIZE } from '../src/db/embedded-postgres.js';
import { createHubKysely } from '../src/db/hub-database.js';
import { startServer } from '../src/server/http-server.js';
import { createSourceKysely, SOURCE_POOL_SIZE } from '../src/sources/source-database.js';
import { startTcpProxy, type TcpProxy } from '../tests/support/tcp-proxy.js';
import { buildBenchWorld } from './bench-world.js';
import { busiestResidents } from './dossier-keys.js';
import { printTable, writeResults } from './report.js';
import { RESIDENT_QUERY } from './resident-floor.js';

export interface FaultBenchOptions {
  scale: number;
  /** Seconds before the fault and after it, each. */
  calm: number;
  /** Seconds the fault lasts. */
  fault: number;
  /** Requests in flight at all times. */
  concurrency: number;
  /** The source to break. */
  source: string;
  out: string;
}

/** One way of breaking a database through its proxy. */
interface Fault {
  readonly name: string;
  readonly target: 'hub' | 'source';
  apply(proxy: TcpProxy): void;
}

const FAULTS = (source: string): Fault[] => [
  { name: `${source} slowed by 5 s`, target: 'source', apply: (proxy) => proxy.delay(5_000) },
  { name: `${source} stalled (blackholed)`, target: 'source', apply: (proxy) => proxy.stall() },
  { name: `${source} cut (killed)`, target: 'source', apply: (proxy) => proxy.cut() },
  { name: 'hub database stalled', target: 'hub', apply: (proxy) => proxy.stall() },
  { name: 'hub database cut', target: 'hub', apply: (proxy) => proxy.cut() },
];

/** One answered request. */
interface Sample {
  startedAt: number;
  ms: number;
  /** 200 with every field there. */
  whole: boolean;
  /** 200 with data, and SOURCE_UNAVAILABLE at some paths. */
  partial: boolean;
}

const DEPARTMENT_ROLES: Role[] = ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'];

/**
 * Steady load of residents' dossiers (every department's facets) while one
 * database is broken for a while through a TCP proxy and then restored: a
 * source slowed, stalled and cut, then the hub's own database stalled and cut.
 * Prints p50/p99 before, during and after each fault, the share of answers with
 * partial data, the time to recover and the process's peak RSS. The deadlines
 * are `gridgraph serve`'s defaults (README § Configuration).
 */
export async function runFaultBench(options: FaultBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const config = readConfig({});
  const world = await buildBenchWorld(options.scale, log);
  const source = world.sources.find((s) => s.connector.name === options.source);
  if (source === undefined) throw new Error(`--source: no source ${options.source}; the sources are ${world.sources.map((s) => s.connector.name).join(', ')}`);
  const embedded = world.kind.startsWith('PGlite');
  const hubProxy = await startTcpProxy(world.hub.connectionUrl);
  const sourceProxy = await startTcpProxy(source.connectionUrl);
  const hubDb = createHubKysely(hubProxy.url, embedded ? EMBEDDED_POOL_SIZE : config.poolSize, {
    statementTimeoutMs: config.hubStatementTimeoutMs,
    acquireTimeoutMs: config.hubAcquireTimeoutMs,
  });
  const sourceDb = createSourceKysely(source.connector, sourceProxy.url, embedded ? EMBEDDED_POOL_SIZE : SOURCE_POOL_SIZE, config.sourceTimeoutMs);
  const realm = loadDevRealm(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-bench-realm-')));
  const server = await startServer({
    db: hubDb,
    connectors,
    sources: world.sources.map((s) => (s === source ? { ...s, db: sourceDb } : s)),
    sourceTimeoutMs: config.sourceTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    port: 0,
    host: '127.0.0.1',
    verifier: keycloakVerifier(realm.settings),
  });
  const token = await mintToken(realm, { roles: DEPARTMENT_ROLES, districts: await districtsOf(world.hub.db), ttlSeconds: 86_400, subject: 'bench' });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'benchmark' };
  const keys = await busiestResidents(world.hub.db, 50);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const samples: Sample[] = [];
  let running = true;
  let next = 0;
  const worker = async () => {
    while (running) {
      const key = keys[next++ % keys.length];
      const startedAt = Date.now();
      let whole = false;
      let partial = false;
      try {
        const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query: RESIDENT_QUERY, variables: { id: key, n: 20 } }) });
        const body = (await response.json()) as { data?: { person: unknown } | null; errors?: { extensions?: { code?: string } }[] };
        whole = response.status === 200 && body.errors === undefined && body.data?.person != null;
        partial = response.status === 200 && body.data?.person != null && (body.errors ?? []).some((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE');
      } catch {
        // a failed exchange counts as neither whole nor partial
      }
      samples.push({ startedAt, ms: Date.now() - startedAt, whole, partial });
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  const results: FaultResult[] = [];
  try {
    log(`warming up …`);
    await sleep(3);
    for (const fault of FAULTS(options.source)) {
      const proxy = fault.target === 'hub' ? hubProxy : sourceProxy;
      log(`${fault.name}: ${options.calm}s calm, ${options.fault}s broken, ${options.calm}s after …`);
      const before = Date.now();
      await sleep(options.calm);
      const brokenAt = Date.now();
      fault.apply(proxy);
      await sleep(options.fault);
      const restoredAt = Date.now();
      proxy.restore();
      await sleep(options.calm);
      const endAt = Date.now();
      // A request belongs to the phase it started in; "before" keeps only those also answered before the fault.
      const phase = (from: number, to: number) => samples.filter((s) => s.startedAt >= from && s.startedAt < to);
      results.push({
        fault: fault.name,
        before: summarize(phase(before, brokenAt).filter((s) => s.startedAt + s.ms < brokenAt)),
        during: summarize(phase(brokenAt, restoredAt)),
        after: summarize(phase(restoredAt, endAt)),
        recoverMs: recovery(samples.filter((s) => s.startedAt >= restoredAt && s.startedAt < endAt), restoredAt),
      });
    }
  } finally {
    running = false;
    await Promise.all(workers);
    clearInterval(sampler);
  }

  console.log(`faults · ${world.kind} · scale ${options.scale} · residents' dossiers at concurrency ${options.concurrency} · ${options.calm}s before / ${options.fault}s broken / ${options.calm}s after`);
  console.log(`deadlines: SOURCE_TIMEOUT_MS ${config.sourceTimeoutMs}, DATABASE_STATEMENT_TIMEOUT_MS ${config.hubStatementTimeoutMs}, DATABASE_ACQUIRE_TIMEOUT_MS ${config.hubAcquireTimeoutMs}, REQUEST_TIMEOUT_MS ${config.requestTimeoutMs}`);
  const rows = [['fault', 'before p50/p99', 'during p50/p99', 'after p50/p99', 'during: whole / partial / failed', 'after: whole', 'recovered in']];
  for (const r of results) {
    rows.push([
      r.fault,
      `${r.before.p50} / ${r.before.p99} ms`,
      `${r.during.p50} / ${r.during.p99} ms`,
      `${r.after.p50} / ${r.after.p99} ms`,
      `${percent(r.during.whole)} / ${percent(r.during.partial)} / ${percent(r.during.failed)} of ${r.during.requests}`,
      `${percent(r.after.whole)} of ${r.after.requests}`,
      r.recoverMs === null ? 'not within the calm' : `${r.recoverMs} ms`,
    ]);
  }
  printTable(rows);
  console.log(`peak RSS of this process (server and load generator${embedded ? ', and the PGlite databases' : ''}): ${Math.round(peakRss / 2 ** 20)} MB`);
  const file = writeResults(options.out, {
    bench: 'faults',
    database: world.kind,
    scale: options.scale,
    concurrency: options.concurrency,
    seconds: { calm: options.calm, fault: options.fault },
    deadlines: { sourceTimeoutMs: config.sourceTimeoutMs, hubStatementTimeoutMs: config.hubStatementTimeoutMs, hubAcquireTimeoutMs: config.hubAcquireTimeoutMs, requestTimeoutMs: config.requestTimeoutMs },
    results,
    peakRssMB: Math.round(peakRss / 2 ** 20),
  });
  console.log(`results: ${file}`);
  await server.close();
  await hubDb.destroy();
  await sourceDb.destroy();
  await hubProxy.close();
  await sourceProxy.close();
  await world.close();
}

interface PhaseSummary {
  requests: number;
  p50: number;
  p99: number;
  whole: number;
  partial: number;
  failed: number;
}

interface FaultResult {
  fault: string;
  before: PhaseSummary;
  during: PhaseSummary;
  after: PhaseSummary;
  /** From the restore to the first request after which every answer was whole; null if that never happened. */
  recoverMs: number | null;
}

function summarize(samples: readonly Sample[]): PhaseSummary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  const share = (pick: (s: Sample) => boolean) => (samples.length === 0 ? 0 : samples.filter(pick).length / samples.length);
  return {
    requests: samples.length,
    p50: at(0.5),
    p99: at(0.99),
    whole: share((s) => s.whole),
    partial: share((s) => s.partial),
    failed: share((s) => !s.whole && !s.partial),
  };
}

function recovery(after: readonly Sample[], restoredAt: number): number | null {
  const lastBad = after.findLastIndex((s) => !s.whole);
  if (lastBad === after.length - 1) return null;
  return Math.max(0, after[lastBad + 1].startedAt - restoredAt);
}

function percent(share: number): string {
  return `${(100 * share).toFixed(share > 0 && share < 0.01 ? 1 : 0)} %`;
}

async function districtsOf(hub: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`select distinct substr(division_code, 1, 6) as code from standard_address`.execute(hub);
  return rows.map((row) => row.code);
}
