import { type Kysely, sql } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { Connector, KeyKind, LinkTableMapping, TableMapping } from '../connectors/connector.js';
import { SHARED_FIELDS } from '../connectors/shared-fields.js';
import type { HubSchema } from '../db/hub-schema.js';
import { BULK_CHANGE, refreshStatistics } from '../db/planner-statistics.js';
import { checkCreditCode } from '../identity/credit-code.js';
import { checkIdNumber } from '../identity/id-number.js';
import { presentValue } from '../sources/facet-reader.js';
import type { SourceDatabase } from '../sources/source-database.js';
import {
  type CrosswalkWrite,
  type LinkWrite,
  markAbsentDeleted,
  readWatermark,
  upsertCrosswalk,
  upsertLinks,
  writeWatermark,
} from './crosswalk-repository.js';

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
}

/** What one table's sync did. */
export interface TableSyncResult {
  readonly source: string;
  readonly table: string;
  readonly mode: 'FULL' | 'INCREMENTAL';
  /** Rows read from the source in this run. */
  readonly scanned: number;
  /** Records found gone (deleted in the source) in this run. */
  readonly deleted: number;
}

/** What a scan reads of any table: its id, change value, delete flag, and the columns its writer needs. */
interface ScanSpec {
  readonly table: string;
  readonly recordId: string;
  readonly changedAt?: string;
  readonly deletedWhen?: { readonly column: string; readonly equals: string };
  readonly columns: readonly string[];
}

interface ScannedRow {
  record_id: string;
  changed_at: string | null;
  is_deleted: boolean;
  values: Record<string, string | null>;
}

/** Turns a chunk of scanned rows into crosswalk and link rows. */
type ChunkWriter = (rows: ScannedRow[]) => Promise<{ records: CrosswalkWrite[]; links: LinkWrite[] }>;

/**
 * Syncs one source into the crosswalk (DESIGN §4), table by table: reads the
 * rows changed since the last run (all rows on the first run or with `full`)
 * and those with no change value at all, validates keys, resolves address
 * texts, and writes crosswalk rows, links and the new watermark together, a
 * chunk at a time — so an interrupted sync re-run
 * continues where it stopped and loses nothing, and a re-run with nothing new
 * changes nothing. Then finds records deleted in the source by comparing ids.
 */
export async function syncSource(
  hub: Kysely<HubSchema>,
  source: SourceDatabase,
  resolver: AddressResolver,
  options: SyncOptions = {},
): Promise<TableSyncResult[]> {
  const results: TableSyncResult[] = [];
  for (const run of tableJobs(source, resolver)) results.push(await run(hub, options));
  await refreshStatisticsAfter(hub, results);
  return results;
}

/**
 * Syncs several sources, `parallel` tables at a time, largest source first in
 * the order given: one table's reads and writes overlap another's address
 * resolution, which alone keeps a core busy. Results come back per source, in
 * source and table order; the first failure stops the tables not yet started
 * and is thrown once the running ones end.
 */
export async function syncSources(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  resolver: AddressResolver,
  options: SyncOptions & { parallel?: number; onSourceDone?: (source: string, results: TableSyncResult[]) => void } = {},
): Promise<TableSyncResult[][]> {
  const perSource = sources.map((source) => tableJobs(source, resolver));
  const jobs = perSource.flatMap((runs, sourceIndex) => runs.map((run, tableIndex) => ({ sourceIndex, tableIndex, run })));
  const results = perSource.map((runs) => new Array<TableSyncResult>(runs.length));
  const remaining = results.map((tables) => tables.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < jobs.length) {
      const job = jobs[next++];
      try {
        results[job.sourceIndex][job.tableIndex] = await job.run(hub, options);
        if (--remaining[job.sourceIndex] === 0) options.onSourceDone?.(sources[job.sourceIndex].connector.name, results[job.sourceIndex]);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 2, jobs.length)) }, worker));
  if (failure !== undefined) throw failure;
  await refreshStatisticsAfter(hub, results.flat());
  return results;
}

/** After a large sync the planner must know how big the crosswalk has grown. */
async function refreshStatisticsAfter(hub: Kysely<HubSchema>, results: readonly TableSyncResult[]): Promise<void> {
  const changed = results.reduce((sum, result) => sum + result.scanned + result.deleted, 0);
  if (changed >= BULK_CHANGE) await refreshStatistics(hub, ['crosswalk', 'crosswalk_link']);
}

/** Each table of a source as a sync job: entity tables, then link tables. */
function tableJobs(source: SourceDatabase, resolver: AddressResolver): ((hub: Kysely<HubSchema>, options: SyncOptions) => Promise<TableSyncResult>)[] {
  const { connector } = source;
  return [
    ...connector.tables.map((mapping) => (hub: Kysely<HubSchema>, options: SyncOptions) => syncTable(hub, source, entityScan(mapping), entityWriter(connector, mapping, resolver), options)),
    ...(connector.linkTables ?? []).map((mapping) => (hub: Kysely<HubSchema>, options: SyncOptions) => syncTable(hub, source, linkScan(mapping), linkWriter(connector, mapping), options)),
  ];
}

function entityScan(mapping: TableMapping): ScanSpec {
  const shared = sharedFieldsOf(mapping).map(([, field]) => field.column);
  const columns = [mapping.key.column, mapping.address?.column, ...shared, ...(mapping.links ?? []).map((link) => link.column)];
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

function entityWriter(connector: Connector, mapping: TableMapping, resolver: AddressResolver): ChunkWriter {
  const shared = sharedFieldsOf(mapping);
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
  const watermark = options.full || scan.changedAt === undefined ? undefined : await readWatermark(hub, name, scan.table);
  const mode = watermark === undefined ? 'FULL' : 'INCREMENTAL';
  const run = await hub
    .insertInto('sync_run')
    .values({ source: name, mode, started_at: new Date(), finished_at: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();

  let scanned = 0;
  let deleted = 0;
  // A three-stage pipeline: the next chunk is read from the source, and the
  // previous one written to the hub, while this one is resolved here. Writes
  // stay in order, one at a time, so the watermark only moves forward.
  let writing: Promise<number> | undefined;
  const written = async () => {
    const rows = await writing!;
    options.onProgress?.({ source: name, table: scan.table, phase: 'scan', rows });
  };
  try {
    const read = (position: ScanPosition) => readChunk(source.db, scan, watermark, position, chunkSize);
    let position: ScanPosition | undefined = { withoutChange: false };
    let next = read(position);
    while (position !== undefined) {
      const rows = await next;
      position = nextPosition(scan, position, rows, chunkSize);
      if (position !== undefined) {
        next = read(position);
        // A failure elsewhere must not leave the prefetch's rejection unobserved.
        next.catch(() => {});
      }
      if (rows.length === 0) continue;
      const last = rows[rows.length - 1];
      const { records, links } = await write(rows);
      if (writing !== undefined) await written();
      scanned += rows.length;
      const total = scanned;
      writing = hub
        .transaction()
        .execute(async (trx) => {
          await upsertCrosswalk(trx, records);
          await upsertLinks(trx, links);
          if (scan.changedAt !== undefined && last.changed_at !== null) await writeWatermark(trx, name, scan.table, last.changed_at);
        })
        .then(() => total);
      writing.catch(() => {});
    }
    if (writing !== undefined) await written();
    deleted = await reconcileDeletions(hub, source, scan, options);
    await hub.updateTable('sync_run').set({ finished_at: new Date(), rows_scanned: scanned, rows_deleted: deleted }).where('id', '=', run.id).execute();
  } catch (error) {
    await writing?.catch(() => {});
    await hub
      .updateTable('sync_run')
      .set({ finished_at: new Date(), rows_scanned: scanned, error: error instanceof Error ? error.message : String(error) })
      .where('id', '=', run.id)
      .execute();
    throw error;
  }
  return { source: name, table: scan.table, mode, scanned, deleted };
}

/**
 * Where a scan of a table is. A table with a change column is read in two
 * passes: its rows in (change value, record id) order, from the watermark on,
 * then — on every sync, since nothing says they have not changed — the rows
 * whose change value is empty, in record id order.
 */
interface ScanPosition {
  readonly withoutChange: boolean;
  /** The last row read in this pass. */
  readonly after?: { readonly changed: string | null; readonly id: string };
}

function nextPosition(scan: ScanSpec, position: ScanPosition, rows: readonly ScannedRow[], chunkSize: number): ScanPosition | undefined {
  if (rows.length === chunkSize) {
    const last = rows[rows.length - 1];
    return { ...position, after: { changed: last.changed_at, id: last.record_id } };
  }
  if (!position.withoutChange && scan.changedAt !== undefined) return { withoutChange: true };
  return undefined;
}

/**
 * A column of the table being read, by its alias: a bare name in ORDER BY would
 * mean the text column of the same name a scan selects.
 */
function sourceColumn(name: string) {
  return sql.ref(`source_row.${name}`);
}

/**
 * The next chunk from a position. Compared and ordered on the columns' own
 * types, so the source's index on (change column, record id) is used: a cast
 * here would make every chunk a scan and sort of the whole table.
 */
async function readChunk(
  db: Kysely<any>,
  scan: ScanSpec,
  watermark: string | undefined,
  { withoutChange, after }: ScanPosition,
  limit: number,
): Promise<ScannedRow[]> {
  const id = sourceColumn(scan.recordId);
  const changed = scan.changedAt === undefined ? undefined : sourceColumn(scan.changedAt);
  const conditions = [sql`true`];
  if (changed !== undefined) {
    if (withoutChange) conditions.push(sql`${changed} is null`);
    else conditions.push(watermark === undefined ? sql`${changed} is not null` : sql`${changed} > ${watermark}`);
  }
  if (after !== undefined) {
    conditions.push(changed === undefined || withoutChange ? sql`${id} > ${after.id}` : sql`(${changed}, ${id}) > (${after.changed}, ${after.id})`);
  }
  const deletedFlag = scan.deletedWhen === undefined
    ? sql`false`
    : sql`coalesce(${sql.ref(scan.deletedWhen.column)}::text = ${scan.deletedWhen.equals}, false)`;
  const order = changed === undefined || withoutChange ? id : sql`${changed}, ${id}`;
  const { rows } = await sql<Record<string, string | null> & { _record_id: string; _changed_at: string | null; _is_deleted: boolean }>`
    select ${id}::text as _record_id, ${changed === undefined ? sql`null` : sql`${changed}::text`} as _changed_at, ${deletedFlag} as _is_deleted,
           ${sql.join(scan.columns.map((column) => sql`${sql.ref(column)}::text as ${sql.id(column)}`))}
    from ${sql.table(scan.table)} as source_row
    where ${sql.join(conditions, sql` and `)}
    order by ${order}
    limit ${limit}`.execute(db);
  return rows.map(({ _record_id, _changed_at, _is_deleted, ...values }) => ({
    record_id: _record_id,
    changed_at: _changed_at,
    is_deleted: _is_deleted,
    values,
  }));
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

/** Marks crosswalk records and links whose rows are no longer in the source as deleted; returns how many rows went. */
async function reconcileDeletions(hub: Kysely<HubSchema>, source: SourceDatabase, scan: ScanSpec, options: SyncOptions): Promise<number> {
  return markAbsentDeleted(hub, source.connector.name, scan.table, presentRecordIds(source, scan, options));
}

/** The record ids a source table holds now, a page at a time, in the id column's own order. */
async function* presentRecordIds(source: SourceDatabase, scan: ScanSpec, options: SyncOptions): AsyncGenerator<string[]> {
  const id = sourceColumn(scan.recordId);
  const pageSize = 50_000;
  let seen = 0;
  let after: string | undefined;
  for (;;) {
    const { rows } = await sql<{ record_id: string }>`
      select ${id}::text as record_id from ${sql.table(scan.table)} as source_row
      ${after === undefined ? sql`` : sql`where ${id} > ${after}`}
      order by ${id} limit ${pageSize}`.execute(source.db);
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
