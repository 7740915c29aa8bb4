import { type Kysely, sql } from 'kysely';
import { addressScopeSql, entityScopeSql } from '../access/row-scope.js';
import type { AreaScope } from '../access/viewer.js';
import type { EntityKind } from '../connectors/connector.js';
import { countTableIssues } from './sync-state-repository.js';
import type { CrosswalkLinkRow, CrosswalkLinkTable, CrosswalkRow, CrosswalkTable, HubSchema } from '../db/hub-schema.js';

/** All SQL on `crosswalk`, `crosswalk_link` and the quality figures derived from them. */

export type CrosswalkWrite = Omit<CrosswalkTable, 'synced_at' | 'deleted'> & { deleted: boolean };
export type LinkWrite = Omit<CrosswalkLinkTable, 'synced_at' | 'deleted'> & { deleted: boolean };

const TEXT_COLUMNS = ['source', 'source_table', 'record_id', 'entity_kind', 'entity_key', 'key_problem', 'address_code', 'address_status', 'changed_at'] as const;

/**
 * Writes crosswalk rows by (source, table, record id). A row already as given is
 * left alone, so re-syncing unchanged records changes nothing.
 */
export async function upsertCrosswalk(db: Kysely<HubSchema>, rows: readonly CrosswalkWrite[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = [...TEXT_COLUMNS, 'address_confidence', 'shared', 'problems', 'deleted'];
  const names = sql.raw(columns.join(', '));
  const updatable = columns.filter((c) => !['source', 'source_table', 'record_id'].includes(c));
  await sql`
    insert into crosswalk (${names})
    select * from unnest(${sql.join([
      ...TEXT_COLUMNS.map((column) => sql`${rows.map((row) => row[column])}::text[]`),
      sql`${rows.map((row) => row.address_confidence)}::real[]`,
      sql`${rows.map((row) => (row.shared === null ? null : JSON.stringify(row.shared)))}::jsonb[]`,
      sql`${rows.map((row) => (row.problems === null ? null : JSON.stringify(row.problems)))}::jsonb[]`,
      sql`${rows.map((row) => row.deleted)}::boolean[]`,
    ])})
    on conflict (source, source_table, record_id) do update
      set ${sql.raw(updatable.map((c) => `${c} = excluded.${c}`).join(', '))}, synced_at = now()
      where (${sql.raw(updatable.map((c) => `crosswalk.${c}`).join(', '))}) is distinct from (${sql.raw(updatable.map((c) => `excluded.${c}`).join(', '))})`.execute(db);
}

const LINK_COLUMNS = ['source', 'source_table', 'record_id', 'role', 'from_kind', 'from_key', 'to_kind', 'to_key'] as const;

/** Writes links by (source, table, record id, role); a link already as given is left alone. */
export async function upsertLinks(db: Kysely<HubSchema>, rows: readonly LinkWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into crosswalk_link (${sql.raw([...LINK_COLUMNS, 'deleted'].join(', '))})
    select * from unnest(${sql.join([
      ...LINK_COLUMNS.map((column) => sql`${rows.map((row) => row[column])}::text[]`),
      sql`${rows.map((row) => row.deleted)}::boolean[]`,
    ])})
    on conflict (source, source_table, record_id, role) do update
      set from_kind = excluded.from_kind, from_key = excluded.from_key, to_kind = excluded.to_kind, to_key = excluded.to_key,
          deleted = excluded.deleted, synced_at = now()
      where (crosswalk_link.from_key, crosswalk_link.to_key, crosswalk_link.deleted) is distinct from (excluded.from_key, excluded.to_key, excluded.deleted)`.execute(db);
}

/**
 * Marks the records and links of a source table deleted unless their record
 * ids come up in `present` — the ids the source holds now, page by page.
 * Returns how many records went. The ids are compared in the hub, in one
 * transaction, so the process holds one page at a time however big the table.
 */
export async function markAbsentDeleted(db: Kysely<HubSchema>, source: string, table: string, present: AsyncIterable<readonly string[]>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`create temp table present_record (record_id text) on commit drop`.execute(trx);
    for await (const ids of present) await sql`insert into present_record select unnest(${ids}::text[])`.execute(trx);
    // Indexed and analysed, so no plan can probe it by scanning it per record
    // (the crosswalk's own statistics may still be those of an empty table).
    await sql`create index on present_record (record_id)`.execute(trx);
    await sql`analyze present_record`.execute(trx);
    await sql`
      create temp table absent_record on commit drop as
      select record_id from crosswalk
      where source = ${source} and source_table = ${table} and not deleted
        and not exists (select from present_record p where p.record_id = crosswalk.record_id)
      union
      select record_id from crosswalk_link
      where source = ${source} and source_table = ${table} and not deleted
        and not exists (select from present_record p where p.record_id = crosswalk_link.record_id)`.execute(trx);
    for (const target of ['crosswalk_link', 'crosswalk'] as const) {
      await sql`
        update ${sql.table(target)} set deleted = true, synced_at = now()
        where source = ${source} and source_table = ${table} and record_id in (select record_id from absent_record)`.execute(trx);
    }
    const { rows } = await sql<{ count: string }>`select count(*) as count from absent_record`.execute(trx);
    return Number(rows[0].count);
  });
}

/** The data steward's worklist for one source table (docs/design.md §4.3, "dataQuality"). */
export interface TableQuality {
  source: string;
  table: string;
  /** Live records (not deleted). */
  records: number;
  keysInvalid: number;
  /** Invalid keys by problem, most frequent first. */
  keyProblems: { problem: string; count: number }[];
  matched: number;
  partial: number;
  ambiguous: number;
  unmatched: number;
  /** Records without address text. */
  noAddress: number;
  deleted: number;
  /** Live records whose change value is not a time in the column's format (or lies in the future): synced, never a watermark. */
  badChangeValues: number;
  /** Live records with a date or time value that is not one, per facet field (served as null), most frequent first. */
  invalidDates: { field: string; count: number }[];
  /** Rows of the source table without a record id, left out of the sync. */
  invalidRecordIds: number;
  /** Record ids several rows of the source table share. */
  duplicateRecordIds: number;
}

export async function readQuality(db: Kysely<HubSchema>, source?: string): Promise<TableQuality[]> {
  const { rows } = await sql<{
    source: string; source_table: string; records: string; keys_invalid: string; matched: string; partial: string;
    ambiguous: string; unmatched: string; no_address: string; deleted: string;
  }>`
    select source, source_table,
           count(*) filter (where not deleted) as records,
           count(*) filter (where not deleted and entity_key is null) as keys_invalid,
           count(*) filter (where not deleted and address_status = 'MATCHED') as matched,
           count(*) filter (where not deleted and address_status = 'PARTIAL') as partial,
           count(*) filter (where not deleted and address_status = 'AMBIGUOUS') as ambiguous,
           count(*) filter (where not deleted and address_status = 'UNMATCHED') as unmatched,
           count(*) filter (where not deleted and address_status is null) as no_address,
           count(*) filter (where deleted) as deleted
    from crosswalk
    ${source === undefined ? sql`` : sql`where source = ${source}`}
    group by source, source_table
    order by source, source_table`.execute(db);
  const dates = await sql<{ source: string; source_table: string; field: string; count: string }>`
    select source, source_table, field, count(*) as count
    from crosswalk, jsonb_object_keys(problems -> 'invalidDates') as field
    where not deleted and problems ? 'invalidDates' ${source === undefined ? sql`` : sql`and source = ${source}`}
    group by 1, 2, 3 order by count(*) desc, 3`.execute(db);
  const badChanges = await sql<{ source: string; source_table: string; count: string }>`
    select source, source_table, count(*) as count from crosswalk
    where not deleted and problems ? 'changeValue' ${source === undefined ? sql`` : sql`and source = ${source}`}
    group by 1, 2`.execute(db);
  const issues = await countTableIssues(db, source);
  const problems = await sql<{ source: string; source_table: string; problem: string; count: string }>`
    select source, source_table, regexp_replace(key_problem, ' [(].*[)]$', '') as problem, count(*) as count
    from crosswalk where not deleted and key_problem is not null ${source === undefined ? sql`` : sql`and source = ${source}`}
    group by 1, 2, 3 order by count(*) desc, 3`.execute(db);
  return rows.map((row) => ({
    source: row.source,
    table: row.source_table,
    records: Number(row.records),
    keysInvalid: Number(row.keys_invalid),
    keyProblems: problems.rows
      .filter((p) => p.source === row.source && p.source_table === row.source_table)
      .map((p) => ({ problem: p.problem, count: Number(p.count) })),
    matched: Number(row.matched),
    partial: Number(row.partial),
    ambiguous: Number(row.ambiguous),
    unmatched: Number(row.unmatched),
    noAddress: Number(row.no_address),
    deleted: Number(row.deleted),
    badChangeValues: Number(badChanges.rows.find((b) => b.source === row.source && b.source_table === row.source_table)?.count ?? 0),
    invalidDates: dates.rows
      .filter((d) => d.source === row.source && d.source_table === row.source_table)
      .map((d) => ({ field: d.field, count: Number(d.count) })),
    invalidRecordIds: issues.find((i) => i.source === row.source && i.table === row.source_table && i.kind === 'INVALID_RECORD_ID')?.count ?? 0,
    duplicateRecordIds: issues.find((i) => i.source === row.source && i.table === row.source_table && i.kind === 'DUPLICATE_RECORD_ID')?.count ?? 0,
  }));
}

/** Live crosswalk records of the given entities (with valid keys), in source order. */
export async function findRecordsOfEntities(
  db: Kysely<HubSchema>,
  kind: CrosswalkTable['entity_kind'],
  keys: readonly string[],
): Promise<CrosswalkRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('crosswalk')
    .selectAll()
    .where('entity_kind', '=', kind)
    .where('entity_key', 'in', keys)
    .where('deleted', '=', false)
    .orderBy('source')
    .orderBy('record_id')
    .execute();
}

/**
 * Which addresses a list of entities at an address covers: the address alone
 * (already in the caller's area, or the list would not be asked for), or it and
 * everything below it that lies in the caller's area.
 */
function addressTree(code: string, includeDescendants: boolean, scope: AreaScope) {
  if (!includeDescendants) return sql`${code}`;
  // Doors hold buildings, buildings hold rooms: two levels below at most. One
  // indexed branch per level: an OR across them would scan the whole registry.
  const inScope = addressScopeSql(scope);
  return sql`select code from standard_address where code = ${code} and ${inScope}
             union all select code from standard_address where parent_code = ${code} and ${inScope}
             union all select standard_address.code from standard_address join standard_address building on standard_address.parent_code = building.code
                       where building.parent_code = ${code} and ${inScope}`;
}

/** One list asked of an address: a kind, and where its page starts and how long it is. */
export interface PageRequest {
  kind: CrosswalkTable['entity_kind'];
  after: string | undefined;
  limit: number;
}

/** A page of entities with their records, and how many the whole list holds. */
export interface EntityPage {
  entities: EntityWithRecords[];
  total: number;
}

/**
 * Pages of the live entities whose records resolve to an address (and below),
 * for several kinds at once — a dossier's residents, organizations, events and
 * objects — each in key order, each entity with all its live records in
 * source order, and each list's total: one statement, the address tree walked
 * once. The page must sort every key at the address anyway, so the totals
 * cost nothing more.
 */
export async function pageEntitiesAt(
  db: Kysely<HubSchema>,
  addressCode: string,
  includeDescendants: boolean,
  scope: AreaScope,
  pages: readonly PageRequest[],
): Promise<EntityPage[]> {
  const wanted = sql.join(pages.map((page) => sql`(${page.kind}::text, ${page.after ?? null}::text, ${page.limit}::int)`));
  const { rows } = await sql<CrosswalkRow & { totals: Record<string, number> }>`
    with keys as (
      select distinct entity_kind, entity_key from crosswalk
      where entity_kind in (${sql.join(pages.map((page) => page.kind))}) and not deleted and entity_key is not null
        and address_code in (${addressTree(addressCode, includeDescendants, scope)})),
    wanted (kind, after, page_size) as (values ${wanted}),
    ranked as (
      select keys.entity_kind, keys.entity_key, wanted.page_size,
             row_number() over (partition by keys.entity_kind order by keys.entity_key) as rank
      from keys join wanted on wanted.kind = keys.entity_kind
      where wanted.after is null or keys.entity_key > wanted.after),
    totals as (select coalesce(json_object_agg(entity_kind, n), '{}') as totals from (select entity_kind, count(*) as n from keys group by entity_kind) counted)
    select totals.totals, crosswalk.* from totals
    left join (ranked join crosswalk on crosswalk.entity_kind = ranked.entity_kind and crosswalk.entity_key = ranked.entity_key and not crosswalk.deleted)
      on ranked.rank <= ranked.page_size
    order by crosswalk.entity_kind, crosswalk.entity_key, crosswalk.source, crosswalk.record_id`.execute(db);
  const totals = rows[0]?.totals ?? {};
  const byKind = new Map<string, CrosswalkRow[]>();
  for (const { totals: _, ...row } of rows) {
    if (row.entity_kind === null) continue; // the totals row of an address with nothing on any page
    (byKind.get(row.entity_kind) ?? byKind.set(row.entity_kind, []).get(row.entity_kind)!).push(row as CrosswalkRow);
  }
  return pages.map((page) => ({ entities: groupRecordsByEntity(byKind.get(page.kind) ?? []), total: Number(totals[page.kind] ?? 0) }));
}

/** An entity of a page, with the live records that describe it. */
export interface EntityWithRecords {
  key: string;
  records: CrosswalkRow[];
}

/** Rows ordered by entity key, grouped per entity. */
function groupRecordsByEntity(rows: readonly CrosswalkRow[]): EntityWithRecords[] {
  const page: EntityWithRecords[] = [];
  for (const row of rows) {
    if (page.at(-1)?.key !== row.entity_key) page.push({ key: row.entity_key!, records: [] });
    page.at(-1)!.records.push(row);
  }
  return page;
}

export async function countEntityKeysAt(
  db: Kysely<HubSchema>,
  kind: CrosswalkTable['entity_kind'],
  addressCode: string,
  includeDescendants: boolean,
  scope: AreaScope,
): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(distinct entity_key) as count from crosswalk
    where entity_kind = ${kind} and not deleted and entity_key is not null
      and address_code in (${addressTree(addressCode, includeDescendants, scope)})`.execute(db);
  return Number(rows[0].count);
}

/** Live links touching the given entities, from their side (`from`) or the other (`to`). */
export async function findLinks(
  db: Kysely<HubSchema>,
  side: 'from' | 'to',
  kind: CrosswalkTable['entity_kind'],
  keys: readonly string[],
): Promise<CrosswalkLinkRow[]> {
  if (keys.length === 0) return [];
  const kindColumn = side === 'from' ? 'from_kind' : 'to_kind';
  const keyColumn = side === 'from' ? 'from_key' : 'to_key';
  return db
    .selectFrom('crosswalk_link')
    .selectAll()
    .where(kindColumn, '=', kind)
    .where(keyColumn, 'in', keys)
    .where('deleted', '=', false)
    .orderBy('source')
    .orderBy('record_id')
    .execute();
}

/** Which entities a list shows: those of a kind, optionally by a shared value (a name containing, a category equal to). */
export interface EntityFilter {
  kind: CrosswalkTable['entity_kind'];
  sharedContains?: { field: string; text: string };
  sharedEquals?: { field: string; value: string };
  /** Only entities linked to this one (an organization's events). */
  linkedTo?: { kind: CrosswalkTable['entity_kind']; key: string };
  /** Only entities with a record in this area. */
  scope?: AreaScope;
}

function entityFilterSql(filter: EntityFilter) {
  const conditions = [sql`entity_kind = ${filter.kind}`, sql`not deleted`, sql`entity_key is not null`];
  if (filter.sharedContains) conditions.push(sql`shared ->> ${filter.sharedContains.field} like ${`%${filter.sharedContains.text.replace(/[%_\\]/g, '\\$&')}%`}`);
  if (filter.sharedEquals) conditions.push(sql`shared ->> ${filter.sharedEquals.field} = ${filter.sharedEquals.value}`);
  if (filter.linkedTo) {
    conditions.push(sql`entity_key in (select from_key from crosswalk_link where not deleted and from_kind = ${filter.kind}
                                       and to_kind = ${filter.linkedTo.kind} and to_key = ${filter.linkedTo.key})`);
  }
  if (filter.scope) conditions.push(entityScopeSql(filter.scope, filter.kind));
  return sql.join(conditions, sql` and `);
}

/**
 * How many entities one source table lists whose records put them in a region
 * (community codes starting with `divisionPrefix`) and in the caller's area.
 */
export async function countListedIn(
  db: Kysely<HubSchema>,
  listing: { source: string; table: string; kind: CrosswalkTable['entity_kind'] },
  divisionPrefix: string,
  scope: AreaScope,
): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(distinct listed.entity_key) as count from crosswalk listed
    where listed.source = ${listing.source} and listed.source_table = ${listing.table} and not listed.deleted
      and listed.entity_key in (
        select placed.entity_key from crosswalk placed join standard_address on standard_address.code = placed.address_code
        where placed.entity_kind = ${listing.kind} and not placed.deleted
          and standard_address.division_code like ${`${divisionPrefix}%`} and ${addressScopeSql(scope)})`.execute(db);
  return Number(rows[0].count);
}

/** A page of the entities a filter lists, in key order, each with its live records. */
export async function pageEntities(db: Kysely<HubSchema>, filter: EntityFilter, after: string | undefined, limit: number): Promise<EntityWithRecords[]> {
  const { rows } = await sql<CrosswalkRow>`
    with page as (
      select distinct entity_key from crosswalk where ${entityFilterSql(filter)}
      ${after === undefined ? sql`` : sql`and entity_key > ${after}`}
      order by entity_key limit ${limit})
    select crosswalk.* from crosswalk join page on page.entity_key = crosswalk.entity_key
    where crosswalk.entity_kind = ${filter.kind} and not crosswalk.deleted
    order by crosswalk.entity_key, crosswalk.source, crosswalk.record_id`.execute(db);
  return groupRecordsByEntity(rows);
}

export async function countEntityKeys(db: Kysely<HubSchema>, filter: EntityFilter): Promise<number> {
  const { rows } = await sql<{ count: string }>`select count(distinct entity_key) as count from crosswalk where ${entityFilterSql(filter)}`.execute(db);
  return Number(rows[0].count);
}

/** Entities on which sources disagree about one shared field: the steward's conflict list. */
export interface FieldConflicts {
  kind: CrosswalkTable['entity_kind'];
  field: string;
  /** Entities with more than one value. */
  count: number;
  /** The first few, by key, with each source's value. */
  examples: { key: string; values: { source: string; source_table: string; value: string }[] }[];
}

/** Which conflicts a caller may see: of entities in their area, among the records of the tables they may know of. */
export interface ConflictView {
  readonly scope: AreaScope;
  readonly tables: readonly { readonly source: string; readonly source_table: string }[];
}

/**
 * Disagreements between sources on shared fields, from the values the last
 * sync copied into the crosswalk, as `view` lets the caller see them.
 */
export async function readConflicts(db: Kysely<HubSchema>, fields: Readonly<Record<string, readonly string[]>>, view: ConflictView, examples = 20): Promise<FieldConflicts[]> {
  const result: FieldConflicts[] = [];
  if (view.tables.length === 0) return result;
  const known = sql`(source, source_table) in (${sql.join(view.tables.map((t) => sql`(${t.source}, ${t.source_table})`))})`;
  for (const [kind, names] of Object.entries(fields)) {
    for (const field of names) {
      const { rows } = await sql<{ entity_key: string; values: { source: string; source_table: string; value: string }[]; total: string }>`
        with conflicting as (
          select entity_key from crosswalk
          where entity_kind = ${kind} and not deleted and entity_key is not null and shared ->> ${field} is not null and ${known}
            and ${entityScopeSql(view.scope, kind as EntityKind)}
          group by entity_key having count(distinct shared ->> ${field}) > 1)
        select c.entity_key, count(*) over () as total,
               (select json_agg(json_build_object('source', x.source, 'source_table', x.source_table, 'value', x.shared ->> ${field}) order by x.source, x.source_table)
                from crosswalk x where x.entity_kind = ${kind} and x.entity_key = c.entity_key and not x.deleted and x.shared ->> ${field} is not null
                  and ${known}) as values
        from conflicting c order by c.entity_key limit ${examples}`.execute(db);
      if (rows.length === 0) continue;
      result.push({
        kind: kind as CrosswalkTable['entity_kind'],
        field,
        count: Number(rows[0].total),
        examples: rows.map((row) => ({ key: row.entity_key, values: row.values })),
      });
    }
  }
  return result;
}
