import { type Kysely, sql } from 'kysely';
import type { HubSchema, SyncTableIssueTable } from '../db/hub-schema.js';

/** All SQL on `sync_watermark`, `sync_run` and `sync_table_issue`: where each table's sync is and how its runs went. */

/** A keyset position in a source table: a change value and the record id after which the last sync stopped. */
export interface WatermarkPosition {
  /** The change column's value as text (the column's own form). */
  readonly value: string;
  /** Null on a watermark written before the keyset: then every row with `value` was read. */
  readonly recordId: string | null;
}

export async function readWatermark(db: Kysely<HubSchema>, source: string, table: string): Promise<WatermarkPosition | undefined> {
  const row = await db
    .selectFrom('sync_watermark')
    .select(['watermark', 'record_id'])
    .where('source', '=', source)
    .where('source_table', '=', table)
    .executeTakeFirst();
  return row === undefined ? undefined : { value: row.watermark, recordId: row.record_id };
}

export async function writeWatermark(db: Kysely<HubSchema>, source: string, table: string, position: WatermarkPosition): Promise<void> {
  await db
    .insertInto('sync_watermark')
    .values({ source, source_table: table, watermark: position.value, record_id: position.recordId })
    .onConflict((oc) => oc.columns(['source', 'source_table']).doUpdateSet({ watermark: position.value, record_id: position.recordId }))
    .execute();
}

/** Records a table's run as started; returns its id. */
export async function startRun(db: Kysely<HubSchema>, source: string, table: string, mode: 'FULL' | 'INCREMENTAL'): Promise<number> {
  const run = await db
    .insertInto('sync_run')
    .values({ source, source_table: table, mode, started_at: new Date(), finished_at: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

/** What a run did, written when it ends; `error` is a message fit for a steward (never raw driver text). */
export interface RunOutcome {
  readonly scanned: number;
  readonly deleted?: number;
  readonly skipped?: number;
  readonly error?: string;
}

export async function finishRun(db: Kysely<HubSchema>, id: number, outcome: RunOutcome): Promise<void> {
  await db
    .updateTable('sync_run')
    .set({
      finished_at: new Date(),
      rows_scanned: outcome.scanned,
      rows_deleted: outcome.deleted ?? 0,
      rows_skipped: outcome.skipped ?? 0,
      error: outcome.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** A run of a table that never started because its source failed first: recorded so the steward sees the table was skipped. */
export async function recordSkippedRun(db: Kysely<HubSchema>, source: string, table: string, reason: string): Promise<void> {
  const now = new Date();
  await db.insertInto('sync_run').values({ source, source_table: table, mode: 'INCREMENTAL', started_at: now, finished_at: now, error: reason }).execute();
}

/** One issue of a table that no crosswalk row can hold. */
export type TableIssue = Pick<SyncTableIssueTable, 'record_id' | 'change_value' | 'reason'> & { rows?: number };

/** Replaces a table's list of one kind of issue with what this sync found. */
export async function replaceTableIssues(
  db: Kysely<HubSchema>,
  source: string,
  table: string,
  kind: SyncTableIssueTable['kind'],
  issues: readonly TableIssue[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sync_table_issue').where('source', '=', source).where('source_table', '=', table).where('kind', '=', kind).execute();
    for (let start = 0; start < issues.length; start += 1_000) {
      await trx
        .insertInto('sync_table_issue')
        .values(issues.slice(start, start + 1_000).map((issue, i) => ({
          source, source_table: table, kind, position: start + i + 1,
          record_id: issue.record_id, change_value: issue.change_value, rows: issue.rows ?? 1, reason: issue.reason,
        })))
        .execute();
    }
  });
}

/** How many issues of each kind a source table has, for the quality report. */
export async function countTableIssues(db: Kysely<HubSchema>, source?: string): Promise<{ source: string; table: string; kind: SyncTableIssueTable['kind']; count: number }[]> {
  const { rows } = await sql<{ source: string; source_table: string; kind: SyncTableIssueTable['kind']; count: string }>`
    select source, source_table, kind, count(*) as count from sync_table_issue
    ${source === undefined ? sql`` : sql`where source = ${source}`}
    group by 1, 2, 3`.execute(db);
  return rows.map((row) => ({ source: row.source, table: row.source_table, kind: row.kind, count: Number(row.count) }));
}

/** Deletes all but the last `keep` runs of each table, so a sync every minute does not grow `sync_run` without end. */
export async function pruneRuns(db: Kysely<HubSchema>, keep: number): Promise<void> {
  await sql`
    delete from sync_run where id in (
      select id from (
        select id, row_number() over (partition by source, source_table order by id desc) as recent from sync_run) ranked
      where recent > ${keep})`.execute(db);
}

/** One run of a table, as the steward's status shows it. */
export interface SyncRunRow {
  readonly source: string;
  readonly source_table: string;
  readonly mode: 'FULL' | 'INCREMENTAL';
  readonly started_at: Date;
  readonly finished_at: Date | null;
  readonly rows_scanned: number;
  readonly rows_deleted: number;
  readonly rows_skipped: number;
  readonly error: string | null;
}

/** Per source table (`source.table`): its last run, its last successful run, and the runs that failed since. */
export interface TableRuns {
  readonly last: ReadonlyMap<string, SyncRunRow>;
  readonly lastSuccess: ReadonlyMap<string, SyncRunRow>;
  readonly failuresSinceSuccess: ReadonlyMap<string, number>;
  readonly watermarks: ReadonlyMap<string, WatermarkPosition>;
}

export async function readTableRuns(db: Kysely<HubSchema>): Promise<TableRuns> {
  const columns = sql`source, source_table, mode, started_at, finished_at, rows_scanned, rows_deleted, rows_skipped, error`;
  const last = await sql<SyncRunRow>`
    select distinct on (source, source_table) ${columns} from sync_run
    where source_table is not null order by source, source_table, id desc`.execute(db);
  const succeeded = await sql<SyncRunRow>`
    select distinct on (source, source_table) ${columns} from sync_run
    where source_table is not null and finished_at is not null and error is null order by source, source_table, id desc`.execute(db);
  const failures = await sql<{ source: string; source_table: string; count: string }>`
    select source, source_table, count(*) as count from sync_run failed
    where source_table is not null and error is not null
      and id > coalesce((select max(id) from sync_run ok where ok.source = failed.source and ok.source_table = failed.source_table
                                                            and ok.finished_at is not null and ok.error is null), 0)
    group by 1, 2`.execute(db);
  const watermarks = await db.selectFrom('sync_watermark').selectAll().execute();
  const key = (row: { source: string; source_table: string }) => `${row.source}.${row.source_table}`;
  return {
    last: new Map(last.rows.map((row) => [key(row), row])),
    lastSuccess: new Map(succeeded.rows.map((row) => [key(row), row])),
    failuresSinceSuccess: new Map(failures.rows.map((row) => [key(row), Number(row.count)])),
    watermarks: new Map(watermarks.map((row) => [key(row), { value: row.watermark, recordId: row.record_id }])),
  };
}
