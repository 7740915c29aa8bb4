import { type Kysely, sql } from 'kysely';
import type { Connector } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { type ChangeValueFormat, DEFAULT_UTC_OFFSET, instantOf, parseLocalTime } from '../sources/local-time.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { isGoodChangeValue } from './change-value.js';
import { describeSyncFailure } from './sync-failure.js';
import { readTableRuns, type SyncRunRow } from '../crosswalk/sync-state-repository.js';

/** One run, as the graph's `SyncRun`. */
export interface SyncRunStatus {
  mode: 'FULL' | 'INCREMENTAL';
  startedAt: string;
  finishedAt: string | null;
  outcome: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  rowsRead: number;
  rowsDeleted: number;
  rowsSkipped: number;
  error: string | null;
}

/** Where one source table's sync is (the graph's `SyncStatusOfTable`). */
export interface SyncStatusOfTable {
  source: string;
  table: string;
  lastRun: SyncRunStatus | null;
  lastSuccess: SyncRunStatus | null;
  failuresSinceSuccess: number;
  watermark: { changeValue: string; recordId: string | null } | null;
  sourceNewestChange: string | null;
  lagSeconds: number | null;
  sourceError: string | null;
}

/** Change values read from the newest down to find one that is a time: garbage sorts anywhere, often last. */
const NEWEST_CANDIDATES = 50;

/**
 * Every table of every connector (or of one source): its runs and watermark
 * from the hub, and — read live, each source within `timeoutMs` — the newest
 * good change value in the source, hence the lag.
 */
export async function readSyncStatus(
  hub: Kysely<HubSchema>,
  connectors: readonly Connector[],
  sources: ReadonlyMap<string, SourceDatabase>,
  options: { source?: string; timeoutMs: number },
): Promise<SyncStatusOfTable[]> {
  const runs = await readTableRuns(hub);
  const tables = connectors
    .filter((connector) => options.source === undefined || connector.name === options.source)
    .flatMap((connector) => [...connector.tables, ...(connector.linkTables ?? [])].map((mapping) => ({ connector, mapping })));
  return Promise.all(
    tables.map(async ({ connector, mapping }) => {
      const key = `${connector.name}.${mapping.table}`;
      const watermark = runs.watermarks.get(key);
      const format = mapping.changedAtFormat ?? 'timestamp';
      const offset = connector.utcOffset ?? DEFAULT_UTC_OFFSET;
      const source = sources.get(connector.name);
      let newest: string | null = null;
      let sourceError: string | null = null;
      if (mapping.changedAt !== undefined && source !== undefined) {
        try {
          newest = await withTimeout(newestGoodChange(source, mapping.table, mapping.changedAt, format, offset), options.timeoutMs);
        } catch (error) {
          sourceError = describeSyncFailure(error).message;
        }
      }
      return {
        source: connector.name,
        table: mapping.table,
        lastRun: runStatus(runs.last.get(key)),
        lastSuccess: runStatus(runs.lastSuccess.get(key)),
        failuresSinceSuccess: runs.failuresSinceSuccess.get(key) ?? 0,
        watermark: watermark === undefined ? null : { changeValue: watermark.value, recordId: watermark.recordId },
        sourceNewestChange: newest,
        lagSeconds: newest === null ? null : lagSeconds(watermark?.value, newest, format, offset),
        sourceError,
      };
    }),
  );
}

function runStatus(run: SyncRunRow | undefined): SyncRunStatus | null {
  if (run === undefined) return null;
  return {
    mode: run.mode,
    startedAt: run.started_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
    outcome: run.finished_at === null ? 'RUNNING' : run.error === null ? 'SUCCEEDED' : 'FAILED',
    rowsRead: run.rows_scanned,
    rowsDeleted: run.rows_deleted,
    rowsSkipped: run.rows_skipped,
    error: run.error,
  };
}

/** How far the watermark lies behind the source's newest change; the whole span since the epoch is never shown: no watermark yet is `null`. */
function lagSeconds(watermark: string | undefined, newest: string, format: ChangeValueFormat, offset: string): number | null {
  if (watermark === undefined) return null;
  const from = parseLocalTime(watermark, format);
  const to = parseLocalTime(newest, format);
  if (from === null || to === null) return null;
  return Math.max(0, Math.round((instantOf(to, offset) - instantOf(from, offset)) / 1000));
}

async function newestGoodChange(source: SourceDatabase, table: string, column: string, format: ChangeValueFormat, offset: string): Promise<string | null> {
  const changed = sql.ref(`source_row.${column}`);
  const { rows } = await sql<{ value: string }>`
    select ${changed}::text as value from ${sql.table(table)} as source_row
    where ${changed} is not null order by ${changed} desc limit ${NEWEST_CANDIDATES}`.execute(source.db);
  const now = Date.now();
  return rows.find((row) => isGoodChangeValue(row.value, format, offset, now))?.value ?? null;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
