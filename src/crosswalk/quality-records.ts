import { type Kysely, sql } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import { addressCodesIn } from '../registry/address-repository.js';
import type { AreaScope } from '../registry/area.js';
import type { Connector, TableMapping } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { readRowsWhere } from '../sources/source-queries.js';

/**
 * The records behind each quality count (issue 16 "Quality worklist"): all SQL
 * of the steward's record-level lists. Each list is in a fixed key order and
 * read a page at a time after a key, for the graph's `paginate()`.
 */

export type QualityIssueKind =
  | 'INVALID_KEY' | 'INVALID_RECORD_ID' | 'BAD_CHANGE_VALUE' | 'DUPLICATE_RECORD_ID' | 'INVALID_DATE'
  | 'ADDRESS_UNMATCHED' | 'ADDRESS_PARTIAL' | 'ADDRESS_AMBIGUOUS';

/** One record on a list (the graph's `WorklistRecord`); `key` orders the list and makes its cursor. */
export interface WorklistRecord {
  key: string;
  kind: QualityIssueKind;
  source: string;
  table: string;
  recordId: string | null;
  position: number | null;
  changeValue: string | null;
  reason: string;
  rows: number | null;
  field: string | null;
  rawValue: string | null;
  addressText: string | null;
  addressStatus: 'MATCHED' | 'PARTIAL' | 'AMBIGUOUS' | 'UNMATCHED' | null;
}

/** Which list: a kind of one source table, seen from the caller's area. */
export interface QualityList {
  readonly source: string;
  readonly table: string;
  readonly kind: QualityIssueKind;
  /** Records placed at a standard address outside it are left out; records placed nowhere are the steward's to fix, so listed. */
  readonly scope: AreaScope;
}

const ADDRESS_STATUS = { ADDRESS_UNMATCHED: 'UNMATCHED', ADDRESS_PARTIAL: 'PARTIAL', ADDRESS_AMBIGUOUS: 'AMBIGUOUS' } as const;

/** Live crosswalk records of the list's table in the caller's area (or placed nowhere). */
function recordsOf(list: QualityList) {
  return sql`source = ${list.source} and source_table = ${list.table} and not deleted
    and (address_code is null or address_code in (${addressCodesIn(list.scope)}))`;
}

/** The condition, on crosswalk rows, of one record-level kind. */
function crosswalkCondition(kind: QualityIssueKind) {
  switch (kind) {
    case 'INVALID_KEY':
      return sql`entity_key is null`;
    case 'BAD_CHANGE_VALUE':
      return sql`problems ? 'changeValue'`;
    case 'ADDRESS_UNMATCHED':
    case 'ADDRESS_PARTIAL':
    case 'ADDRESS_AMBIGUOUS':
      return sql`address_status = ${ADDRESS_STATUS[kind]}`;
    default:
      return undefined;
  }
}

/** A page of a list after `afterKey`, in key order. */
export async function pageQualityRecords(db: Kysely<HubSchema>, list: QualityList, afterKey: string | undefined, limit: number): Promise<WorklistRecord[]> {
  const base = { kind: list.kind, source: list.source, table: list.table, position: null, rows: null, field: null, rawValue: null, addressText: null, addressStatus: null };
  if (list.kind === 'INVALID_RECORD_ID' || list.kind === 'DUPLICATE_RECORD_ID') {
    const rows = await db
      .selectFrom('sync_table_issue')
      .select(['position', 'record_id', 'change_value', 'rows', 'reason'])
      .where('source', '=', list.source)
      .where('source_table', '=', list.table)
      .where('kind', '=', list.kind)
      .$if(afterKey !== undefined, (q) => q.where('position', '>', Number(afterKey)))
      .orderBy('position')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      ...base,
      key: String(row.position),
      recordId: row.record_id,
      position: list.kind === 'INVALID_RECORD_ID' ? row.position : null,
      changeValue: row.change_value,
      reason: row.reason,
      rows: list.kind === 'DUPLICATE_RECORD_ID' ? row.rows : null,
    }));
  }
  if (list.kind === 'INVALID_DATE') {
    const [afterRecord, afterField] = afterKey === undefined ? [undefined, undefined] : splitKey(afterKey);
    const { rows } = await sql<{ record_id: string; changed_at: string | null; field: string; raw: string }>`
      select record_id, changed_at, dates.key as field, dates.value as raw
      from crosswalk, jsonb_each_text(problems -> 'invalidDates') as dates
      where ${recordsOf(list)} and problems ? 'invalidDates'
        ${afterRecord === undefined ? sql`` : sql`and (record_id, dates.key) > (${afterRecord}, ${afterField})`}
      order by record_id, dates.key limit ${limit}`.execute(db);
    return rows.map((row) => ({
      ...base,
      key: `${row.record_id}\t${row.field}`,
      recordId: row.record_id,
      changeValue: row.changed_at,
      reason: `${row.field} is not a date or time in its declared format: served as null`,
      field: row.field,
      rawValue: row.raw,
    }));
  }
  const { rows } = await sql<{ record_id: string; changed_at: string | null; key_problem: string | null; problems: { changeValue?: string } | null; address_status: WorklistRecord['addressStatus'] }>`
    select record_id, changed_at, key_problem, problems, address_status from crosswalk
    where ${recordsOf(list)} and ${crosswalkCondition(list.kind)!}
      ${afterKey === undefined ? sql`` : sql`and record_id > ${afterKey}`}
    order by record_id limit ${limit}`.execute(db);
  return rows.map((row) => ({
    ...base,
    key: row.record_id,
    recordId: row.record_id,
    changeValue: row.changed_at,
    // A key problem may quote part of the key (a birth date): only its kind is listed.
    reason: list.kind === 'INVALID_KEY'
      ? `the key ${(row.key_problem ?? 'is invalid').replace(/ [(].*[)]$/, '')}`
      : list.kind === 'BAD_CHANGE_VALUE' ? 'the change value is not a time in the column\'s format, or lies in the future: synced, never a watermark' : '',
    addressStatus: row.address_status,
  }));
}

/** How many records a list holds. */
export async function countQualityRecords(db: Kysely<HubSchema>, list: QualityList): Promise<number> {
  if (list.kind === 'INVALID_RECORD_ID' || list.kind === 'DUPLICATE_RECORD_ID') {
    const row = await db.selectFrom('sync_table_issue').select((eb) => eb.fn.countAll<string>().as('count'))
      .where('source', '=', list.source).where('source_table', '=', list.table).where('kind', '=', list.kind).executeTakeFirstOrThrow();
    return Number(row.count);
  }
  const { rows } = list.kind === 'INVALID_DATE'
    ? await sql<{ count: string }>`select count(*) as count from crosswalk, jsonb_object_keys(problems -> 'invalidDates') where ${recordsOf(list)} and problems ? 'invalidDates'`.execute(db)
    : await sql<{ count: string }>`select count(*) as count from crosswalk where ${recordsOf(list)} and ${crosswalkCondition(list.kind)!}`.execute(db);
  return Number(rows[0].count);
}

/**
 * Fills in the address kinds' text, read live from the source in one
 * statement, and why each text resolves as it does now. A source that does
 * not answer leaves the texts null; the list still stands.
 */
export async function withAddressTexts(
  records: WorklistRecord[],
  source: SourceDatabase | undefined,
  mapping: TableMapping | undefined,
  resolver: AddressResolver,
): Promise<WorklistRecord[]> {
  if (records.length === 0 || mapping?.address === undefined || source === undefined) return records;
  const ids = records.map((record) => record.recordId!);
  const column = mapping.address.column;
  const rows = await readRowsWhere(source.db, mapping, mapping.recordId, ids, [column]);
  const texts = new Map(rows.map((row) => [row[mapping.recordId]!, row[column]?.trim() ?? '']));
  const distinct = [...new Set([...texts.values()].filter((text) => text !== ''))];
  const resolved = new Map((await resolver.resolve(distinct)).map((r) => [r.text, r]));
  return records.map((record) => {
    const text = texts.get(record.recordId!);
    const resolution = text === undefined || text === '' ? undefined : resolved.get(text);
    return {
      ...record,
      addressText: text ?? null,
      addressStatus: resolution?.status ?? record.addressStatus,
      reason: resolution?.reason ?? (text === undefined ? 'the record is gone from the source since the last sync' : 'no address text'),
    };
  });
}

/** The mapping of a source table, entity tables only (link tables carry no address). */
export function tableMappingOf(connectors: readonly Connector[], source: string, table: string): TableMapping | undefined {
  return connectors.find((c) => c.name === source)?.tables.find((t) => t.table === table);
}

function splitKey(key: string): [string, string] {
  const tab = key.indexOf('\t');
  return tab < 0 ? [key, ''] : [key.slice(0, tab), key.slice(tab + 1)];
}
