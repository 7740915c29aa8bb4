import type { Kysely } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { Connector, KeyKind, LinkTableMapping, TableMapping } from '../connectors/connector.js';
import { SHARED_FIELDS } from '../connectors/shared-fields.js';
import type { HubSchema, RecordProblems } from '../db/hub-schema.js';
import { BULK_CHANGE, refreshStatistics } from '../db/planner-statistics.js';
import { checkCreditCode } from '../identity/credit-code.js';
import { checkIdNumber } from '../identity/id-number.js';
import { invalidDateText, presentValue } from '../sources/facet-reader.js';
import { DEFAULT_UTC_OFFSET } from '../sources/local-time.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { recountResidentsIfStale } from '../statistics/resident-counts.js';
import { LISTED_ISSUES, readChunk, readRecordIdPage, readRowsWithoutId, type ScannedRow, type ScanPosition, type ScanSpec } from '../sources/source-queries.js';
import { isGoodChangeValue } from './change-value.js';
import { type CrosswalkWrite, type LinkWrite, markAbsentDeleted, upsertCrosswalk, upsertLinks } from '../crosswalk/crosswalk-writes.js';
import { describeSyncFailure } from './sync-failure.js';
import type { TableLocks } from './table-lock.js';
import { observeSyncChunk } from '../observability/hooks.js';
import {
  finishRun,
  readWatermark,
  recordSkippedRun,
  replaceTableIssues,
  startRun,
  type TableIssue,
  type WatermarkPosition,
  writeWatermark,
} from '../crosswalk/sync-state-repository.js';

/** Where a sync is: rows read so far from one table. */
export interface SyncProgress {
  readonly source: string;
  readonly table: string;
  readonly phase: 'scan' | 'deletions';
  readonly rows: number;
}

export interface SyncOptions {
  /** Rescan every row instead of those changed since the last sync. @default false */
  full?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  /** Rows read, validated, resolved and written per step. @default 5000 */
  chunkSize?: number;
  /**
   * Awaited after each chunk is written: a serving process pauses here (see
   * `pacedSteps`) so requests never wait behind more than one chunk, and stops
   * here by throwing. @default none
   */
  betweenChunks?: () => Promise<void>;
}

/** What one table's sync did. */
export interface TableSyncResult {
  readonly source: string;
  readonly table: string;
  readonly mode: 'FULL' | 'INCREMENTAL';
  /** Rows read from the source in this run beyond the watermark's position. */
  readonly scanned: number;
  /** Rows on the watermark's own change value read again (see {@link readChunk}): usually a handful. */
  readonly rechecked: number;
  /** Records found gone (deleted in the source) in this run. */
  readonly deleted: number;
  /** Rows the table holds without a record id: not synced, listed for the steward. */
  readonly skipped: number;
  /** Record ids several rows of the table share: listed for the steward. */
  readonly duplicates: number;
  /** Rows read in this run whose change value is not a time (or lies in the future): synced, listed, never a watermark. */
  readonly badChangeValues: number;
  /** Where the next incremental sync resumes; undefined on a table without a change column or before any good change value. */
  readonly watermark: WatermarkPosition | undefined;
}

/** A source whose sync failed part-way: the table that failed and the tables not synced because of it. */
export interface SourceSyncFailure {
  readonly source: string;
  readonly table: string;
  /** Why, fit for a steward's screen (never driver text). */
  readonly message: string;
  /** Tables of the source not started because the source failed first. */
  readonly skippedTables: readonly string[];
}

/** What a sync of several sources did: each source's finished tables, and the sources that failed. */
export interface SyncReport {
  /** Per source in the order given, its tables that finished, in table order. */
  readonly results: TableSyncResult[][];
  readonly failures: SourceSyncFailure[];
  /** Tables not synced because another sync held them (with `locks`): that sync brings them up to date. */
  readonly busy: { readonly source: string; readonly table: string }[];
}

/** Turns a chunk of scanned rows into crosswalk and link rows. */
type ChunkWriter = (rows: ScannedRow[]) => Promise<{ records: CrosswalkWrite[]; links: LinkWrite[] }>;

/** One table of a source as a sync job. */
interface TableJob {
  readonly table: string;
  run(hub: Kysely<HubSchema>, options: SyncOptions): Promise<TableSyncResult>;
}

/**
 * Syncs one source into the crosswalk (docs/design.md §4.3), table by table: reads the
 * rows changed since the last run (all rows on the first run or with `full`)
 * and those with no change value at all, validates keys, resolves address
 * texts, and writes crosswalk rows, links and the new watermark together, a
 * chunk at a time — so an interrupted sync re-run continues where it stopped
 * and loses nothing, and a re-run with nothing new changes nothing. Then finds
 * records deleted in the source by comparing ids. A failure is thrown.
 */
export async function syncSource(
  hub: Kysely<HubSchema>,
  source: SourceDatabase,
  resolver: AddressResolver,
  options: SyncOptions = {},
): Promise<TableSyncResult[]> {
  const results: TableSyncResult[] = [];
  for (const job of tableJobs(source, resolver)) results.push(await job.run(hub, options));
  await refreshStatisticsAfter(hub, results);
  return results;
}

/**
 * Syncs several sources, `parallel` tables at a time, largest source first in
 * the order given: one table's reads and writes overlap another's address
 * resolution, which alone keeps a core busy. A table that fails ends its
 * source's sync — its tables not yet started are skipped and recorded as such
 * in `sync_run` — while every other source syncs on; the failures come back
 * in the report, not thrown.
 */
export async function syncSources(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  resolver: AddressResolver,
  options: SyncOptions & {
    parallel?: number;
    onSourceDone?: (source: string, results: TableSyncResult[]) => void;
    /** Sync a table only while holding its lock; a table another sync holds is left to it. @default no locks */
    locks?: TableLocks;
  } = {},
): Promise<SyncReport> {
  const perSource = sources.map((source) => tableJobs(source, resolver));
  const jobs = perSource.flatMap((runs, sourceIndex) => runs.map((job, tableIndex) => ({ sourceIndex, tableIndex, job })));
  const results = perSource.map((runs) => new Array<TableSyncResult | undefined>(runs.length).fill(undefined));
  const remaining = results.map((tables) => tables.length);
  const failed = new Map<number, { table: string; message: string; skipped: string[] }>();
  const busy: SyncReport['busy'] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { sourceIndex, tableIndex, job } = jobs[next++];
      const failure = failed.get(sourceIndex);
      if (failure !== undefined) {
        failure.skipped.push(job.table);
        await recordSkippedRun(hub, sources[sourceIndex].connector.name, job.table, `skipped: the sync of ${failure.table} failed first (${failure.message})`);
        continue;
      }
      try {
        const name = sources[sourceIndex].connector.name;
        const outcome = options.locks === undefined ? { ran: true as const, value: await job.run(hub, options) } : await options.locks.withLock(name, job.table, () => job.run(hub, options));
        if (outcome.ran) results[sourceIndex][tableIndex] = outcome.value;
        else busy.push({ source: name, table: job.table });
        if (--remaining[sourceIndex] === 0) options.onSourceDone?.(name, results[sourceIndex].filter((r): r is TableSyncResult => r !== undefined));
      } catch (error) {
        if (!failed.has(sourceIndex)) failed.set(sourceIndex, { table: job.table, message: describeSyncFailure(error).message, skipped: [] });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 2, jobs.length)) }, worker));
  const finished = results.map((tables) => tables.filter((result): result is TableSyncResult => result !== undefined));
  await refreshStatisticsAfter(hub, finished.flat());
  const failures = [...failed].sort(([a], [b]) => a - b).map(([sourceIndex, failure]) => ({
    source: sources[sourceIndex].connector.name,
    table: failure.table,
    message: failure.message,
    skippedTables: failure.skipped,
  }));
  return { results: finished, failures, busy };
}

/**
 * After a sync: the planner must know how big the crosswalk has grown after a
 * large one, and the command centre's resident counts follow any change of
 * residents (statistics/resident-counts.ts).
 */
async function refreshStatisticsAfter(hub: Kysely<HubSchema>, results: readonly TableSyncResult[]): Promise<void> {
  const changed = results.reduce((sum, result) => sum + result.scanned + result.deleted, 0);
  if (changed >= BULK_CHANGE) await refreshStatistics(hub, ['crosswalk', 'crosswalk_link']);
  await recountResidentsIfStale(hub);
}

/** Each table of a source as a sync job: entity tables, then link tables. */
export function tableJobs(source: SourceDatabase, resolver: AddressResolver): TableJob[] {
  const { connector } = source;
  return [
    ...connector.tables.map((mapping) => ({
      table: mapping.table,
      run: (hub: Kysely<HubSchema>, options: SyncOptions) => syncTable(hub, source, entityScan(mapping), entityWriter(connector, mapping, resolver), options),
    })),
    ...(connector.linkTables ?? []).map((mapping) => ({
      table: mapping.table,
      run: (hub: Kysely<HubSchema>, options: SyncOptions) => syncTable(hub, source, linkScan(mapping), linkWriter(connector, mapping), options),
    })),
  ];
}

function entityScan(mapping: TableMapping): ScanSpec {
  const shared = sharedFieldsOf(mapping).map(([, field]) => field.column);
  const dates = dateFieldsOf(mapping).map(([, field]) => field.column);
  const columns = [mapping.key.column, mapping.address?.column, ...shared, ...dates, ...(mapping.links ?? []).map((link) => link.column)];
  return { ...mapping, columns: unique(columns) };
}

function linkScan(mapping: LinkTableMapping): ScanSpec {
  const columns = [mapping.from.column, mapping.to.column, 'column' in mapping.role ? mapping.role.column : undefined];
  return { ...mapping, columns: unique(columns) };
}

/** Facet fields that feed the entity's shared fields. */
function sharedFieldsOf(mapping: TableMapping) {
  return Object.entries(mapping.facet.fields).filter(([name]) => SHARED_FIELDS[mapping.entity].includes(name));
}

/** Facet fields declared as dates or times: checked on sync, so the steward sees the values the graph serves as null. */
function dateFieldsOf(mapping: TableMapping) {
  return Object.entries(mapping.facet.fields).filter(([, field]) => field.format !== undefined && field.codeTable === undefined);
}

/** What is wrong in a row that is still synced: its change value, its dates; null when nothing is. */
function problemsOf(row: ScannedRow, dateFields: ReturnType<typeof dateFieldsOf>): RecordProblems | null {
  const invalidDates = Object.fromEntries(
    dateFields.flatMap(([name, field]) => {
      const raw = invalidDateText(field, row.values[field.column]);
      return raw === null ? [] : [[name, raw]];
    }),
  );
  const problems: RecordProblems = {
    ...(row.changed_at !== null && !row.change_ok ? { changeValue: row.changed_at } : {}),
    ...(Object.keys(invalidDates).length > 0 ? { invalidDates } : {}),
  };
  return Object.keys(problems).length === 0 ? null : problems;
}

function entityWriter(connector: Connector, mapping: TableMapping, resolver: AddressResolver): ChunkWriter {
  const shared = sharedFieldsOf(mapping);
  const dateFields = dateFieldsOf(mapping);
  return async (rows) => {
    const texts = rows.map((row) => (mapping.address === undefined ? '' : (row.values[mapping.address.column]?.trim() ?? '')));
    // Residents of one room share its text: each distinct text is resolved once.
    const distinct = [...new Set(texts.filter((text) => text !== ''))];
    const resolved = new Map((await resolver.resolve(distinct)).map((r) => [r.text, r]));
    const links: LinkWrite[] = [];
    const records = rows.map((row, i): CrosswalkWrite => {
      const key = entityKey(connector, mapping.key.kind, row.values[mapping.key.column]);
      const address = texts[i] === '' ? undefined : resolved.get(texts[i]);
      const sharedValues = Object.fromEntries(
        shared.flatMap(([name, field]) => {
          const value = presentValue(connector, field, row.values[field.column]);
          return value === null ? [] : [[name, value]];
        }),
      );
      for (const link of mapping.links ?? []) {
        const to = entityKey(connector, link.kind, row.values[link.column]);
        if (key.key !== null && to.key !== null) {
          links.push({ source: connector.name, source_table: mapping.table, record_id: row.record_id, role: link.role, from_kind: mapping.entity, from_key: key.key, to_kind: link.to, to_key: to.key, deleted: row.is_deleted });
        }
      }
      return {
        source: connector.name,
        source_table: mapping.table,
        record_id: row.record_id,
        entity_kind: mapping.entity,
        entity_key: key.key,
        key_problem: key.problem,
        address_code: address?.code ?? null,
        address_status: address?.status ?? null,
        address_confidence: address?.confidence ?? null,
        changed_at: row.changed_at,
        shared: Object.keys(sharedValues).length === 0 ? null : sharedValues,
        problems: problemsOf(row, dateFields),
        deleted: row.is_deleted,
      };
    });
    return { records, links };
  };
}

function linkWriter(connector: Connector, mapping: LinkTableMapping): ChunkWriter {
  return async (rows) => {
    const links = rows.flatMap((row): LinkWrite[] => {
      const from = entityKey(connector, mapping.from.kind, row.values[mapping.from.column]);
      const to = entityKey(connector, mapping.to.kind, row.values[mapping.to.column]);
      const role = 'value' in mapping.role
        ? mapping.role.value
        : presentValue(connector, { column: mapping.role.column, codeTable: mapping.role.codeTable }, row.values[mapping.role.column]) ?? 'UNKNOWN';
      if (from.key === null || to.key === null) return [];
      return [{ source: connector.name, source_table: mapping.table, record_id: row.record_id, role, from_kind: mapping.from.entity, from_key: from.key, to_kind: mapping.to.entity, to_key: to.key, deleted: row.is_deleted }];
    });
    return { records: [], links };
  };
}

async function syncTable(
  hub: Kysely<HubSchema>,
  source: SourceDatabase,
  scan: ScanSpec,
  write: ChunkWriter,
  options: SyncOptions,
): Promise<TableSyncResult> {
  const name = source.connector.name;
  const chunkSize = options.chunkSize ?? 5_000;
  const startedAt = Date.now();
  const utcOffset = source.connector.utcOffset ?? DEFAULT_UTC_OFFSET;
  const goodChange = (value: string | null) => value !== null && isGoodChangeValue(value, scan.changedAtFormat ?? 'timestamp', utcOffset, startedAt);
  const stored = options.full || scan.changedAt === undefined ? undefined : await readWatermark(hub, name, scan.table);
  // A watermark poisoned before change values were checked is dropped: the table is read whole once more.
  const watermark = stored !== undefined && goodChange(stored.value) ? stored : undefined;
  const mode = watermark === undefined ? 'FULL' : 'INCREMENTAL';
  const runId = await startRun(hub, name, scan.table, mode);

  let read = 0;
  let scanned = 0;
  let rechecked = 0;
  let badChangeValues = 0;
  let position = watermark;
  // A three-stage pipeline: the next chunk is read from the source, and the
  // previous one written to the hub, while this one is resolved here. Writes
  // stay in order, one at a time, so the watermark only moves forward.
  let writing: Promise<number> | undefined;
  const written = async () => {
    const rows = await writing!;
    options.onProgress?.({ source: name, table: scan.table, phase: 'scan', rows });
    await options.betweenChunks?.();
  };
  try {
    const readNext = (at: ScanPosition) => readChunk(source.db, scan, watermark, at, chunkSize);
    let at: ScanPosition | undefined = { withoutChange: false };
    let next = readNext(at);
    while (at !== undefined) {
      const rows = await next;
      at = nextPosition(scan, at, rows, chunkSize);
      if (at !== undefined) {
        next = readNext(at);
        // A failure elsewhere must not leave the prefetch's rejection unobserved.
        next.catch(() => {});
      }
      if (rows.length === 0) continue;
      for (const row of rows) {
        row.change_ok = goodChange(row.changed_at);
        if (row.recheck) rechecked++;
        else scanned++;
        if (row.changed_at !== null && !row.change_ok) badChangeValues++;
      }
      // Only a new row with a good change value moves the watermark: garbage
      // sorts anywhere, and a row read again lies behind the position already.
      const mark = rows.findLast((row) => !row.recheck && row.change_ok);
      if (mark !== undefined) position = { value: mark.changed_at!, recordId: mark.record_id };
      const markNow = mark === undefined ? undefined : position;
      const { records, links } = await write(lastOfEachRecord(rows));
      if (writing !== undefined) await written();
      read += rows.length;
      const total = read;
      writing = hub
        .transaction()
        .execute(async (trx) => {
          await upsertCrosswalk(trx, records);
          await upsertLinks(trx, links);
          if (scan.changedAt !== undefined && markNow !== undefined) await writeWatermark(trx, name, scan.table, markNow);
        })
        .then(() => total);
      writing.catch(() => {});
      observeSyncChunk(name, scan.table, rows.length, writing);
    }
    if (writing !== undefined) await written();
    const skipped = await listRowsWithoutId(hub, source, scan);
    const { deleted, duplicates } = await reconcileDeletions(hub, source, scan, options);
    await finishRun(hub, runId, { scanned: scanned + rechecked, deleted, skipped });
    return { source: name, table: scan.table, mode, scanned, rechecked, deleted, skipped, duplicates, badChangeValues, watermark: scan.changedAt === undefined ? undefined : position };
  } catch (error) {
    await writing?.catch(() => {});
    await finishRun(hub, runId, { scanned: scanned + rechecked, error: describeSyncFailure(error).message }).catch(() => {});
    throw error;
  }
}

/**
 * Rows sharing a record id (a source table without a primary key) come in a
 * fixed order — change value, then the row's whole text — and the last one
 * wins: the row changed latest, and among rows changed at once the one whose
 * text sorts last. Whatever order the source stores them in, every sync picks
 * the same row. Earlier ones in a chunk are dropped here (one statement cannot
 * write a key twice); a later chunk overwrites an earlier one's.
 */
function lastOfEachRecord(rows: readonly ScannedRow[]): ScannedRow[] {
  const last = new Map<string, number>();
  rows.forEach((row, i) => last.set(row.record_id, i));
  return last.size === rows.length ? [...rows] : rows.filter((row, i) => last.get(row.record_id) === i);
}

function nextPosition(scan: ScanSpec, position: ScanPosition, rows: readonly ScannedRow[], chunkSize: number): ScanPosition | undefined {
  if (rows.length === chunkSize) {
    const last = rows[rows.length - 1];
    return { ...position, after: { changed: last.changed_at, id: last.record_id, tie: last.tie } };
  }
  if (!position.withoutChange && scan.changedAt !== undefined) return { withoutChange: true };
  return undefined;
}

/**
 * An entity's key as the crosswalk holds it: a checked ID number or credit
 * code, or — for records known only by the source's own id (events, objects)
 * — `<source>:<id>`, unique across sources.
 */
function entityKey(connector: Connector, kind: KeyKind, value: string | null | undefined): { key: string | null; problem: string | null } {
  if (value === null || value === undefined || value.trim() === '') return { key: null, problem: 'is empty' };
  if (kind === 'SOURCE_ID') return { key: `${connector.name}:${value.trim()}`, problem: null };
  const check = kind === 'ID_NUMBER' ? checkIdNumber(value) : checkCreditCode(value);
  if (check.valid) return { key: 'idNumber' in check ? check.idNumber : check.creditCode, problem: null };
  return { key: null, problem: check.problem };
}

/** Lists the table's rows that cannot be keyed (no record id) as the table's issues; returns how many it holds. */
async function listRowsWithoutId(hub: Kysely<HubSchema>, source: SourceDatabase, scan: ScanSpec): Promise<number> {
  const { rows, total } = await readRowsWithoutId(source.db, scan);
  await replaceTableIssues(hub, source.connector.name, scan.table, 'INVALID_RECORD_ID', rows.map((row) => ({
    record_id: null,
    change_value: row.change_value,
    reason: `no record id: ${scan.recordId} is ${row.is_null ? 'null' : 'blank'}`,
  })));
  return total;
}

/**
 * Marks crosswalk records and links whose rows are no longer in the source as
 * deleted, and lists the record ids several rows share; returns how many
 * records went and how many ids are shared.
 */
async function reconcileDeletions(hub: Kysely<HubSchema>, source: SourceDatabase, scan: ScanSpec, options: SyncOptions): Promise<{ deleted: number; duplicates: number }> {
  const duplicates: TableIssue[] = [];
  let shared = 0;
  const onShared = (recordId: string, rows: number) => {
    if (++shared <= LISTED_ISSUES) {
      duplicates.push({ record_id: recordId, change_value: null, rows, reason: `${rows} rows share this record id: the one changed latest is synced (among rows changed at once, the last by its row text)` });
    }
  };
  const deleted = await markAbsentDeleted(hub, source.connector.name, scan.table, presentRecordIds(source, scan, options, onShared));
  await replaceTableIssues(hub, source.connector.name, scan.table, 'DUPLICATE_RECORD_ID', duplicates);
  return { deleted, duplicates: shared };
}

/**
 * The record ids a source table holds now, a page at a time, in the id
 * column's own order — each once, however many rows share it (those are
 * reported through `onShared`).
 */
async function* presentRecordIds(
  source: SourceDatabase,
  scan: ScanSpec,
  options: SyncOptions,
  onShared: (recordId: string, rows: number) => void,
): AsyncGenerator<string[]> {
  const pageSize = 50_000;
  let seen = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await readRecordIdPage(source.db, scan, after, pageSize);
    for (const row of rows) if (Number(row.rows) > 1) onShared(row.record_id, Number(row.rows));
    yield rows.map((row) => row.record_id);
    seen += rows.length;
    options.onProgress?.({ source: source.connector.name, table: scan.table, phase: 'deletions', rows: seen });
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].record_id;
  }
}

function unique(columns: readonly (string | undefined)[]): string[] {
  return [...new Set(columns.filter((column): column is string => column !== undefined))];
}
