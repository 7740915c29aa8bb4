import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectors } from '../../connectors/index.js';
import type { DemoReport } from '../../src/connectors/connector.js';
import { countStatements } from '../../src/db/statement-counter.js';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let hub: TestHub;
let sources: SourceDatabase[];
let reports: Map<string, DemoReport>;
const demo = generateDemoRegistry();

/** Statements per database (hub and each source) while `run` runs. */
const statements = (run: () => Promise<unknown>) =>
  countStatements({ hub: hub.db, ...Object.fromEntries(sources.map((s) => [s.connector.name, s.db])) }, run);

beforeAll(async () => {
  // The demo registry (demo), the five sources generated at 0.4 and synced (see demo-world.ts).
  ({ hub, sources, reports } = await openDemoDatabases({ connectors, scale: 0.4, synced: true }));
  t = await startTestServer({ hub, connectors, sources });
});
afterAll(async () => {
  await t?.close();
  for (const source of sources ?? []) await source.close();
});

const DOSSIER = `query ($plate: String!, $n: Int!) {
  doorPlate(code: $plate) { address {
    fullText
    residents(first: $n, includeDescendants: true) { totalCount nodes {
      idNumber name residence { code } policeRegistration { populationType } welfare { assistanceType } elderlyCare { livingAlone }
      gridWorker { gridCode } records { source table } conflicts { field values { source value } }
      organizations { role organization { creditCode name } }
    } }
    organizations(first: $n, includeDescendants: true) { totalCount nodes {
      creditCode name kind status legalRepresentative { idNumber name } marketRegistration { establishedOn } foodLicences { licenceNumber validUntil }
      events(first: 5) { nodes { key category } }
    } }
    events(first: $n, includeDescendants: true) { totalCount nodes {
      key category description timeline { stage at } durations { from to seconds }
      parties { role person { idNumber } organization { creditCode } }
      gridEvent { recordId } cityManagementCase { recordId } policeIncident { recordId } dispute { outcome } marketInspection { description }
    } }
    objects(first: $n, includeDescendants: true) { totalCount nodes {
      __typename key kind address { code }
      ... on CityComponent { component { componentCode status } }
      ... on RentalHousing { rental { use } landlord { idNumber } }
    } }
  } }
}`;

/** The door with the most people below it. */
async function busiestDoor() {
  const { rows } = await sql<{ door: string }>`
    select coalesce(b.parent_code, a.parent_code, a.code) as door from crosswalk c
    join standard_address a on a.code = c.address_code left join standard_address b on b.code = a.parent_code
    where c.entity_kind = 'PERSON' group by 1 order by count(*) desc limit 1`.execute(hub.db);
  return demo.addresses.find((a) => a.address_code === rows[0].door)!;
}

describe(`the address dossier over five sources (${testDatabaseKind})`, () => {
  it('answers everyone, every organization, event and object at a door plate and below, joined across departments', async () => {
    const door = await busiestDoor();
    const { data, errors } = await t.query(DOSSIER, { plate: door.door_plate_code, n: 100 });
    expect(errors).toBeUndefined();
    const address = data.doorPlate.address;
    expect(address.residents.totalCount).toBeGreaterThan(10);
    const sourcesSeen = new Set(address.residents.nodes.flatMap((p: { records: { source: string }[] }) => p.records.map((r) => r.source)));
    expect(sourcesSeen.has('police')).toBe(true);
    expect(address.objects.nodes.map((o: { __typename: string }) => o.__typename)).toContain('RentalHousing');
    const rental = address.objects.nodes.find((o: { __typename: string }) => o.__typename === 'RentalHousing');
    expect(rental.landlord.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(address.events.totalCount).toBeGreaterThan(0);
  });

  it('runs statements bounded by the tables touched and the nesting depth, not by the number of records', async () => {
    const door = await busiestDoor();
    const small = await statements(() => t.query(DOSSIER, { plate: door.door_plate_code, n: 2 }));
    const large = await statements(() => t.query(DOSSIER, { plate: door.door_plate_code, n: 100 }));
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`dossier statements, 2 per list: ${JSON.stringify(small)}; 100 per list: ${JSON.stringify(large)}`);
    // Each source is read at most once per facet table per nesting level (the dossier nests three deep).
    for (const source of sources) expect(large[source.connector.name] ?? 0).toBeLessThanOrEqual(source.connector.tables.length * 3);
    // The hub: a fixed set of look-ups per level. Fifty times the records adds only the tables newly touched.
    expect(large.hub).toBeLessThanOrEqual(40);
    expect(total(large) - total(small)).toBeLessThanOrEqual(connectors.reduce((n, c) => n + c.tables.length, 0));
  });

  it('pages one kind asked twice at one address (aliases) each on its own, and counts the whole list for both', async () => {
    const door = await busiestDoor();
    const lists = `query ($plate: String!, $after: String) { doorPlate(code: $plate) { address {
      all: residents(first: 100, includeDescendants: true) { totalCount nodes { idNumber } }
      head: residents(first: 2, includeDescendants: true) { totalCount nodes { idNumber } pageInfo { endCursor } }
      rest: residents(first: 3, after: $after, includeDescendants: true) { totalCount nodes { idNumber } }
    } } }`;
    const first = await t.query(lists, { plate: door.door_plate_code });
    const { all, head } = first.data.doorPlate.address;
    const ids = all.nodes.map((n: { idNumber: string }) => n.idNumber);
    expect(ids.length).toBeGreaterThan(5);
    expect(head.nodes.map((n: { idNumber: string }) => n.idNumber)).toEqual(ids.slice(0, 2));
    const second = await t.query(lists, { plate: door.door_plate_code, after: head.pageInfo.endCursor });
    const { rest } = second.data.doorPlate.address;
    expect(rest.nodes.map((n: { idNumber: string }) => n.idNumber)).toEqual(ids.slice(2, 5));
    expect([head.totalCount, rest.totalCount]).toEqual([all.totalCount, all.totalCount]);
  });

  it('links an organization to its legal representative, and the person back to it', async () => {
    const { rows } = await sql<{ UNISCID: string; CERNO: string; ENTNAME: string }>`
      select "UNISCID", "CERNO", "ENTNAME" from "E_QYJBXX" order by "PRIPID" limit 1`.execute(sources.find((s) => s.connector.name === 'market-regulation')!.db);
    const { data } = await t.query(`query ($code: CreditCode!) { organization(creditCode: $code) { name legalRepresentative { idNumber organizations { role organization { creditCode } } } } }`, { code: rows[0].UNISCID });
    expect(data.organization.name).toBe(rows[0].ENTNAME);
    expect(data.organization.legalRepresentative.idNumber).toBe(rows[0].CERNO);
    expect(data.organization.legalRepresentative.organizations).toContainEqual({ role: 'LEGAL_REPRESENTATIVE', organization: { creditCode: rows[0].UNISCID } });
  });

  it('gives an event its timeline, derived durations and parties', async () => {
    const governance = sources.find((s) => s.connector.name === 'governance')!;
    const { rows: [dispute] } = await sql<{ JFBH: string }>`select "JFBH" from "ZZ_MDJF" order by "JFBH" limit 1`.execute(governance.db);
    const { rows: parties } = await sql<{ SFZH: string; DSRLX: string }>`select "SFZH", "DSRLX" from "ZZ_JFDSR" where "JFBH" = ${dispute.JFBH} order by "DSRLX"`.execute(governance.db);
    const { rows: [event] } = await sql<{ SJBH: string; SBSJ: string; SLSJ: string; PQSJ: string }>`
      select "SJBH", "SBSJ", "SLSJ", "PQSJ" from "ZZ_SJ" where "JASJ" is not null order by "SJBH" limit 1`.execute(governance.db);
    const ids = await t.query(`{ events(first: 100) { nodes { id key } } }`);
    const idOf = (key: string) => ids.data.events.nodes.find((n: { key: string }) => n.key === key)?.id;
    const { data } = await t.query(`query ($d: ID!, $e: ID!) {
      dispute: event(id: $d) { category parties { role person { idNumber } } }
      gridEvent: event(id: $e) { timeline { stage at } durations { from to seconds } }
    }`, { d: idOf(`governance:${dispute.JFBH}`) ?? (await findEventId(`governance:${dispute.JFBH}`)), e: idOf(`governance:${event.SJBH}`) ?? (await findEventId(`governance:${event.SJBH}`)) });
    expect(data.dispute.parties).toEqual([
      { role: 'APPLICANT', person: { idNumber: parties[0].SFZH } },
      { role: 'RESPONDENT', person: { idNumber: parties[1].SFZH } },
    ]);
    expect(data.gridEvent.timeline.map((s: { stage: string }) => s.stage)).toEqual(['REPORTED', 'REGISTERED', 'DISPATCHED', 'HANDLED', 'VERIFIED', 'CLOSED']);
    expect(data.gridEvent.timeline[0].at).toBe(`${event.SBSJ.replace(' ', 'T')}+08:00`);
    expect(data.gridEvent.durations[0]).toEqual({ from: 'REPORTED', to: 'REGISTERED', seconds: (Date.parse(`${event.SLSJ.replace(' ', 'T')}Z`) - Date.parse(`${event.SBSJ.replace(' ', 'T')}Z`)) / 1000 });
  });

  it('shows where departments disagree, and takes the name by precedence (police first)', async () => {
    const { data } = await t.query(`{ dataQuality { conflicts { entity field count examples { key values { source value } } } } }`);
    const names = data.dataQuality.conflicts.find((c: { field: string }) => c.field === 'name');
    // Every conflict is one the civil-affairs generator made (a homophone); some of those have no valid police record to differ from.
    expect(names.count).toBeGreaterThan(0);
    expect(names.count).toBeLessThanOrEqual(reports.get('civil-affairs')!.defects.MZ_DBCY.nameDiffers);
    const example = names.examples[0];
    expect(new Set(example.values.map((v: { value: string }) => v.value)).size).toBe(2);
    const { data: person } = await t.query(`query ($id: IdNumber!) { person(idNumber: $id) { name conflicts { field values { source value } } } }`, { id: example.key });
    expect(person.person.name).toBe(example.values.find((v: { source: string }) => v.source === 'police').value);
    expect(person.person.conflicts.map((c: { field: string }) => c.field)).toContain('name');
  });

  it('reports the defects the generators made, exactly, in dataQuality', async () => {
    const { data } = await t.query(`{ dataQuality { tables { source table records keysInvalid addressesUnmatched keyProblems { problem count } } } }`);
    const table = (source: string, name: string) => data.dataQuality.tables.find((q: { source: string; table: string }) => q.source === source && q.table === name);
    const market = reports.get('market-regulation')!.defects.E_QYJBXX;
    expect(table('market-regulation', 'E_QYJBXX')).toMatchObject({ keysInvalid: market.creditCode, addressesUnmatched: market.unresolvableAddress });
    const police = reports.get('police')!.defects.T_RK_RKXX;
    expect(table('police', 'T_RK_RKXX')).toMatchObject({ keysInvalid: police.checkDigit + police.fifteenDigit, addressesUnmatched: police.unresolvableAddress });
    expect(data.dataQuality.tables.map((q: { source: string }) => q.source)).toEqual(expect.arrayContaining(connectors.map((c) => c.name)));
  });

  it('finds every entity type by node(id)', async () => {
    const { data } = await t.query(`{ organizations(first: 1) { nodes { id creditCode } } events(first: 1) { nodes { id key } } people(first: 1) { nodes { id idNumber } } }`);
    const ids = [data.organizations.nodes[0].id, data.events.nodes[0].id, data.people.nodes[0].id];
    const { data: found } = await t.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(found.nodes.map((n: { __typename: string }) => n.__typename)).toEqual(['Organization', 'Event', 'Person']);
  });
});

async function findEventId(key: string): Promise<string> {
  return t.ids.id('Event', key);
}
