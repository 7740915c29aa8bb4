import { sql } from 'kysely';
import { connectors } from '../connectors/index.js';
import type { SensitiveRead } from '../src/access/audit-collector.js';
import type { SourceDatabase } from '../src/sources/source-database.js';

/**
 * What the hand-written floors share: the source columns each screen needs,
 * code tables, date formats, one query per source table in parallel. Written
 * for these exact tables, as an integration written by hand would be.
 */
export type Row = Record<string, string | null>;

/** A record of an entity: its `source|table` and its row. */
export interface FloorRecord {
  table: string;
  row: Row;
}

export const code = (connector: string, table: string, value: string | null) =>
  value === null ? null : (connectors.find((c) => c.name === connector)!.codeTables[table]?.[value.trim()] ?? null);

/** `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss` → ISO 8601 with the sources' zone (China Standard Time), as the graph shows them. */
export const iso = (value: string | null) =>
  value === null
    ? null
    : `${/^\d{14}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12, 14)}` : value.replace(' ', 'T')}+08:00`;
export const isoDate = (value: string | null) => (value === null ? null : `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`);

/**
 * One entity's audit read as the floors write it: the fields of a literal list
 * whose value the answer carries (a field that came back null was not read).
 */
export function auditRead(entityType: string, entityKey: string, fields: Record<string, unknown>): SensitiveRead {
  return { entityType, entityKey, fields: new Set(Object.keys(fields).filter((field) => fields[field] !== null && fields[field] !== undefined)) };
}

/** Per source table: its id column and the columns the screens need. */
const TABLES: Record<string, { id: string; columns: string[] }> = {
  'police|T_RK_RKXX': { id: 'RYBH', columns: ['XM', 'RKLXDM', 'LXDH'] },
  'police|T_ZDRY': { id: 'ZDRYBH', columns: ['ZDRYLB'] },
  'civil-affairs|MZ_DBCY': { id: 'CYBH', columns: ['XM', 'BZLX'] },
  'civil-affairs|MZ_LNR': { id: 'LNRBH', columns: ['XM'] },
  'civil-affairs|MZ_SHZZ': { id: 'DJZH', columns: ['ZZMC'] },
  'governance|ZZ_WGY': { id: 'WGYBH', columns: ['XM'] },
  'governance|ZZ_TSRQ': { id: 'TSRQBH', columns: ['RQLB'] },
  'governance|ZZ_SJ': { id: 'SJBH', columns: ['SJLB', 'SBSJ', 'SLSJ', 'PQSJ', 'CZSJ', 'HCSJ', 'JASJ'] },
  'governance|ZZ_MDJF': { id: 'JFBH', columns: ['JFLX', 'SBSJ', 'SLSJ', 'JASJ'] },
  'police|T_JQ_JQXX': { id: 'JQBH', columns: ['JQLB', 'BJSJ', 'CJSJ', 'DDSJ', 'JASJ'] },
  'city-management|CG_AJXX': { id: 'AJBH', columns: ['XLDM', 'SBSJ', 'LASJ', 'PQSJ', 'CZSJ', 'HCSJ', 'JASJ'] },
  'city-management|CG_ZFAJ': { id: 'ZFBH', columns: ['AY', 'LASJ', 'JASJ'] },
  'city-management|CG_BJXX': { id: 'BJBM', columns: ['BJLX'] },
  'market-regulation|E_QYJBXX': { id: 'PRIPID', columns: ['ENTNAME'] },
  'market-regulation|SP_SPJYXKZ': { id: 'XKZBH', columns: ['YXQZ'] },
  'market-regulation|JC_JCJL': { id: 'JCBH', columns: ['JCLX', 'JCSJ', 'JASJ'] },
  'police|T_FW_CZFW': { id: 'FWBH', columns: ['CZYT'] },
};
const PRECEDENCE = connectors.map((c) => c.name);
const STAGES = ['REPORTED', 'REGISTERED', 'DISPATCHED', 'HANDLED', 'VERIFIED', 'CLOSED'];
/** The tables whose rows name a person. */
export const PERSON_NAME_TABLES = ['police|T_RK_RKXX', 'civil-affairs|MZ_DBCY', 'civil-affairs|MZ_LNR', 'governance|ZZ_WGY'];

/** Hub rows naming source records: `source`, `source_table`, `record_id`. */
interface RecordRef {
  source: string | null;
  source_table: string | null;
  record_id: string | null;
}

/** The rows behind the given records: one query per source table touched, all in parallel. */
export async function fetchRows(sources: ReadonlyMap<string, SourceDatabase>, refs: readonly RecordRef[]): Promise<Map<string, Map<string, Row>>> {
  const wanted = new Map<string, Set<string>>();
  for (const ref of refs) {
    const table = `${ref.source}|${ref.source_table}`;
    if (ref.record_id === null || TABLES[table] === undefined) continue;
    (wanted.get(table) ?? wanted.set(table, new Set()).get(table)!).add(ref.record_id);
  }
  const fetched = new Map<string, Map<string, Row>>();
  await Promise.all([...wanted].map(async ([table, ids]) => {
    const [source, name] = table.split('|');
    const spec = TABLES[table];
    const { rows } = await sql<Row>`
      select ${sql.join([spec.id, ...spec.columns].map((c) => sql`${sql.ref(c)}::text as ${sql.id(c)}`))}
      from ${sql.table(name)} where ${sql.ref(spec.id)} in (${sql.join([...ids].map((id) => sql`${id}`))})`.execute(sources.get(source)!.db);
    fetched.set(table, new Map(rows.map((row) => [row[spec.id]!, row])));
  }));
  return fetched;
}

/** The record a hub row names, when its source still has it. */
export function recordOf(fetched: Map<string, Map<string, Row>>, ref: RecordRef): FloorRecord | undefined {
  const table = `${ref.source}|${ref.source_table}`;
  const row = fetched.get(table)?.get(ref.record_id!);
  return row === undefined ? undefined : { table, row };
}

/** Records in precedence order: the order the connectors are installed in (stable within a source). */
export function byPrecedence<T extends { table: string }>(records: T[]): T[] {
  return records.sort((a, b) => PRECEDENCE.indexOf(a.table.split('|')[0]) - PRECEDENCE.indexOf(b.table.split('|')[0]));
}

/** The first value a record gives, in the order given. */
export function firstOf(records: readonly FloorRecord[], pick: (table: string, row: Row) => string | null | undefined): string | null {
  for (const { table, row } of records) {
    const value = pick(table, row);
    if (value) return value;
  }
  return null;
}

export const personName = (records: readonly FloorRecord[]) => firstOf(records, (table, row) => (PERSON_NAME_TABLES.includes(table) ? row.XM : null));
export const organizationName = (records: readonly FloorRecord[]) =>
  firstOf(records, (table, row) => (table === 'civil-affairs|MZ_SHZZ' ? row.ZZMC : table === 'market-regulation|E_QYJBXX' ? row.ENTNAME : null));

/** An event as the screens show it: key, category, timeline (first source per stage). */
export function eventOf(key: string, records: readonly FloorRecord[]) {
  const events = records.map((r) => eventTimes(r.table, r.row));
  const timeline = STAGES.flatMap((stage, i) => {
    const at = events.map((ev) => ev.times[i]).find((t) => t);
    return at ? [{ stage, at: iso(at) }] : [];
  });
  return { key, category: events.map((ev) => ev.category).find((c) => c) ?? null, timeline };
}

/** An event's category and stage times, from whichever table it lives in. */
function eventTimes(table: string, row: Row): { category: string | null; times: (string | null)[] } {
  switch (table) {
    case 'governance|ZZ_SJ': return { category: code('governance', 'SJLB', row.SJLB), times: [row.SBSJ, row.SLSJ, row.PQSJ, row.CZSJ, row.HCSJ, row.JASJ] };
    case 'governance|ZZ_MDJF': return { category: code('governance', 'JFLX', row.JFLX), times: [row.SBSJ, row.SLSJ, null, null, null, row.JASJ] };
    case 'police|T_JQ_JQXX': return { category: code('police', 'JQLB', row.JQLB), times: [row.BJSJ, null, row.CJSJ, row.DDSJ, null, row.JASJ] };
    case 'city-management|CG_AJXX': return { category: code('city-management', 'AJXL', row.XLDM), times: [row.SBSJ, row.LASJ, row.PQSJ, row.CZSJ, row.HCSJ, row.JASJ] };
    case 'city-management|CG_ZFAJ': return { category: code('city-management', 'AY', row.AY), times: [null, row.LASJ, null, null, null, row.JASJ] };
    case 'market-regulation|JC_JCJL': return { category: code('market-regulation', 'JCLX', row.JCLX), times: [row.JCSJ, null, null, null, null, row.JASJ] };
    default: return { category: null, times: [] };
  }
}
