import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { CrosswalkLinkRow, CrosswalkRow, CrosswalkTable, HubSchema } from '../db/hub-schema.js';
import { addressCodesIn, addressTreeCodes } from '../registry/address-repository.js';
import { addressScopeSql, type AreaScope } from '../registry/area.js';

/**
 * How the graph reads the crosswalk: an entity's records, the entities at an
 * address or on a list, links, and which entities lie in a caller's area. An
 * entity is in a caller's area by where its records put it; one with no
 * resolved address is in nobody's.
 */

/**
 * A condition on `crosswalk.entity_key`: the entity has a live record whose
 * address lies in the area.
 */
export function entityScopeSql(scope: AreaScope, kind: EntityKind): RawBuilder<boolean> {
  if (scope.everywhere) return sql<boolean>`true`;
  return sql<boolean>`entity_key in (
    select scoped.entity_key from crosswalk scoped
    where scoped.entity_kind = ${kind} and not scoped.deleted and scoped.address_code in (${addressCodesIn(scope)}))`;
}

/** Whether the crosswalk holds any record yet: a hub nothing was ever synced into. */
export async function hasAnyRecord(db: Kysely<HubSchema>): Promise<boolean> {
  return (await db.selectFrom('crosswalk').select('record_id').limit(1).executeTakeFirst()) !== undefined;
}

/** A live record of an entity, and whether the entity lies in the caller's area (by any of its records). */
export type EntityRecord = CrosswalkRow & { readonly in_area: boolean };

/**
 * Live crosswalk records of the given entities (with valid keys), in source
 * order, each saying whether its entity lies in the area: the records and the
 * row rule in one statement, so a look-up by key costs one hub round trip.
 */
export async function findRecordsOfEntities(db: Kysely<HubSchema>, kind: EntityKind, keys: readonly string[], scope: AreaScope): Promise<EntityRecord[]> {
  if (keys.length === 0) return [];
  // Each record's own address, joined by its key and judged on its row: a list
  // of every address in the area (a whole district's) is never built for a few records.
  const placed = scope.everywhere ? sql<boolean>`true` : sql<boolean>`coalesce(${addressScopeSql(scope, 'placed_at')}, false)`;
  const { rows } = await sql<EntityRecord>`
    select crosswalk.*, bool_or(${placed}) over (partition by crosswalk.entity_key) as in_area
    from crosswalk left join standard_address placed_at on placed_at.code = crosswalk.address_code
    where crosswalk.entity_kind = ${kind} and crosswalk.entity_key in (${sql.join(keys)}) and not crosswalk.deleted
    order by crosswalk.source, crosswalk.record_id`.execute(db);
  return rows;
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
        and address_code in (${addressTreeCodes(addressCode, includeDescendants, scope)})),
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
      and address_code in (${addressTreeCodes(addressCode, includeDescendants, scope)})`.execute(db);
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
        select placed.entity_key from crosswalk placed
        where placed.entity_kind = ${listing.kind} and not placed.deleted and placed.address_code in (${addressCodesIn(scope, divisionPrefix)}))`.execute(db);
  return Number(rows[0].count);
}

/**
 * A page of the entities a filter lists, in key order, each with its live
 * records; with `withTotal`, how many the whole list holds too, in the same
 * statement (the keys are gathered once for both).
 */
export async function pageEntities(
  db: Kysely<HubSchema>,
  filter: EntityFilter,
  after: string | undefined,
  limit: number,
  withTotal = false,
): Promise<{ entities: EntityWithRecords[]; total?: number }> {
  const from = after === undefined ? sql`` : sql`and entity_key > ${after}`;
  if (!withTotal) {
    const { rows } = await sql<CrosswalkRow>`
      with page as (
        select distinct entity_key from crosswalk where ${entityFilterSql(filter)} ${from}
        order by entity_key limit ${limit})
      select crosswalk.* from crosswalk join page on page.entity_key = crosswalk.entity_key
      where crosswalk.entity_kind = ${filter.kind} and not crosswalk.deleted
      order by crosswalk.entity_key, crosswalk.source, crosswalk.record_id`.execute(db);
    return { entities: groupRecordsByEntity(rows) };
  }
  const { rows } = await sql<CrosswalkRow & { total: string }>`
    with listed as (select distinct entity_key from crosswalk where ${entityFilterSql(filter)}),
    page as (select entity_key from listed where true ${from} order by entity_key limit ${limit}),
    counted as (select count(*) as total from listed)
    select counted.total, crosswalk.* from counted
    left join (page join crosswalk on crosswalk.entity_kind = ${filter.kind} and crosswalk.entity_key = page.entity_key and not crosswalk.deleted) on true
    order by crosswalk.entity_key, crosswalk.source, crosswalk.record_id`.execute(db);
  // An empty page is the one row of the count alone.
  const records = rows.flatMap(({ total: _, ...row }) => (row.entity_kind === null ? [] : [row as CrosswalkRow]));
  return { entities: groupRecordsByEntity(records), total: Number(rows[0]?.total ?? 0) };
}

export async function countEntityKeys(db: Kysely<HubSchema>, filter: EntityFilter): Promise<number> {
  const { rows } = await sql<{ count: string }>`select count(distinct entity_key) as count from crosswalk where ${entityFilterSql(filter)}`.execute(db);
  return Number(rows[0].count);
}

