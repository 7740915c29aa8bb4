import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/access/roles.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import type { GraphQLResponse } from '../support/test-server.js';

/**
 * docs/design.md §5.3 written out by hand, cell by cell: what each role sees of each
 * field, without and with a stated purpose. Nothing here is computed from the
 * policy's code or the SDL's classification; the full values come from the
 * source databases by plain SQL, and each mask's shape is spelled out below.
 *
 *   F  the full value          M  masked (the field's mask shape)
 *   D  FORBIDDEN at its path, or under a parent that is
 *   O  opaque: an id or cursor naming no ID number, phone or credit code
 *   P  the record is listed    A  the record or conflict is absent
 *
 * Each cell is "without purpose/with purpose".
 */
const TABLE = `
field                        | grid-worker | community-staff | street-staff | district-command | dept-police | dept-civil-affairs | dept-governance | dept-city-management | dept-market-regulation | data-steward | auditor
person.id                    | O/O         | O/O             | O/O          | O/O              | O/O         | O/O                | O/O             | O/O                  | O/O                    | O/O          | D/D
person.idNumber              | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | M/M          | D/D
person.name                  | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | M/M          | D/D
person.birthDate             | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | M/M          | D/D
person.phone                 | M/M         | M/M             | M/M          | M/M              | M/M         | M/M                | M/M             | M/M                  | M/M                    | M/M          | D/D
police.name                  | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | D/D          | D/D
police.phone                 | M/M         | M/M             | M/M          | M/M              | M/F         | M/M                | M/M             | M/M                  | M/M                    | D/D          | D/D
police.householdAddress      | M/M         | M/M             | M/M          | M/M              | M/F         | M/M                | M/M             | M/M                  | M/M                    | D/D          | D/D
keyPerson.category           | D/D         | D/D             | D/D          | D/D              | D/F         | D/D                | D/D             | D/D                  | D/D                    | D/D          | D/D
records.T_RK_RKXX            | P/P         | P/P             | P/P          | P/P              | P/P         | P/P                | P/P             | P/P                  | P/P                    | P/P          | D/D
records.T_ZDRY               | A/A         | A/A             | A/A          | A/A              | A/P         | A/A                | A/A             | A/A                  | A/A                    | A/A          | D/D
business.legalRepresentative | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | M/M          | D/D
case.partyName               | D/D         | D/D             | D/D          | D/D              | D/D         | D/D                | D/D             | D/F                  | D/D                    | D/D          | D/D
conflict.name.police         | A/A         | A/A             | A/A          | A/A              | A/A         | A/F                | A/A             | A/A                  | A/A                    | D/D          | D/D
conflict.name.civil-affairs  | A/A         | A/A             | A/A          | A/A              | A/A         | A/F                | A/A             | A/A                  | A/A                    | D/D          | D/D
conflict.phone.police        | A/A         | A/A             | A/A          | A/A              | A/A         | A/M                | A/A             | A/A                  | A/A                    | D/D          | D/D
conflict.phone.civil-affairs | A/A         | A/A             | A/A          | A/A              | A/A         | A/F                | A/A             | A/A                  | A/A                    | D/D          | D/D
quality.personKey            | M/M         | M/M             | M/M          | M/M              | M/F         | M/F                | M/F             | M/F                  | M/F                    | M/M          | D/D
people.cursor                | O/O         | O/O             | O/O          | O/O              | O/O         | O/O                | O/O             | O/O                  | O/O                    | D/D          | D/D
`;

type Cell = 'F' | 'M' | 'D' | 'O' | 'P' | 'A';

const rows = TABLE.trim()
  .split('\n')
  .map((line) => line.split('|').map((cell) => cell.trim()));
const ROLES = rows[0].slice(1) as Role[];
const CELLS = rows.slice(1).map(([field, ...cells]) => ({ field, cells: cells.map((cell) => cell.split('/') as [Cell, Cell]) }));

/** The shapes of the masks of docs/design.md §5.4, given the full value. */
const MASKS: Record<string, (full: string) => RegExp> = {
  idNumber: (full) => new RegExp(`^${full.slice(0, 6)}\\*{8}${full.slice(-4)}$`),
  name: (full) => new RegExp(`^${[...full][0]}\\*+${[...full].length > 2 ? [...full].at(-1) : ''}$`),
  phone: (full) => new RegExp(`^${full.slice(0, 3)}\\*{${full.length - 7}}${full.slice(-4)}$`),
  date: (full) => new RegExp(`^${full.slice(0, 4)}-\\*\\*-\\*\\*$`),
  address: (full) => new RegExp(`^${full.replace(/(?<=栋|幢|号楼|座).*$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
};

/** The police's code table for key-person categories, as the police publish it. */
const KEY_PERSON_CATEGORY: Record<string, string> = { '01': '涉稳重点人员', '02': '涉毒重点人员', '03': '在逃人员' };

interface Subjects {
  /** A key person registered by the police, with a phone and a household address. */
  person: { key: string; name: string; phone: string; birth: string; household: string; category: string };
  /** An individual business (个体工商户) and its operator's name. */
  business: { key: string; operator: string };
  /** An enforcement case and its party's name. */
  enforcement: { key: string; party: string };
  /** Persons on whose name, and on whose phone, the police and civil affairs disagree (by source). */
  conflicted: { name: { key: string; values: Record<string, string> }; phone: { key: string; values: Record<string, string> } };
}

let world: DemoWorld;
let subjects: Subjects;
let ids: { person: string; business: string; enforcement: string; conflictedName: string; conflictedPhone: string };
let area: { grids: string[]; communities: string[]; streets: string[]; districts: string[] };
/** Every ID number, phone and credit code in the sources: none may show in an id or a cursor. */
let secrets: string[];

const QUERY = `query Table($person: ID!, $business: ID!, $enforcement: ID!, $conflictedName: ID!, $conflictedPhone: ID!) {
  person: node(id: $person) { ... on Person { id idNumber name birthDate phone
    police: policeRegistration { name phone householdAddress } keyPerson { category } records { table } } }
  business: node(id: $business) { ... on Organization { marketRegistration { legalRepresentativeName } } }
  enforcement: node(id: $enforcement) { ... on Event { enforcementCase { partyName } } }
  conflictedName: node(id: $conflictedName) { ... on Person { conflicts { field values { source value } } } }
  conflictedPhone: node(id: $conflictedPhone) { ... on Person { conflicts { field values { source value } } } }
  quality: dataQuality { conflicts { entity examples { key } } }
  people(first: 3) { edges { cursor node { id } } pageInfo { endCursor } }
}`;

async function one<T>(world: DemoWorld, source: string, query: ReturnType<typeof sql<T>>): Promise<T> {
  const db = world.sources.find((s) => s.connector.name === source)!.db;
  const { rows: [row] } = await query.execute(db);
  expect(row, `${source} has a row for this test`).toBeDefined();
  return row;
}

beforeAll(async () => {
  world = await startDemoWorld(0.3);
  const hub = world.hub.db;
  const { rows: keyPeople } = await sql<{ key: string }>`
    select distinct k.entity_key as key from crosswalk k join crosswalk r on r.entity_key = k.entity_key and r.source_table = 'T_RK_RKXX' and r.address_code is not null
    where k.source_table = 'T_ZDRY' and not k.deleted and not r.deleted order by 1 limit 100`.execute(hub);
  // One whose household address names a building, so its mask has something to cut.
  const police = await one(world, 'police', sql<{ GMSFHM: string; XM: string; LXDH: string; CSRQ: string; HJDZ: string }>`
    select "GMSFHM", "XM", "LXDH", "CSRQ", "HJDZ" from "T_RK_RKXX"
    where "GMSFHM" in (${sql.join(keyPeople.map((p) => p.key))}) and "HJDZ" ~ '栋|幢' and "LXDH" <> '' order by "GMSFHM" limit 1`);
  const keyPerson = { key: police.GMSFHM };
  const listed = await one(world, 'police', sql<{ ZDRYLB: string }>`select "ZDRYLB" from "T_ZDRY" where "GMSFHM" = ${keyPerson.key} limit 1`);
  const { rows: [business] } = await sql<{ key: string; record: string }>`
    select entity_key as key, record_id as record from crosswalk where source_table = 'E_QYJBXX' and entity_key is not null and address_code is not null and not deleted
      and shared ->> 'kind' = '个体工商户' order by 1 limit 1`.execute(hub);
  const operator = await one(world, 'market-regulation', sql<{ LEREP: string }>`select "LEREP" from "E_QYJBXX" where "PRIPID" = ${business.record}`);
  const { rows: [enforcement] } = await sql<{ key: string; record: string }>`
    select entity_key as key, record_id as record from crosswalk where source_table = 'CG_ZFAJ' and address_code is not null and not deleted order by 1 limit 1`.execute(hub);
  const party = await one(world, 'city-management', sql<{ DSRMC: string }>`select "DSRMC" from "CG_ZFAJ" where "ZFBH" = ${enforcement.record}`);
  /** A person with exactly a police and a civil-affairs record, disagreeing on `field`: each source's value. */
  const disagreeing = async (field: 'name' | 'phone') => {
    const { rows } = await sql<{ key: string; source: string; value: string }>`
      select entity_key as key, source, shared ->> ${field} as value from crosswalk where entity_key = (
        select entity_key from crosswalk where entity_kind = 'PERSON' and not deleted group by entity_key
        having count(*) = 2 and bool_and(source_table in ('T_RK_RKXX', 'MZ_DBCY')) and count(distinct source) = 2
           and count(distinct shared ->> ${field}) = 2 and bool_or(address_code is not null)
        order by 1 limit 1)`.execute(hub);
    expect(rows, `the demo has a person whose ${field} the police and civil affairs give differently`).toHaveLength(2);
    return { key: rows[0].key, values: Object.fromEntries(rows.map((r) => [r.source, r.value])) };
  };
  subjects = {
    person: { key: keyPerson.key, name: police.XM, phone: police.LXDH, birth: police.CSRQ, household: police.HJDZ, category: KEY_PERSON_CATEGORY[listed.ZDRYLB] },
    business: { key: business.key, operator: operator.LEREP },
    enforcement: { key: enforcement.key, party: party.DSRMC },
    conflicted: { name: await disagreeing('name'), phone: await disagreeing('phone') },
  };
  // The ids, as a caller who may see these people finds them.
  const everyone = { as: { roles: ['dept-police', 'dept-market-regulation', 'dept-city-management'] as Role[], districts: ['320102', '320104', '320106'] }, purpose: 'literal table' };
  const found = await world.t.query(
    `query ($p: IdNumber!, $b: CreditCode!, $n: IdNumber!, $f: IdNumber!) {
       p: person(idNumber: $p) { id } b: organization(creditCode: $b) { id } n: person(idNumber: $n) { id } f: person(idNumber: $f) { id } }`,
    { p: subjects.person.key, b: subjects.business.key, n: subjects.conflicted.name.key, f: subjects.conflicted.phone.key },
    everyone,
  );
  expect(found.errors).toBeUndefined();
  // An event has no key to look it up by but its id: the hub's own sealer makes it.
  ids = {
    person: found.data.p.id,
    business: found.data.b.id,
    conflictedName: found.data.n.id,
    conflictedPhone: found.data.f.id,
    enforcement: world.t.ids.id('Event', subjects.enforcement.key),
  };
  // A person two police records name differently — a conflict every role that reads the quality report may
  // know of: the police register the same person twice, the second time misspelt, and the hub syncs it.
  const { rows: [policeOnly] } = await sql<{ key: string }>`
    select entity_key as key from crosswalk where entity_kind = 'PERSON' and not deleted and entity_key is not null group by entity_key
    having count(*) = 1 and bool_and(source_table = 'T_RK_RKXX') and bool_or(address_code is not null) order by 1 limit 1`.execute(hub);
  const policeSource = world.sources.find((s) => s.connector.name === 'police')!;
  await sql`insert into "T_RK_RKXX" select (jsonb_populate_record(null::"T_RK_RKXX",
      to_jsonb(t) || jsonb_build_object('RYBH', 'DUP' || t."RYBH", 'XM', t."XM" || '某'))).* from "T_RK_RKXX" t where t."GMSFHM" = ${policeOnly.key}`.execute(policeSource.db);
  await syncSource(hub, policeSource, new AddressResolver(hub), { full: true });
  const keys = sql.join([policeOnly.key, subjects.person.key, subjects.business.key, subjects.enforcement.key, subjects.conflicted.name.key, subjects.conflicted.phone.key]);
  const { rows: places } = await sql<{ grid_code: string | null; division_code: string }>`
    select distinct a.grid_code, a.division_code from crosswalk c join standard_address a on a.code = c.address_code where c.entity_key in (${keys})`.execute(hub);
  area = {
    grids: [...new Set(places.flatMap((p) => (p.grid_code ? [p.grid_code] : [])))],
    communities: [...new Set(places.map((p) => p.division_code))],
    streets: [...new Set(places.map((p) => p.division_code.slice(0, 9)))],
    districts: [...new Set(places.map((p) => p.division_code.slice(0, 6)))],
  };
  secrets = [];
  for (const [source, query] of [
    ['police', sql<{ v: string }>`select "GMSFHM" as v from "T_RK_RKXX" union select "LXDH" from "T_RK_RKXX"`],
    ['civil-affairs', sql<{ v: string }>`select "SFZH" as v from "MZ_DBCY" union select "LXDH" from "MZ_DBCY"`],
    ['market-regulation', sql<{ v: string }>`select "UNISCID" as v from "E_QYJBXX" union select "CERNO" from "E_QYJBXX"`],
  ] as const) {
    const db = world.sources.find((s) => s.connector.name === source)!.db;
    secrets.push(...(await query.execute(db)).rows.map((r) => r.v).filter((v): v is string => typeof v === 'string' && v.length >= 11));
  }
});
afterAll(async () => {
  await world?.close();
});

/** An id or cursor that says nothing: no ID number, phone or credit code of the sources in it, as text or base64url-decoded. */
function expectOpaque(token: unknown, where: string) {
  expect(typeof token, where).toBe('string');
  const decoded = Buffer.from(String(token), 'base64url').toString('latin1');
  const leaked = secrets.filter((secret) => String(token).includes(secret) || decoded.includes(secret) || decoded.includes(secret.slice(0, 14)));
  expect(leaked, where).toEqual([]);
}

/** The value at a dotted path of the answer, and whether a FORBIDDEN error sits at it or at one of its parents. */
function at(answer: GraphQLResponse, path: string[]) {
  let value: unknown = answer.data;
  for (const part of path) value = (value as Record<string, unknown> | null | undefined)?.[part];
  const forbidden = (answer.errors ?? []).some(
    (e) => e.extensions?.code === 'FORBIDDEN' && e.path !== undefined && path.slice(0, e.path.length).join('.') === e.path.join('.'),
  );
  return { value, forbidden };
}

/** Checks one cell: `field` as the role was shown it. */
function checkCell(field: string, expected: Cell, answer: GraphQLResponse, where: string) {
  const { person, business, enforcement, conflicted } = subjects;
  const leaf = (path: string[], full: string, mask: keyof typeof MASKS) => {
    const { value, forbidden } = at(answer, path);
    if (expected === 'D') return expect({ value: value ?? null, forbidden }, where).toEqual({ value: null, forbidden: true });
    expect(forbidden, where).toBe(false);
    if (expected === 'F') return expect(value, where).toBe(full);
    expect(expected, where).toBe('M');
    expect(value, where).not.toBe(full);
    return expect(value, where).toMatch(MASKS[mask](full));
  };
  const listed = (table: string) => {
    const { value, forbidden } = at(answer, ['person', 'records']);
    if (expected === 'D') return expect(forbidden, where).toBe(true);
    const tables = (value as { table: string }[]).map((r) => r.table);
    return expect(tables.includes(table), where).toBe(expected === 'P');
  };
  const conflictValue = (kind: 'name' | 'phone', source: string) => {
    const { value, forbidden } = at(answer, [kind === 'name' ? 'conflictedName' : 'conflictedPhone', 'conflicts']);
    if (expected === 'D') return expect(forbidden, where).toBe(true);
    const conflict = (value as { field: string; values: { source: string; value: string }[] }[]).find((c) => c.field === kind);
    if (expected === 'A') return expect(conflict, where).toBeUndefined();
    const shown = conflict?.values.find((v) => v.source === source)?.value;
    const full = conflicted[kind].values[source];
    if (expected === 'F') return expect(shown, where).toBe(full);
    return expect(shown, where).toMatch(MASKS[kind](full));
  };
  switch (field) {
    case 'person.id': {
      const { value, forbidden } = at(answer, ['person', 'id']);
      if (expected === 'D') return expect(forbidden, where).toBe(true);
      return expectOpaque(value, where);
    }
    case 'person.idNumber':
      return leaf(['person', 'idNumber'], person.key, 'idNumber');
    case 'person.name':
      return leaf(['person', 'name'], person.name, 'name');
    case 'person.birthDate':
      return leaf(['person', 'birthDate'], `${person.key.slice(6, 10)}-${person.key.slice(10, 12)}-${person.key.slice(12, 14)}`, 'date');
    case 'person.phone':
      return leaf(['person', 'phone'], person.phone, 'phone');
    case 'police.name':
      return leaf(['person', 'police', 'name'], person.name, 'name');
    case 'police.phone':
      return leaf(['person', 'police', 'phone'], person.phone, 'phone');
    case 'police.householdAddress':
      return leaf(['person', 'police', 'householdAddress'], person.household, 'address');
    case 'keyPerson.category':
      return leaf(['person', 'keyPerson', 'category'], person.category, 'name');
    case 'records.T_RK_RKXX':
      return listed('T_RK_RKXX');
    case 'records.T_ZDRY':
      return listed('T_ZDRY');
    case 'business.legalRepresentative':
      return leaf(['business', 'marketRegistration', 'legalRepresentativeName'], business.operator, 'name');
    case 'case.partyName':
      return leaf(['enforcement', 'enforcementCase', 'partyName'], enforcement.party, 'name');
    case 'conflict.name.police':
      return conflictValue('name', 'police');
    case 'conflict.name.civil-affairs':
      return conflictValue('name', 'civil-affairs');
    case 'conflict.phone.police':
      return conflictValue('phone', 'police');
    case 'conflict.phone.civil-affairs':
      return conflictValue('phone', 'civil-affairs');
    case 'quality.personKey': {
      const { value, forbidden } = at(answer, ['quality', 'conflicts']);
      if (expected === 'D') return expect(forbidden, where).toBe(true);
      const keys = (value as { entity: string; examples: { key: string }[] }[]).filter((c) => c.entity === 'PERSON').flatMap((c) => c.examples.map((e) => e.key));
      expect(keys.length, `${where}: person examples`).toBeGreaterThan(0);
      const shape = expected === 'F' ? /^\d{17}[\dX]$/ : /^\d{6}\*{8}[\dX]{4}$/;
      return expect(keys.filter((key) => !shape.test(key)), where).toEqual([]);
    }
    case 'people.cursor': {
      const { value, forbidden } = at(answer, ['people']);
      if (expected === 'D') return expect(forbidden, where).toBe(true);
      const page = value as { edges: { cursor: string; node: { id: string } }[]; pageInfo: { endCursor: string } };
      expect(page.edges.length, where).toBeGreaterThan(0);
      for (const edge of page.edges) {
        expectOpaque(edge.cursor, where);
        expectOpaque(edge.node.id, where);
      }
      return expectOpaque(page.pageInfo.endCursor, where);
    }
    default:
      throw new Error(`no check for ${field}`);
  }
}

describe(`docs/design.md §5.3 as a literal role × field table (${testDatabaseKind})`, () => {
  it('has one cell per role, purpose and field', () => {
    expect(ROLES).toHaveLength(11);
    expect(CELLS.every((row) => row.cells.length === ROLES.length)).toBe(true);
    console.log(`literal table: ${CELLS.length} fields × ${ROLES.length} roles × 2 = ${CELLS.length * ROLES.length * 2} cells`);
  });

  ROLES.forEach((role, column) => {
    for (const purpose of [false, true]) {
      it(`${role} ${purpose ? 'with' : 'without'} a purpose`, async () => {
        const answer = await world.t.query(QUERY, ids, {
          as: { roles: [role], ...area, subject: `table-${role}` },
          purpose: purpose ? 'case 2026-0042' : null,
        });
        const unexpected = (answer.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN');
        expect(unexpected, role).toEqual([]);
        for (const { field, cells } of CELLS) checkCell(field, cells[column][purpose ? 1 : 0], answer, `${role}${purpose ? ' +purpose' : ''}: ${field}`);
      });
    }
  });
});

describe(`ids and cursors a grid worker receives (${testDatabaseKind})`, () => {
  it('name no ID number, phone or credit code anywhere in a full door-plate dossier, page after page', async () => {
    const { rows: [door] } = await sql<{ plate: string; grid: string }>`
      select d.door_plate_code as plate, d.grid_code as grid from standard_address d
      where d.level = 'DOOR' and d.door_plate_code is not null and d.grid_code is not null
      order by (select count(*) from crosswalk c join standard_address a on a.code = c.address_code where a.code = d.code or a.parent_code = d.code
                or a.parent_code in (select b.code from standard_address b where b.parent_code = d.code)) desc, d.code limit 1`.execute(world.hub.db);
    const caller = { as: { roles: ['grid-worker'] as Role[], grids: [door.grid], subject: 'worker-ids' }, purpose: null };
    // Nodes beside edges keep the document within the depth limit.
    const list = (name: string, fields: string) =>
      `${name}(first: 5, after: $${name}, includeDescendants: true) { edges { cursor } nodes { id ${fields} } pageInfo { startCursor endCursor hasNextPage } }`;
    const query = `query ($plate: String!, $residents: String, $organizations: String, $events: String, $objects: String) {
      doorPlate(code: $plate) { id address { id parent { id } children(first: 50) { edges { cursor node { id } } pageInfo { endCursor } }
        grid { id community { id } }
        ${list('residents', 'residence { id } organizations { organization { id } } events(first: 5) { edges { cursor } nodes { id } }')}
        ${list('organizations', 'legalRepresentative { id } people { person { id } } address { id }')}
        ${list('events', 'parties { person { id } organization { id } } address { id }')}
        ${list('objects', 'address { id }')}
      } } }`;
    const tokens: string[] = [];
    const collect = (value: unknown, key?: string) => {
      if (Array.isArray(value)) value.forEach((item) => collect(item));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
      else if (typeof value === 'string' && key !== undefined && /^(id|cursor|startCursor|endCursor)$/.test(key)) tokens.push(value);
    };
    const after: Record<string, string | null> = { residents: null, organizations: null, events: null, objects: null };
    for (let page = 0; page < 4; page++) {
      const answer = await world.t.query(query, { plate: door.plate, ...after }, caller);
      expect(answer.errors?.filter((e) => e.extensions?.code !== 'FORBIDDEN') ?? []).toEqual([]);
      collect(answer.data);
      const address = answer.data.doorPlate.address;
      for (const name of Object.keys(after)) after[name] = address[name].pageInfo.hasNextPage ? address[name].pageInfo.endCursor : after[name];
    }
    expect(tokens.length).toBeGreaterThan(30);
    for (const token of tokens) expectOpaque(token, 'an id or cursor of the dossier');
    console.log(`grid-worker dossier: ${tokens.length} ids and cursors, none naming an ID number, phone or credit code`);
  });
});
