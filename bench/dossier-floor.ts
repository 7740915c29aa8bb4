import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { connectors } from '../connectors/index.js';
import type { HubSchema } from '../src/db/hub-schema.js';
import type { SourceDatabase } from '../src/sources/source-database.js';

/**
 * The hand-written floor the dossier benchmark compares gridgraph with: the
 * same door-plate dossier fetched through `pg` by SQL written for these exact
 * tables — one hub query for the page of entities and their records, then one
 * query per source table touched, all in parallel — and assembled into the
 * same JSON. No engine, no GraphQL, no loaders: what a careful integration
 * written by hand for this one screen would do.
 */
export const DOSSIER_QUERY = `query Dossier($plate: String!, $n: Int!) {
  doorPlate(code: $plate) { address { code fullText
    residents(first: $n, includeDescendants: true) { totalCount nodes { idNumber name policeRegistration { populationType phone } welfare { assistanceType } } }
    organizations(first: $n, includeDescendants: true) { totalCount nodes { creditCode name foodLicences { licenceNumber validUntil } } }
    events(first: $n, includeDescendants: true) { totalCount nodes { key category timeline { stage at } } }
    objects(first: $n, includeDescendants: true) { totalCount nodes { key kind } }
  } }
}`;

type Row = Record<string, string | null>;
const code = (connector: string, table: string, value: string | null) =>
  value === null ? null : (connectors.find((c) => c.name === connector)!.codeTables[table]?.[value.trim()] ?? null);

/** `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss` → ISO 8601 local, as the graph shows them. */
const iso = (value: string | null) =>
  value === null ? null : /^\d{14}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12, 14)}` : value.replace(' ', 'T');
const isoDate = (value: string | null) => (value === null ? null : `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`);

/** Per source table: the columns this screen needs, and how a row becomes the screen's values. */
const TABLES: Record<string, { id: string; columns: string[] }> = {
  'police|T_RK_RKXX': { id: 'RYBH', columns: ['XM', 'RKLXDM', 'LXDH'] },
  'civil-affairs|MZ_DBCY': { id: 'CYBH', columns: ['XM', 'BZLX'] },
  'civil-affairs|MZ_LNR': { id: 'LNRBH', columns: ['XM'] },
  'civil-affairs|MZ_SHZZ': { id: 'DJZH', columns: ['ZZMC'] },
  'governance|ZZ_WGY': { id: 'WGYBH', columns: ['XM'] },
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

/** An event's category and stage times, from whichever table it lives in. */
function eventOf(table: string, row: Row): { category: string | null; times: (string | null)[] } {
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

export async function floorDossier(hub: Kysely<HubSchema>, sources: ReadonlyMap<string, SourceDatabase>, plate: string, n: number): Promise<unknown> {
  const { rows } = await sql<{ code: string; full_text: string; kind: string | null; key: string | null; total: string | null; source: string | null; source_table: string | null; record_id: string | null }>`
    with target as (select code, full_text from standard_address where door_plate_code = ${plate}),
    tree as (select code from standard_address where code = (select code from target) or parent_code = (select code from target)
             or parent_code in (select code from standard_address where parent_code = (select code from target))),
    entities as (select distinct entity_kind, entity_key from crosswalk
                 where not deleted and entity_key is not null and address_code in (select code from tree)),
    ranked as (select entity_kind, entity_key, row_number() over (partition by entity_kind order by entity_key) as rn,
                      count(*) over (partition by entity_kind) as total from entities),
    page as (select * from ranked where rn <= ${n})
    select t.code, t.full_text, p.entity_kind as kind, p.entity_key as key, p.total, c.source, c.source_table, c.record_id
    from target t left join page p on true
    left join crosswalk c on c.entity_kind = p.entity_kind and c.entity_key = p.entity_key and not c.deleted
    order by p.entity_kind, p.entity_key, c.source, c.record_id`.execute(hub);
  if (rows.length === 0) return { data: { doorPlate: null } };

  // One query per source table touched, in parallel.
  const wanted = new Map<string, Set<string>>();
  for (const row of rows) {
    const table = `${row.source}|${row.source_table}`;
    if (row.record_id === null || TABLES[table] === undefined) continue;
    (wanted.get(table) ?? wanted.set(table, new Set()).get(table)!).add(row.record_id);
  }
  const fetched = new Map<string, Map<string, Row>>();
  await Promise.all([...wanted].map(async ([table, ids]) => {
    const [source, name] = table.split('|');
    const spec = TABLES[table];
    const { rows: found } = await sql<Row>`
      select ${sql.join([spec.id, ...spec.columns].map((c) => sql`${sql.ref(c)}::text as ${sql.id(c)}`))}
      from ${sql.table(name)} where ${sql.ref(spec.id)} in (${sql.join([...ids].map((id) => sql`${id}`))})`.execute(sources.get(source)!.db);
    fetched.set(table, new Map(found.map((row) => [row[spec.id]!, row])));
  }));

  // Assemble: the records of each entity in precedence order, then the screen's fields.
  const byEntity = new Map<string, { kind: string; key: string; total: number; records: { table: string; row: Row }[] }>();
  for (const row of rows) {
    if (row.kind === null || row.key === null) continue;
    const id = `${row.kind}|${row.key}`;
    const entity = byEntity.get(id) ?? byEntity.set(id, { kind: row.kind, key: row.key, total: Number(row.total), records: [] }).get(id)!;
    const table = `${row.source}|${row.source_table}`;
    const found = fetched.get(table)?.get(row.record_id!);
    if (found !== undefined) entity.records.push({ table, row: found });
  }
  for (const entity of byEntity.values()) entity.records.sort((a, b) => PRECEDENCE.indexOf(a.table.split('|')[0]) - PRECEDENCE.indexOf(b.table.split('|')[0]));
  const of = (kind: string) => [...byEntity.values()].filter((e) => e.kind === kind);
  const list = (kind: string, node: (e: { key: string; records: { table: string; row: Row }[] }) => unknown) => {
    const entities = of(kind);
    return { totalCount: entities[0]?.total ?? 0, nodes: entities.map(node) };
  };
  const first = (records: { table: string; row: Row }[], pick: (table: string, row: Row) => string | null | undefined) => {
    for (const { table, row } of records) {
      const value = pick(table, row);
      if (value) return value;
    }
    return null;
  };
  return {
    data: {
      doorPlate: {
        address: {
          code: rows[0].code,
          fullText: rows[0].full_text,
          residents: list('PERSON', (e) => {
            const police = e.records.find((r) => r.table === 'police|T_RK_RKXX')?.row;
            return {
              idNumber: e.key,
              name: first(e.records, (table, row) => (['police|T_RK_RKXX', 'civil-affairs|MZ_DBCY', 'civil-affairs|MZ_LNR', 'governance|ZZ_WGY'].includes(table) ? row.XM : null)),
              policeRegistration: police === undefined ? null : { populationType: code('police', 'RKLX', police.RKLXDM), phone: police.LXDH },
              welfare: e.records.filter((r) => r.table === 'civil-affairs|MZ_DBCY').map((r) => ({ assistanceType: code('civil-affairs', 'BZLX', r.row.BZLX) })),
            };
          }),
          organizations: list('ORGANIZATION', (e) => ({
            creditCode: e.key,
            name: first(e.records, (table, row) => (table === 'civil-affairs|MZ_SHZZ' ? row.ZZMC : table === 'market-regulation|E_QYJBXX' ? row.ENTNAME : null)),
            foodLicences: e.records.filter((r) => r.table === 'market-regulation|SP_SPJYXKZ').map((r) => ({ licenceNumber: r.row.XKZBH, validUntil: isoDate(r.row.YXQZ) })),
          })),
          events: list('EVENT', (e) => {
            const events = e.records.map((r) => eventOf(r.table, r.row));
            const timeline = STAGES.flatMap((stage, i) => {
              const at = events.map((ev) => ev.times[i]).find((t) => t);
              return at ? [{ stage, at: iso(at) }] : [];
            });
            return { key: e.key, category: events.map((ev) => ev.category).find((c) => c) ?? null, timeline };
          }),
          objects: list('OBJECT', (e) => ({
            key: e.key,
            kind: first(e.records, (table, row) => (table === 'police|T_FW_CZFW' ? code('police', 'CZYT', row.CZYT) : table === 'city-management|CG_BJXX' ? code('city-management', 'BJLX', row.BJLX) : null)),
          })),
        },
      },
    },
  };
}
