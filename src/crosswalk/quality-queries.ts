import { type Kysely, sql } from 'kysely';
import type { EntityKind } from '../connectors/connector.js';
import type { CrosswalkTable, HubSchema } from '../db/hub-schema.js';
import { type AreaScope } from '../registry/area.js';
import { countTableIssues } from './sync-state-repository.js';
import { entityScopeSql } from './entity-queries.js';

/** The quality figures the crosswalk gives the data steward: counts per table and conflicts between sources. */

/** The data steward's worklist for one source table (DESIGN §4 "dataQuality"). */
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
