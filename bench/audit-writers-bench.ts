import { sql } from 'kysely';
import { type AuditEntry, verifyAuditChain } from '../src/audit/audit-log.js';
import { AuditQueue } from '../src/audit/audit-queue.js';
import { createHubKysely } from '../src/db/hub-database.js';
import { openBenchHub } from './bench-database.js';
import { median, printTable, writeResults } from './report.js';

export interface AuditWritersBenchOptions {
  /** Seconds of load per measurement. */
  duration: number;
  /** Requests in flight per writer, each appending `records` records and waiting for them. */
  concurrency: number;
  /** Records per request (a page of residents read with a purpose: one record each). */
  records: number;
  runs: number;
  out: string;
}

/** The writer counts measured: one hub process alone (the baseline), then four on one hub database. */
const WRITER_COUNTS = [1, 4] as const;

/** The hub's pool size per process (DATABASE_POOL_SIZE's default). */
const POOL_SIZE = 10;

interface Measurement {
  writers: number;
  records: number;
  recordsPerSecond: number;
  commits: number;
  /** Appends that found the head moved by another writer since their writer's last. */
  headMoves: number;
  /** Of those, the ones that had spent a statement on the old head before appending under the head's lock. */
  retries: number;
  /** Requests whose records were not written (their sensitive values would have been withheld). */
  failedAppends: number;
}

/**
 * Several hub processes appending to one audit chain (docs/design.md §5, §10):
 * each writer is what one `gridgraph serve` has — a pool of its own and one
 * group-commit queue — with `concurrency` requests in flight, each appending a
 * page's records. Four writers against the baseline of one, in the same run;
 * after each measurement the chain is verified end to end and its records
 * counted with plain SQL against the appends that succeeded.
 *
 * The writers share this process (its one event loop hashes for all of them);
 * four `gridgraph serve` processes would hash on their own cores.
 */
export async function runAuditWritersBench(options: AuditWritersBenchOptions): Promise<void> {
  const hub = await openBenchHub();
  if (hub.ownsEmbedded) console.error('note: on PGlite every writer shares one session; set BENCH_DATABASE_URL for several hub processes as deployed');
  const runs: Measurement[][] = [];
  let appended = 0;
  try {
    for (let run = 0; run < options.runs; run++) {
      const measured: Measurement[] = [];
      for (const writers of WRITER_COUNTS) {
        const m = await measure(hub.connectionUrl, writers, options, () => (appended += options.records));
        measured.push(m);
        console.error(`run ${run + 1}, ${writers} writer(s): ${m.recordsPerSecond.toFixed(0)} records/s, ${m.headMoves} head moves, ${m.retries} retries, ${m.failedAppends} failed appends`);
      }
      runs.push(measured);
    }
    const chain = await verifyAuditChain(hub.db);
    const { rows } = await sql<{ n: string }>`select count(*) as n from audit_log`.execute(hub.db);
    const stored = Number(rows[0].n);
    const summary = WRITER_COUNTS.map((writers, i) => {
      const of = runs.map((measured) => measured[i]);
      return {
        writers,
        recordsPerSecond: median(of.map((m) => m.recordsPerSecond)),
        commits: median(of.map((m) => m.commits)),
        recordsPerCommit: median(of.map((m) => m.records / Math.max(1, m.commits))),
        headMoves: median(of.map((m) => m.headMoves)),
        retries: median(of.map((m) => m.retries)),
        failedAppends: of.reduce((n, m) => n + m.failedAppends, 0),
      };
    });
    const baseline = summary[0].recordsPerSecond;
    console.log(`\naudit appends on ${hub.kind}: ${options.concurrency} requests in flight per writer, ${options.records} records each, ${options.duration} s per measurement, median of ${options.runs}`);
    printTable([
      ['writers', 'records/s', 'vs 1 writer', 'commits', 'records/commit', 'head moved', 'retries', 'failed appends'],
      ...summary.map((s) => [
        String(s.writers),
        s.recordsPerSecond.toFixed(0),
        `${(s.recordsPerSecond / baseline).toFixed(2)}×`,
        String(s.commits),
        s.recordsPerCommit.toFixed(1),
        String(s.headMoves),
        String(s.retries),
        String(s.failedAppends),
      ]),
    ]);
    const lost = appended - stored;
    console.log(`chain: ${chain.intact ? 'intact' : `BROKEN at ${chain.firstBrokenSequence}: ${chain.reason}`}, ${chain.records} records verified; ${stored} stored for ${appended} appended (${lost === 0 ? 'none lost' : `${lost} LOST`})`);
    const file = writeResults(options.out, { kind: hub.kind, options, summary, runs, chain, appended, stored });
    console.log(`results: ${file}`);
    if (!chain.intact || lost !== 0) process.exitCode = 1;
  } finally {
    await hub.close();
  }
}

/** `writers` writers, each with its own pool and queue, under load for `duration` seconds. */
async function measure(url: string, writers: number, options: AuditWritersBenchOptions, onAppended: () => void): Promise<Measurement> {
  const pools = Array.from({ length: writers }, () => createHubKysely(url, POOL_SIZE));
  const queues = pools.map((db) => new AuditQueue(db));
  let records = 0;
  let commits = 0;
  let failedAppends = 0;
  const commitsBefore = await countTransactions(pools[0]);
  const started = performance.now();
  const until = started + options.duration * 1000;
  try {
    await Promise.all(
      queues.flatMap((queue, writer) =>
        Array.from({ length: options.concurrency }, async (_, slot) => {
          for (let request = 0; performance.now() < until; request++) {
            try {
              await queue.append(page(`w${writer}-s${slot}-r${request}`, options.records));
              records += options.records;
              onAppended();
            } catch {
              failedAppends += 1;
            }
          }
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    commits = (await countTransactions(pools[0])) - commitsBefore;
    return { writers, records, recordsPerSecond: records / seconds, commits, headMoves: queues.reduce((n, q) => n + q.headMoves, 0), retries: queues.reduce((n, q) => n + q.retries, 0), failedAppends };
  } finally {
    await Promise.all(pools.map((db) => db.destroy()));
  }
}

/** Distinct transactions that wrote audit records so far: each group commit is one. */
async function countTransactions(db: ReturnType<typeof createHubKysely>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(distinct xmin::text) as n from audit_log`.execute(db);
  return Number(rows[0].n);
}

/** The records of one request reading a page of residents with a purpose. */
function page(requestId: string, records: number): AuditEntry[] {
  const at = new Date();
  return Array.from({ length: records }, (_, i) => ({
    at,
    actor: 'bench-dept-police',
    actorName: null,
    roles: ['dept-police'],
    purpose: 'bench case 1',
    operationName: 'Residents',
    documentHash: 'b'.repeat(64),
    requestId,
    clientAddress: '127.0.0.1',
    entityType: 'PERSON',
    entityKey: `32010219800101${String(i).padStart(4, '0')}`,
    fields: ['Person.idNumber', 'Person.name'],
  }));
}
