import { type Kysely, sql } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { KeyKind, TableMapping } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { checkCreditCode } from '../identity/credit-code.js';
import { checkIdNumber } from '../identity/id-number.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { type CrosswalkWrite, findLiveRecordIds, markDeleted, readWatermark, upsertCrosswalk, writeWatermark } from './crosswalk-repository.js';

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
  /** Records found gone (deleted in the source, or flagged deleted) in this run. */
  readonly deleted: number;
}

interface SourceRow {
  record_id: string;
  key_value: string | null;
  address_text: string | null;
  changed_at: string | null;
  is_deleted: boolean;
}

/**
 * Syncs one source into the crosswalk (DESIGN §4), table by table: reads the
 * rows changed since the last run (all rows on the first run or with `full`),
 * validates each record's key, resolves its address text, and writes the
 * crosswalk and the new watermark together, a chunk at a time — so an
 * interrupted sync re-run continues where it stopped and loses nothing, and a
 * re-run with nothing new changes nothing. Then finds records deleted in the
 * source by comparing record ids.
 */
export async function syncSource(
  hub: Kysely<HubSchema>,
  source: SourceDatabase,
  resolver: AddressResolver,
  options: SyncOptions = {},
): Promise<TableSyncResult[]> {
  const results: TableSyncResult[] = [];
  for (const mapping of source.connector.tables) {
    results.push(await syncTable(hub, source, mapping, resolver, options));
  }
  return results;
}

async function syncTable(
  hub: Kysely<HubSchema>,
  source: SourceDatabase,
  mapping: TableMapping,
  resolver: AddressResolver,
  options: SyncOptions,
): Promise<TableSyncResult> {
  const name = source.connector.name;
  const chunkSize = options.chunkSize ?? 5_000;
  const watermark = options.full || mapping.changedAt === undefined ? undefined : await readWatermark(hub, name, mapping.table);
  const mode = watermark === undefined ? 'FULL' : 'INCREMENTAL';
  const run = await hub
    .insertInto('sync_run')
    .values({ source: name, mode, started_at: new Date(), finished_at: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();

  let scanned = 0;
  let deleted = 0;
  try {
    let after: { changed: string | null; id: string } | undefined;
    for (;;) {
      const rows = await readChunk(source.db, mapping, watermark, after, chunkSize);
      if (rows.length === 0) break;
      const writes = await toCrosswalk(name, mapping, rows, resolver);
      const last = rows[rows.length - 1];
      await hub.transaction().execute(async (trx) => {
        await upsertCrosswalk(trx, writes);
        if (mapping.changedAt !== undefined && last.changed_at !== null) await writeWatermark(trx, name, mapping.table, last.changed_at);
      });
      scanned += rows.length;
      options.onProgress?.({ source: name, table: mapping.table, phase: 'scan', rows: scanned });
      if (rows.length < chunkSize) break;
      after = { changed: last.changed_at, id: last.record_id };
    }
    deleted = await reconcileDeletions(hub, source, mapping, options);
    await hub.updateTable('sync_run').set({ finished_at: new Date(), rows_scanned: scanned, rows_deleted: deleted }).where('id', '=', run.id).execute();
  } catch (error) {
    await hub
      .updateTable('sync_run')
      .set({ finished_at: new Date(), rows_scanned: scanned, error: error instanceof Error ? error.message : String(error) })
      .where('id', '=', run.id)
      .execute();
    throw error;
  }
  return { source: name, table: mapping.table, mode, scanned, deleted };
}

/** The next chunk in (change column, record id) order — or record id order for a table without a change column. */
async function readChunk(
  db: Kysely<any>,
  mapping: TableMapping,
  watermark: string | undefined,
  after: { changed: string | null; id: string } | undefined,
  limit: number,
): Promise<SourceRow[]> {
  const id = sql.ref(mapping.recordId);
  const changed = mapping.changedAt === undefined ? sql`null` : sql`${sql.ref(mapping.changedAt)}::text`;
  const conditions = [sql`true`];
  if (watermark !== undefined) conditions.push(sql`${sql.ref(mapping.changedAt!)}::text > ${watermark}`);
  if (after !== undefined) {
    conditions.push(mapping.changedAt === undefined
      ? sql`${id}::text > ${after.id}`
      : sql`(${sql.ref(mapping.changedAt)}::text, ${id}::text) > (${after.changed}, ${after.id})`);
  }
  const deletedFlag = mapping.deletedWhen === undefined
    ? sql`false`
    : sql`coalesce(${sql.ref(mapping.deletedWhen.column)}::text = ${mapping.deletedWhen.equals}, false)`;
  const order = mapping.changedAt === undefined ? sql`${id}::text` : sql`${sql.ref(mapping.changedAt)}::text, ${id}::text`;
  const { rows } = await sql<SourceRow>`
    select ${id}::text as record_id,
           ${sql.ref(mapping.key.column)}::text as key_value,
           ${mapping.address === undefined ? sql`null` : sql`${sql.ref(mapping.address.column)}::text`} as address_text,
           ${changed} as changed_at,
           ${deletedFlag} as is_deleted
    from ${sql.table(mapping.table)}
    where ${sql.join(conditions, sql` and `)}
    order by ${order}
    limit ${limit}`.execute(db);
  return rows;
}

/** Validates keys and resolves address texts of a chunk, in one batch. */
async function toCrosswalk(source: string, mapping: TableMapping, rows: SourceRow[], resolver: AddressResolver): Promise<CrosswalkWrite[]> {
  const texts = rows.map((row) => row.address_text?.trim() ?? '');
  const toResolve = texts.filter((text) => text !== '');
  const resolved = new Map((await resolver.resolve(toResolve)).map((r) => [r.text, r]));
  return rows.map((row, i) => {
    const key = checkKey(mapping.key.kind, row.key_value);
    const address = texts[i] === '' ? undefined : resolved.get(texts[i]);
    return {
      source,
      source_table: mapping.table,
      record_id: row.record_id,
      entity_kind: mapping.entity,
      entity_key: key.key,
      key_problem: key.problem,
      address_code: address?.code ?? null,
      address_status: address?.status ?? null,
      address_confidence: address?.confidence ?? null,
      changed_at: row.changed_at,
      deleted: row.is_deleted,
    };
  });
}

function checkKey(kind: KeyKind, value: string | null): { key: string | null; problem: string | null } {
  if (value === null || value.trim() === '') return { key: null, problem: 'is empty' };
  if (kind === 'SOURCE_ID') return { key: value.trim(), problem: null };
  const check = kind === 'ID_NUMBER' ? checkIdNumber(value) : checkCreditCode(value);
  if (check.valid) return { key: 'idNumber' in check ? check.idNumber : check.creditCode, problem: null };
  return { key: null, problem: check.problem };
}

/** Marks crosswalk records whose rows are no longer in the source as deleted; returns how many. */
async function reconcileDeletions(hub: Kysely<HubSchema>, source: SourceDatabase, mapping: TableMapping, options: SyncOptions): Promise<number> {
  const live = await findLiveRecordIds(hub, source.connector.name, mapping.table);
  let seen = 0;
  let after: string | undefined;
  for (;;) {
    const id = sql.ref(mapping.recordId);
    const { rows } = await sql<{ record_id: string }>`
      select ${id}::text as record_id from ${sql.table(mapping.table)}
      ${after === undefined ? sql`` : sql`where ${id}::text > ${after}`}
      order by ${id}::text limit 50000`.execute(source.db);
    for (const row of rows) live.delete(row.record_id);
    seen += rows.length;
    options.onProgress?.({ source: source.connector.name, table: mapping.table, phase: 'deletions', rows: seen });
    if (rows.length < 50_000) break;
    after = rows[rows.length - 1].record_id;
  }
  return markDeleted(hub, source.connector.name, mapping.table, [...live]);
}
