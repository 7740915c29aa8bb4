import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ChangeValueFormat } from './local-time.js';

/** Where the last sync of a table stopped: a change value and the record id of the row that had it. */
export interface ScanWatermark {
  readonly value: string;
  readonly recordId: string | null;
}

/**
 * All SQL run on department sources: sync's chunk reads and id scans, the
 * live facet reads, the steward's look-ups of raw texts. One comparison rule
 * holds throughout: a source column is compared in its own type, never cast
 * (`id::text in (…)` would stop the source's index on it from being used, and
 * turn every read into a scan of the whole table); the hub's text parameters
 * are untyped literals the source converts to the column's type. Values come
 * back as text (`::text` in the select list only), as the graph serves them.
 */

/** `column in (values)`, compared in the column's own type. */
function columnIn(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, values: readonly string[]) {
  return sql`${column} in (${sql.join(values.map((value) => sql`${value}`))})`;
}

/** What a scan reads of any table: its id, change value, delete flag, and the columns its writer needs. */
export interface ScanSpec {
  readonly table: string;
  readonly recordId: string;
  readonly changedAt?: string;
  readonly changedAtFormat?: ChangeValueFormat;
  readonly deletedWhen?: { readonly column: string; readonly equals: string };
  readonly columns: readonly string[];
}


/** One row of a scan, its columns as text. */
export interface ScannedRow {
  record_id: string;
  changed_at: string | null;
  /** The change value may be a watermark: a time in the column's format, not in the future. */
  change_ok: boolean;
  /** The row lies at or before the watermark's position: read again, not new. */
  recheck: boolean;
  /** The row's whole text: the last key of the scan order, so rows sharing an id are read in a fixed order. */
  tie: string;
  is_deleted: boolean;
  values: Record<string, string | null>;
}


/**
 * Where a scan of a table is. A table with a change column is read in two
 * passes: its rows in (change value, record id, row text) order, from the
 * watermark on, then — on every sync, since nothing says they have not
 * changed — the rows whose change value is empty, in (record id, row text) order.
 */
export interface ScanPosition {
  readonly withoutChange: boolean;
  /** The last row read in this pass. */
  readonly after?: { readonly changed: string | null; readonly id: string; readonly tie: string };
}


/**
 * A column of the table being read, by its alias: a bare name in ORDER BY would
 * mean the text column of the same name a scan selects.
 */
function sourceColumn(name: string) {
  return sql.ref(`source_row.${name}`);
}

/** A row's whole text: the scan order's last key, which tells apart rows sharing a change value and a record id. */
const ROW_TEXT = sql`source_row::text`;

/** A row without a record id cannot be keyed: it is left out of the scan and listed instead. */
function hasRecordId(id: ReturnType<typeof sourceColumn>) {
  return sql`${id} is not null and btrim(${id}::text) <> ''`;
}

/**
 * The next chunk from a position. Compared and ordered on the columns' own
 * types, so the source's index on (change column, record id) is used: a cast
 * here would make every chunk a scan and sort of the whole table.
 *
 * Within a run, chunks follow each other by the keyset (change value, record
 * id, row text): strictly after the last row read, so rows sharing a change
 * value across a chunk boundary are all read, once. Across runs, a sync
 * resumes at the watermark's change value itself (`>=`), not strictly after
 * its position: a row written later with the same change value as the
 * watermark but a smaller record id would lie behind a pure keyset position
 * and never be read. So the rows of that one change value are read again
 * (`recheck`) — usually a handful, as values are seconds — and written by the
 * idempotent upsert, which leaves unchanged records alone. That loses nothing
 * as long as the change column does what its mapping promises: a row changed
 * after a sync read is stamped no earlier than the newest value that sync saw.
 */
export async function readChunk(
  db: Kysely<any>,
  scan: ScanSpec,
  watermark: ScanWatermark | undefined,
  { withoutChange, after }: ScanPosition,
  limit: number,
): Promise<ScannedRow[]> {
  const id = sourceColumn(scan.recordId);
  const changed = scan.changedAt === undefined ? undefined : sourceColumn(scan.changedAt);
  const conditions = [hasRecordId(id)];
  if (changed !== undefined) {
    if (withoutChange) conditions.push(sql`${changed} is null`);
    else conditions.push(watermark === undefined ? sql`${changed} is not null` : sql`${changed} >= ${watermark.value}`);
  }
  const ordered = changed === undefined || withoutChange;
  if (after !== undefined) {
    // The leading pair alone is what the index can seek; the row text only orders rows sharing both.
    conditions.push(ordered
      ? sql`${id} >= ${after.id} and (${id}, ${ROW_TEXT}) > (${after.id}, ${after.tie})`
      : sql`(${changed}, ${id}) >= (${after.changed}, ${after.id}) and (${changed}, ${id}, ${ROW_TEXT}) > (${after.changed}, ${after.id}, ${after.tie})`);
  }
  const recheck = changed === undefined || withoutChange || watermark === undefined
    ? sql`false`
    : watermark.recordId === null ? sql`${changed} <= ${watermark.value}` : sql`(${changed}, ${id}) <= (${watermark.value}, ${watermark.recordId})`;
  const deletedFlag = scan.deletedWhen === undefined
    ? sql`false`
    : sql`coalesce(${sql.ref(scan.deletedWhen.column)}::text = ${scan.deletedWhen.equals}, false)`;
  const order = ordered ? sql`${id}, ${ROW_TEXT}` : sql`${changed}, ${id}, ${ROW_TEXT}`;
  const { rows } = await sql<Record<string, string | null> & { _record_id: string; _changed_at: string | null; _is_deleted: boolean; _recheck: boolean; _tie: string }>`
    select ${id}::text as _record_id, ${changed === undefined ? sql`null` : sql`${changed}::text`} as _changed_at, ${deletedFlag} as _is_deleted,
           ${recheck} as _recheck, ${ROW_TEXT} as _tie,
           ${sql.join(scan.columns.map((column) => sql`${sql.ref(column)}::text as ${sql.id(column)}`))}
    from ${sql.table(scan.table)} as source_row
    where ${sql.join(conditions, sql` and `)}
    order by ${order}
    limit ${limit}`.execute(db);
  return rows.map(({ _record_id, _changed_at, _is_deleted, _recheck, _tie, ...values }) => ({
    record_id: _record_id,
    changed_at: _changed_at,
    change_ok: false,
    recheck: _recheck,
    tie: _tie,
    is_deleted: _is_deleted,
    values,
  }));
}


/** How many rows without a record id a table lists for the steward at most; the count covers them all. */
export const LISTED_ISSUES = 10_000;

/** The table's rows that cannot be keyed (no record id), the first LISTED_ISSUES of them, with how many there are. */
export async function readRowsWithoutId(db: Kysely<any>, scan: ScanSpec): Promise<{ rows: { change_value: string | null; is_null: boolean }[]; total: number }> {
  const id = sourceColumn(scan.recordId);
  const changed = scan.changedAt === undefined ? sql`null::text` : sql`${sourceColumn(scan.changedAt)}::text`;
  const { rows } = await sql<{ change_value: string | null; is_null: boolean; total: string }>`
    select ${changed} as change_value, ${id} is null as is_null, count(*) over () as total
    from ${sql.table(scan.table)} as source_row
    where not (${hasRecordId(id)})
    order by 1 nulls last, ${ROW_TEXT}
    limit ${LISTED_ISSUES}`.execute(db);
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

/** A page of the record ids a table holds, in the id column's own order, each once with how many rows share it. */
export async function readRecordIdPage(db: Kysely<any>, scan: Pick<ScanSpec, 'table' | 'recordId'>, after: string | undefined, pageSize: number): Promise<{ record_id: string; rows: string }[]> {
  const id = sourceColumn(scan.recordId);
  const { rows } = await sql<{ record_id: string; rows: string }>`
    select ${id}::text as record_id, count(*) as rows from ${sql.table(scan.table)} as source_row
    where ${hasRecordId(id)} ${after === undefined ? sql`` : sql`and ${id} > ${after}`}
    group by ${id} order by ${id} limit ${pageSize}`.execute(db);
  return rows;
}

/** Rows of a table whose `column` holds one of `values`, with the given columns as text, in record id order: one statement. */
export async function readRowsWhere(
  db: Kysely<any>,
  table: { readonly table: string; readonly recordId: string },
  column: string,
  values: readonly string[],
  columns: readonly string[],
): Promise<Record<string, string | null>[]> {
  if (values.length === 0) return [];
  const selected = [...new Set([column, table.recordId, ...columns])];
  const { rows } = await sql<Record<string, string | null>>`
    select ${sql.join(selected.map((name) => sql`${sourceColumn(name)}::text as ${sql.id(name)}`))}
    from ${sql.table(table.table)} as source_row
    where ${columnIn(sourceColumn(column), values)}
    order by ${sourceColumn(table.recordId)}`.execute(db);
  return rows;
}
