import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { police } from '../../connectors/police/index.js';
import { countStatements } from '../../src/db/statement-counter.js';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let source: SourceDatabase;
const demo = generateDemoRegistry();

/** Statements the police source ran while `run` ran. */
const policeStatements = async (run: () => Promise<unknown>) => (await countStatements({ police: source.db }, run)).police ?? 0;

beforeAll(async () => {
  // The demo registry (demo), police generated at 0.5 and synced (see demo-world.ts).
  const { hub, sources } = await openDemoDatabases({ connectors: [police], scale: 0.5, synced: true });
  source = sources[0];
  t = await startTestServer({ hub, connectors: [police], sources: [source] });
});
afterAll(async () => {
  await t?.close();
  await source?.close();
});

const live = async () => {
  const { rows } = await sql<{ RYBH: string; GMSFHM: string; XM: string; JZDZ: string }>`
    select "RYBH", "GMSFHM", "XM", "JZDZ" from "T_RK_RKXX" where "ZXBZ" = '0' and "GMSFHM" ~ '^[0-9]{17}[0-9X]$' and "JZDZ" not like '%东%' order by "RYBH" limit 1`.execute(source.db);
  return rows[0];
};

describe(`people over GraphQL, read live from the police source (${testDatabaseKind})`, () => {
  it('finds a person by ID number, with name, facet, residence and provenance', async () => {
    const record = await live();
    // Whole seconds: readAt is the engine's clock, written to the second.
    const asked = Math.floor(Date.now() / 1000) * 1000;
    const { data, errors } = await t.query(
      `query ($id: IdNumber!) { person(idNumber: $id) { id idNumber name birthDate gender residence { fullText }
         records { source department table recordId addressStatus syncedAt } policeRegistration { recordId name residenceText readAt } } }`,
      { id: record.GMSFHM },
    );
    expect(errors).toBeUndefined();
    expect(data.person).toMatchObject({
      id: t.ids.id('Person', record.GMSFHM),
      idNumber: record.GMSFHM,
      name: record.XM,
      birthDate: `${record.GMSFHM.slice(6, 10)}-${record.GMSFHM.slice(10, 12)}-${record.GMSFHM.slice(12, 14)}`,
      records: [{ source: 'police', department: '公安', table: 'T_RK_RKXX', recordId: record.RYBH, addressStatus: 'MATCHED' }],
      policeRegistration: { recordId: record.RYBH, name: record.XM, residenceText: record.JZDZ },
    });
    // Read during this request: not before it was asked, not after it was answered.
    const readAt = Date.parse(data.person.policeRegistration.readAt);
    expect(readAt).toBeGreaterThanOrEqual(asked);
    expect(readAt).toBeLessThanOrEqual(Date.now());
    expect(record.JZDZ).toContain(data.person.residence.fullText.replace(/^江苏省南京市/, '').slice(0, 6));
    const node = await t.query(`query ($id: ID!) { node(id: $id) { ... on Person { idNumber } } }`, { id: data.person.id });
    expect(node.data.node).toEqual({ idNumber: record.GMSFHM });
  });

  it('answers null for an unknown person and BAD_USER_INPUT for a malformed ID number', async () => {
    const unknown = await t.query(`{ person(idNumber: "11010519491231002X") { name } }`);
    expect(unknown.data.person).toBeNull();
    const bad = await t.query(`query ($id: IdNumber!) { person(idNumber: $id) { name } }`, { id: '36042619910102009X' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toContain('fails the check digit');
  });

  it('answers BAD_USER_INPUT naming the variable for a variable of the wrong built-in type or a missing one (checked as graphql-js checks them)', async () => {
    const wrongType = await t.query(`query ($n: Int!) { people(first: $n) { totalCount } }`, { n: '320102194003180010' });
    expect(wrongType.data).toBeUndefined();
    expect(wrongType.errors).toHaveLength(1);
    expect(wrongType.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongType.errors![0].message).toMatch(/^Variable "\$n" got invalid value/);
    const missing = await t.query(`query ($n: Int!) { people(first: $n) { totalCount } }`, {});
    expect(missing.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.errors![0].message).toBe('Variable "$n" of required type "Int!" was not provided.');
  });

  it("lists a door's residents with its buildings and rooms, paged by ID number", async () => {
    const door = demo.addresses.find((a) => a.building === '' && demo.addresses.some((r) => r.room !== '' && r.road === a.road && r.road_number === a.road_number))!;
    const query = `query ($code: String!, $all: Boolean!, $after: String) { address(code: $code) {
      residents(first: 5, after: $after, includeDescendants: $all) { totalCount nodes { idNumber } pageInfo { hasNextPage endCursor } } } }`;
    const own = await t.query(query, { code: door.address_code, all: false });
    const all = await t.query(query, { code: door.address_code, all: true });
    expect(own.data.address.residents.totalCount).toBe(0); // people live in rooms, not on the door itself
    expect(all.data.address.residents.totalCount).toBeGreaterThan(5);
    // The dossier's default (issue 22): without the argument, the rooms below are included.
    const byDefault = await t.query(`query ($code: String!) { address(code: $code) { residents(first: 5) { totalCount } } }`, { code: door.address_code });
    expect(byDefault.data.address.residents.totalCount).toBe(all.data.address.residents.totalCount);
    const second = await t.query(query, { code: door.address_code, all: true, after: all.data.address.residents.pageInfo.endCursor });
    const ids = [...all.data.address.residents.nodes, ...second.data.address.residents.nodes].map((n: { idNumber: string }) => n.idNumber);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('reads the facets of a whole page of residents with one source statement, however many residents', async () => {
    const door = demo.addresses.find((a) => a.building === '' && demo.addresses.filter((r) => r.room !== '' && r.road === a.road && r.road_number === a.road_number).length > 30)!;
    const query = `query ($code: String!, $n: Int!) { address(code: $code) { residents(first: $n, includeDescendants: true) { nodes { name policeRegistration { phone } } } } }`;
    let names = 0;
    const small = await policeStatements(async () => {
      names = (await t.query(query, { code: door.address_code, n: 2 })).data.address.residents.nodes.length;
    });
    const large = await policeStatements(async () => {
      names = (await t.query(query, { code: door.address_code, n: 50 })).data.address.residents.nodes.length;
    });
    expect(names).toBe(50);
    expect(small).toBe(1);
    expect(large).toBe(1);
  });
});
