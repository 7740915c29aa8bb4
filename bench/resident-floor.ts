import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { HubSchema } from '../src/db/hub-schema.js';
import type { SensitiveRead } from '../src/access/audit-collector.js';
import type { SourceDatabase } from '../src/sources/source-database.js';
import { auditRead, byPrecedence, code, eventOf, fetchRows, type FloorRecord, organizationName, personName, recordOf } from './floor-tables.js';

/**
 * The hand-written floor of a resident's dossier: who they are, where they
 * live, what each department holds on them, the organizations they represent,
 * the events they are party to and where the sources disagree. One hub query
 * for the person's, organizations' and events' records, then one query per
 * source table touched, in parallel, assembled into the graph's JSON.
 */
export const RESIDENT_QUERY = `query Resident($id: IdNumber!, $n: Int!) {
  person(idNumber: $id) { idNumber name birthDate gender residence { code fullText }
    policeRegistration { populationType phone } welfare { assistanceType } keyPerson { category } specialPopulation { category }
    organizations { role organization { creditCode name } }
    events(first: $n) { totalCount nodes { key category timeline { stage at } } }
    conflicts { field values { source value } }
  }
}`;

/** The shared fields whose disagreement the dossier shows. */
const CONFLICT_FIELDS = ['name', 'phone'];

interface HubRow {
  part: 'PERSON' | 'ORGANIZATION' | 'EVENT';
  key: string;
  role: string | null;
  total: string | null;
  source: string;
  source_table: string;
  record_id: string;
  address_status: string | null;
  /** Where the record places the person, cut to its building: the departments see a residence masked (docs/design.md §5.3: exact residence is nobody's own field). */
  address_code: string | null;
  full_text: string | null;
  shared: Record<string, string> | null;
}

export async function floorResident(hub: Kysely<HubSchema>, sources: ReadonlyMap<string, SourceDatabase>, id: string, n: number): Promise<unknown> {
  // The bench caller's area is every district of the registry: an entity is in
  // it when one of its live records resolved to an address.
  const { rows } = await sql<HubRow>`
    with placed as (select distinct entity_kind, entity_key from crosswalk where not deleted and address_code is not null
                    and entity_key in (select from_key from crosswalk_link where not deleted and to_kind = 'PERSON' and to_key = ${id})),
    orgs as (select l.from_key as key, l.role, l.source as link_source, l.record_id as link_record from crosswalk_link l
             join placed p on p.entity_kind = 'ORGANIZATION' and p.entity_key = l.from_key
             where not l.deleted and l.to_kind = 'PERSON' and l.to_key = ${id} and l.from_kind = 'ORGANIZATION'),
    events as (select distinct l.from_key as key from crosswalk_link l
               join placed p on p.entity_kind = 'EVENT' and p.entity_key = l.from_key
               where not l.deleted and l.to_kind = 'PERSON' and l.to_key = ${id} and l.from_kind = 'EVENT'),
    event_page as (select key, count(*) over () as total from events order by key limit ${n})
    select * from (
      select 'PERSON' as part, c.entity_key as key, null as role, null::bigint as total, c.source, c.source_table, c.record_id,
             c.address_status, coalesce(building.code, a.code) as address_code, coalesce(building.full_text, a.full_text) as full_text,
             c.shared, 0 as o1, '' as o2, '' as o3
      from crosswalk c left join standard_address a on a.code = c.address_code
      left join standard_address building on a.level = 'ROOM' and building.code = a.parent_code
      where c.entity_kind = 'PERSON' and c.entity_key = ${id} and not c.deleted
      union all
      select 'ORGANIZATION', o.key, o.role, null, c.source, c.source_table, c.record_id, null, null, null, null, 1, o.link_source, o.link_record
      from orgs o join crosswalk c on c.entity_kind = 'ORGANIZATION' and c.entity_key = o.key and not c.deleted
      union all
      select 'EVENT', e.key, null, e.total, c.source, c.source_table, c.record_id, null, null, null, null, 2, e.key, ''
      from event_page e join crosswalk c on c.entity_kind = 'EVENT' and c.entity_key = e.key and not c.deleted
    ) parts order by o1, o2, o3, source, record_id`.execute(hub);
  const personRows = rows.filter((row) => row.part === 'PERSON');
  if (personRows.length === 0) return { data: { person: null } };
  const fetched = await fetchRows(sources, rows);

  // Each entity's records, in precedence order; links and events in the order the graph lists them.
  const grouped = new Map<string, { row: HubRow; records: FloorRecord[] }>();
  for (const row of rows) {
    const id = `${row.part}|${row.key}|${row.role}`;
    const entry = grouped.get(id) ?? grouped.set(id, { row, records: [] }).get(id)!;
    const record = recordOf(fetched, row);
    if (record !== undefined) entry.records.push(record);
  }
  for (const entry of grouped.values()) byPrecedence(entry.records);
  const of = (part: HubRow['part']) => [...grouped.values()].filter((entry) => entry.row.part === part);
  const [person] = of('PERSON');
  const sharedByPrecedence = byPrecedence(personRows.map((row) => ({ table: `${row.source}|${row.source_table}`, row })));
  const residence = sharedByPrecedence.find(({ row }) => row.address_code !== null && (row.address_status === 'MATCHED' || row.address_status === 'PARTIAL'))?.row;
  const facet = (table: string) => person.records.filter((r) => r.table === table).map((r) => r.row);
  const police = facet('police|T_RK_RKXX')[0];
  const keyPerson = facet('police|T_ZDRY')[0];
  const special = facet('governance|ZZ_TSRQ')[0];
  const events = of('EVENT');

  return {
    data: {
      person: {
        idNumber: id,
        name: personName(person.records),
        birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
        gender: Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
        residence: residence === undefined ? null : { code: residence.address_code, fullText: residence.full_text },
        policeRegistration: police === undefined ? null : { populationType: code('police', 'RKLX', police.RKLXDM), phone: police.LXDH },
        welfare: facet('civil-affairs|MZ_DBCY').map((row) => ({ assistanceType: code('civil-affairs', 'BZLX', row.BZLX) })),
        keyPerson: keyPerson === undefined ? null : { category: code('police', 'ZDRYLB', keyPerson.ZDRYLB) },
        specialPopulation: special === undefined ? null : { category: code('governance', 'RQLB', special.RQLB) },
        organizations: of('ORGANIZATION').map(({ row, records }) => ({ role: row.role, organization: { creditCode: row.key, name: organizationName(records) } })),
        events: { totalCount: Number(events[0]?.row.total ?? 0), nodes: events.map(({ row, records }) => eventOf(row.key, records)) },
        conflicts: CONFLICT_FIELDS.flatMap((field) => {
          const values = sharedByPrecedence.flatMap(({ row }) => (row.shared?.[field] ? [{ source: row.source, value: row.shared[field] }] : []));
          return new Set(values.map((v) => v.value)).size > 1 ? [{ field, values }] : [];
        }),
      },
    },
  };
}

interface ResidentAnswer {
  idNumber: string;
  name: string | null;
  birthDate: string;
  policeRegistration: { phone: string | null } | null;
  welfare: { assistanceType: string | null }[];
  keyPerson: { category: string | null } | null;
  specialPopulation: { category: string | null } | null;
  conflicts: { field: string; values: { value: string }[] }[];
}

/** What a resident's dossier shows unmasked at L3/L4, by the classification of schema/ and the connectors' SDL. */
export function residentAuditReads(answer: unknown): SensitiveRead[] {
  const person = (answer as { data: { person: ResidentAnswer | null } }).data.person;
  if (person === null) return [];
  return [
    auditRead('PERSON', person.idNumber, {
      'Person.idNumber': person.idNumber,
      'Person.name': person.name,
      'Person.birthDate': person.birthDate,
      'PoliceRegistration.phone': person.policeRegistration?.phone,
      'Person.welfare': person.welfare.length > 0 ? person.welfare : null,
      'WelfareRecord.assistanceType': person.welfare.find((w) => w.assistanceType !== null)?.assistanceType,
      'Person.keyPerson': person.keyPerson,
      'KeyPersonRecord.category': person.keyPerson?.category,
      'Person.specialPopulation': person.specialPopulation,
      'SpecialPopulationRecord.category': person.specialPopulation?.category,
      // A conflict's values are read as the field they are values of (`@valueOfField`).
      ...Object.fromEntries(person.conflicts.map((conflict) => [`Person.${conflict.field}`, conflict.values])),
    }),
  ];
}
