import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { HubSchema } from '../src/db/hub-schema.js';
import type { SensitiveRead } from '../src/access/audit-collector.js';
import type { SourceDatabase } from '../src/sources/source-database.js';
import { auditRead, byPrecedence, code, eventOf, fetchRows, type FloorRecord, isoDate, organizationName, personName, recordOf } from './floor-tables.js';

/**
 * The hand-written floor of the door-plate dossier: the same screen fetched
 * through `pg` by SQL written for these exact tables — one hub query for the
 * page of entities and their records, then one query per source table
 * touched, all in parallel — and assembled into the same JSON. No engine, no
 * GraphQL, no loaders: what a careful integration written by hand for this one
 * screen would do.
 */
export const DOSSIER_QUERY = `query Dossier($plate: String!, $n: Int!) {
  doorPlate(code: $plate) { address { code fullText
    residents(first: $n, includeDescendants: true) { totalCount nodes { idNumber name policeRegistration { populationType phone } welfare { assistanceType } } }
    organizations(first: $n, includeDescendants: true) { totalCount nodes { creditCode name foodLicences { licenceNumber validUntil } } }
    events(first: $n, includeDescendants: true) { totalCount nodes { key category timeline { stage at } } }
    objects(first: $n, includeDescendants: true) { totalCount nodes { key kind } }
  } }
}`;

export async function floorDossier(hub: Kysely<HubSchema>, sources: ReadonlyMap<string, SourceDatabase>, plate: string, n: number): Promise<unknown> {
  const { rows } = await sql<{ code: string; full_text: string; kind: string | null; key: string | null; total: string | null; source: string | null; source_table: string | null; record_id: string | null }>`
    with target as (select code, full_text from standard_address where door_plate_code = ${plate}),
    tree as (select code from target
             union all select a.code from standard_address a join target t on a.parent_code = t.code
             union all select a.code from standard_address a join standard_address b on a.parent_code = b.code join target t on b.parent_code = t.code),
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
  const fetched = await fetchRows(sources, rows);

  // Assemble: the records of each entity in precedence order, then the screen's fields.
  const byEntity = new Map<string, { kind: string; key: string; total: number; records: FloorRecord[] }>();
  for (const row of rows) {
    if (row.kind === null || row.key === null) continue;
    const id = `${row.kind}|${row.key}`;
    const entity = byEntity.get(id) ?? byEntity.set(id, { kind: row.kind, key: row.key, total: Number(row.total), records: [] }).get(id)!;
    const record = recordOf(fetched, row);
    if (record !== undefined) entity.records.push(record);
  }
  for (const entity of byEntity.values()) byPrecedence(entity.records);
  const list = (kind: string, node: (e: { key: string; records: FloorRecord[] }) => unknown) => {
    const entities = [...byEntity.values()].filter((e) => e.kind === kind);
    return { totalCount: entities[0]?.total ?? 0, nodes: entities.map(node) };
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
              name: personName(e.records),
              policeRegistration: police === undefined ? null : { populationType: code('police', 'RKLX', police.RKLXDM), phone: police.LXDH },
              welfare: e.records.filter((r) => r.table === 'civil-affairs|MZ_DBCY').map((r) => ({ assistanceType: code('civil-affairs', 'BZLX', r.row.BZLX) })),
            };
          }),
          organizations: list('ORGANIZATION', (e) => ({
            creditCode: e.key,
            name: organizationName(e.records),
            foodLicences: e.records.filter((r) => r.table === 'market-regulation|SP_SPJYXKZ').map((r) => ({ licenceNumber: r.row.XKZBH, validUntil: isoDate(r.row.YXQZ) })),
          })),
          events: list('EVENT', (e) => eventOf(e.key, e.records)),
          objects: list('OBJECT', (e) => ({
            key: e.key,
            kind: e.records.map(({ table, row }) =>
              table === 'police|T_FW_CZFW' ? code('police', 'CZYT', row.CZYT) : table === 'city-management|CG_BJXX' ? code('city-management', 'BJLX', row.BJLX) : null).find((kind) => kind) ?? null,
          })),
        },
      },
    },
  };
}

interface DossierResident {
  idNumber: string;
  name: string | null;
  policeRegistration: { phone: string | null } | null;
  welfare: { assistanceType: string | null }[];
}

/** What a door plate's dossier shows unmasked at L3/L4, by the classification of schema/ and the connectors' SDL: each resident's ID number, name, police phone, welfare records (L3 as a facet) and their type. */
export function dossierAuditReads(answer: unknown): SensitiveRead[] {
  const residents = (answer as { data: { doorPlate: { address: { residents: { nodes: DossierResident[] } } } | null } }).data.doorPlate?.address.residents.nodes ?? [];
  return residents.map((person) =>
    auditRead('PERSON', person.idNumber, {
      'Person.idNumber': person.idNumber,
      'Person.name': person.name,
      'PoliceRegistration.phone': person.policeRegistration?.phone,
      'Person.welfare': person.welfare.length > 0 ? person.welfare : null,
      'WelfareRecord.assistanceType': person.welfare.find((w) => w.assistanceType !== null)?.assistanceType,
    }));
}
