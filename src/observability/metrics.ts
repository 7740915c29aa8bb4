import client from 'prom-client';

/**
 * gridgraph's Prometheus metrics (README § Operating: metrics, traces, logs).
 * One registry per process: the server, the pools, the audit queue, the sync
 * and the address resolver all report into it through the one-line calls below,
 * and `/metrics` (see metrics-server.ts) exposes it.
 *
 * Labels carry only bounded, non-personal values: operation names (capped, see
 * {@link operationLabel}), outcomes, error codes, connector and table names,
 * resolution statuses. Never a person, an ID number, a phone or free text.
 */
export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });

/** Request latency buckets (seconds): a cached door plate in milliseconds up to a request's whole deadline. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Database latency buckets (seconds). */
const DB_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const requests = new client.Counter({
  name: 'gridgraph_http_requests_total',
  help: 'GraphQL HTTP requests by operation name and outcome (success, partial: data with errors, error: no data or a 4xx/5xx status)',
  labelNames: ['operation', 'outcome'] as const,
  registers: [metricsRegistry],
});
const requestDuration = new client.Histogram({
  name: 'gridgraph_http_request_duration_seconds',
  help: 'GraphQL HTTP request latency, from arrival to the last byte of the answer, by operation name',
  labelNames: ['operation'] as const,
  buckets: REQUEST_BUCKETS,
  registers: [metricsRegistry],
});
const graphqlErrors = new client.Counter({
  name: 'gridgraph_graphql_errors_total',
  help: 'Errors in GraphQL answers by extensions.code',
  labelNames: ['code'] as const,
  registers: [metricsRegistry],
});
const sourceReads = new client.Counter({
  name: 'gridgraph_source_reads_total',
  help: 'Live read batches from a department source by connector and outcome (ok, failed, timeout)',
  labelNames: ['connector', 'outcome'] as const,
  registers: [metricsRegistry],
});
const sourceReadDuration = new client.Histogram({
  name: 'gridgraph_source_read_duration_seconds',
  help: 'Latency of live read batches from a department source, by connector',
  labelNames: ['connector'] as const,
  buckets: DB_BUCKETS,
  registers: [metricsRegistry],
});
const auditRecords = new client.Counter({
  name: 'gridgraph_audit_records_appended_total',
  help: 'Audit records committed to the chain',
  registers: [metricsRegistry],
});
const auditCommits = new client.Counter({
  name: 'gridgraph_audit_commits_total',
  help: 'Audit group commits by outcome (ok, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
const auditCommitDuration = new client.Histogram({
  name: 'gridgraph_audit_commit_duration_seconds',
  help: 'Latency of one audit group commit (one transaction appending a batch of records)',
  buckets: DB_BUCKETS,
  registers: [metricsRegistry],
});
const auditHeadMoves = new client.Counter({
  name: 'gridgraph_audit_head_moved_total',
  help: "Audit appends that found the chain's head moved by another hub process; retried: whether a statement was spent on the old head first",
  labelNames: ['retried'] as const,
  registers: [metricsRegistry],
});
const auditQueueDepth = new client.Gauge({
  name: 'gridgraph_audit_queue_depth',
  help: 'Audit records waiting for or in a commit',
  registers: [metricsRegistry],
});
const syncRowsRead = new client.Counter({
  name: 'gridgraph_sync_rows_read_total',
  help: 'Rows read from a source table by the sync',
  labelNames: ['connector', 'table'] as const,
  registers: [metricsRegistry],
});
const syncRowsRejected = new client.Gauge({
  name: 'gridgraph_sync_rows_rejected',
  help: 'Rows of a source table the last sync did not take, by reason (no_record_id: rows without an id; duplicate_record_id: ids several rows share, one row synced)',
  labelNames: ['connector', 'table', 'reason'] as const,
  registers: [metricsRegistry],
});
const syncBadChangeValues = new client.Counter({
  name: 'gridgraph_sync_bad_change_values_total',
  help: 'Rows synced whose change value is not a time or lies in the future (listed for the steward, never a watermark)',
  labelNames: ['connector', 'table'] as const,
  registers: [metricsRegistry],
});
const addressResolutions = new client.Counter({
  name: 'gridgraph_address_resolutions_total',
  help: 'Free-text addresses resolved, by status (matched, partial, ambiguous, unmatched)',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

// --- Pools: read when scraped -------------------------------------------------

/** The parts of a `pg` pool the gauges read. */
interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly ended?: boolean;
  readonly ending?: boolean;
}
const pools = new Map<PoolCounts, string>();
/** A pool's label: `hub`, or the connector of `source <name>`. */
function poolName(label: string): string {
  return label.startsWith('source ') ? label.slice('source '.length) : label;
}
function livePools(): [PoolCounts, string][] {
  for (const pool of pools.keys()) if (pool.ended || pool.ending) pools.delete(pool);
  return [...pools];
}
new client.Gauge({
  name: 'gridgraph_db_pool_connections',
  help: 'Connections of a database pool (hub, or a connector) by state (in_use, idle)',
  labelNames: ['pool', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [pool, name] of livePools()) {
      this.inc({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.inc({ pool: name, state: 'idle' }, pool.idleCount);
    }
  },
});
new client.Gauge({
  name: 'gridgraph_db_pool_waiting',
  help: 'Callers waiting for a connection of a database pool (hub, or a connector)',
  labelNames: ['pool'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [pool, name] of livePools()) this.inc({ pool: name }, pool.waitingCount);
  },
});

// --- Sync status: read when scraped -------------------------------------------

/** One source table's sync as the hub records it (see readSyncStatus). */
export interface SyncTableStatus {
  readonly source: string;
  readonly table: string;
  readonly lastSuccessAt: Date | string | null;
  readonly lagSeconds: number | null;
}
let syncStatusReader: (() => Promise<readonly SyncTableStatus[]>) | undefined;
let syncStatusCache: { at: number; value: Promise<readonly SyncTableStatus[]> } | undefined;
/** Scrapes come every few seconds: the sources are asked for their newest change at most this often. */
const SYNC_STATUS_TTL_MS = 10_000;
function syncStatus(): Promise<readonly SyncTableStatus[]> {
  if (syncStatusReader === undefined) return Promise.resolve([]);
  if (syncStatusCache === undefined || Date.now() - syncStatusCache.at > SYNC_STATUS_TTL_MS) {
    syncStatusCache = { at: Date.now(), value: syncStatusReader().catch(() => []) };
  }
  return syncStatusCache.value;
}
new client.Gauge({
  name: 'gridgraph_sync_lag_seconds',
  help: "How far a table's synced copy is behind the source's newest change (absent while unknown)",
  labelNames: ['connector', 'table'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const table of await syncStatus()) if (table.lagSeconds !== null) this.set({ connector: table.source, table: table.table }, table.lagSeconds);
  },
});
new client.Gauge({
  name: 'gridgraph_sync_last_success_timestamp_seconds',
  help: "When a table's last successful sync finished (Unix time)",
  labelNames: ['connector', 'table'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const table of await syncStatus()) {
      if (table.lastSuccessAt !== null) this.set({ connector: table.source, table: table.table }, new Date(table.lastSuccessAt).getTime() / 1000);
    }
  },
});

// --- Bounded labels -----------------------------------------------------------

/** Distinct operation names that get a series of their own; later ones count as `other`. */
export const MAX_OPERATION_NAMES = 100;
const operationNames = new Set<string>();
/** A GraphQL name (ASCII letters, digits, underscores) without a run of five digits (an ID number or phone spelled into a name). */
const PLAIN_NAME = /^(?!.*\d{5})[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The `operation` label of a request: its operation name when it is a plain
 * GraphQL name among the first {@link MAX_OPERATION_NAMES} seen; `anonymous`
 * for a document without one; `unknown` when the request was refused before an
 * operation was known (no token, unreadable body); `other` for the rest.
 */
export function operationLabel(name: string | null | undefined): string {
  if (name === undefined) return 'unknown';
  if (name === null || name === '') return 'anonymous';
  if (!PLAIN_NAME.test(name)) return 'other';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

/** An error code as a label: gridgraph's and GraphQL's codes are upper-case words; anything else is `OTHER`. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z_]{0,39}$/.test(code) ? code : 'OTHER';
}

/** A connector or table name as a label: names come from the connectors' code, but are checked anyway. */
function nameLabel(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name) ? name : 'other';
}

// --- The calls other modules make ---------------------------------------------

export type RequestOutcome = 'success' | 'partial' | 'error';

let recording = true;
/** Turns the calls below into no-ops and back: for `npm run bench -- observability`, which measures what they cost. */
export function recordMetrics(on: boolean): void {
  recording = on;
}

export const metrics = {
  /** One GraphQL HTTP request finished. */
  request(operation: string, outcome: RequestOutcome, seconds: number, errorCodes: readonly string[]): void {
    if (!recording) return;
    requests.inc({ operation, outcome });
    requestDuration.observe({ operation }, seconds);
    for (const code of errorCodes) graphqlErrors.inc({ code: codeLabel(code) });
  },
  /** One live read batch from a source finished. */
  sourceRead(connector: string, outcome: 'ok' | 'failed' | 'timeout', seconds: number): void {
    if (!recording) return;
    const label = nameLabel(connector);
    sourceReads.inc({ connector: label, outcome });
    sourceReadDuration.observe({ connector: label }, seconds);
  },
  /** A `pg` pool to watch: `label` is the guarded pool's (`hub`, `source police`). Forgotten once it ends. */
  pool(label: string, pool: PoolCounts): void {
    pools.set(pool, nameLabel(poolName(label)));
  },
  /** Records entered the audit queue. */
  auditQueued(records: number): void {
    if (!recording) return;
    auditQueueDepth.inc(records);
  },
  /** A group commit of `records` records finished (and left the queue). */
  auditCommitted(records: number, ok: boolean, seconds: number): void {
    if (!recording) return;
    auditQueueDepth.dec(records);
    auditCommits.inc({ outcome: ok ? 'ok' : 'failed' });
    auditCommitDuration.observe(seconds);
    if (ok) auditRecords.inc(records);
  },
  /** An audit append found the head moved by another writer; `retried`: after a statement spent on the old head. */
  auditHeadMoved(retried: boolean): void {
    if (!recording) return;
    auditHeadMoves.inc({ retried: retried ? 'true' : 'false' });
  },
  /** A chunk of `rows` rows of a source table was read by the sync. */
  syncRowsRead(connector: string, table: string, rows: number): void {
    if (!recording) return;
    syncRowsRead.inc({ connector: nameLabel(connector), table: nameLabel(table) }, rows);
  },
  /** A table's sync finished: what it did not take. */
  tableSynced(result: { source: string; table: string; skipped: number; duplicates: number; badChangeValues: number }): void {
    if (!recording) return;
    const labels = { connector: nameLabel(result.source), table: nameLabel(result.table) };
    syncRowsRejected.set({ ...labels, reason: 'no_record_id' }, result.skipped);
    syncRowsRejected.set({ ...labels, reason: 'duplicate_record_id' }, result.duplicates);
    syncBadChangeValues.inc(labels, result.badChangeValues);
  },
  /** Where the sync of each table is, read when scraped (at most every 10 s). */
  syncStatusFrom(reader: (() => Promise<readonly SyncTableStatus[]>) | undefined): void {
    syncStatusReader = reader;
    syncStatusCache = undefined;
  },
  /** Addresses resolved: counted by status. */
  addressesResolved(results: readonly { readonly status: string }[]): void {
    if (!recording) return;
    const counts = new Map<string, number>();
    for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
    for (const [status, count] of counts) addressResolutions.inc({ status: /^[A-Z_]{1,20}$/.test(status) ? status.toLowerCase() : 'other' }, count);
  },
};
