import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector } from '../../src/connectors/connector.js';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { readQuality } from '../../src/crosswalk/quality-queries.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { startTestServer } from '../support/test-server.js';

/**
 * A sixth source, defined here and nowhere else: a housing authority's register
 * of buildings (楼宇), keyed by its own id, with an address column and no change
 * column. The engine syncs it from the mapping alone.
 */
const housing: Connector = {
  name: 'housing',
  department: '住建',
  urlVariable: 'GRIDGRAPH_SOURCE_HOUSING_URL',
  typeDefs: `
    "楼宇: a building on the housing authority's register."
    type HousingBuilding implements RegisteredObject & Node @key(fields: "key") @classified(level: L1, department: "housing") {
      id: ID!
      key: String!
      kind: String
      name: String
      address: StandardAddress
      records: [SourceRecord!]!
      housingBuilding: HousingBuildingRecord
    }
    type HousingBuildingRecord @classified(level: L1, department: "housing") { structure: String readAt: String! }`,
  codeTables: { JG: { '1': 'BRICK', '2': 'STEEL' } },
  tables: [
    {
      table: 'FW_LYXX',
      entity: 'OBJECT',
      objectType: 'HousingBuilding',
      recordId: 'LYBH',
      key: { column: 'LYBH', kind: 'SOURCE_ID' },
      address: { column: 'LYDZ' },
      facet: { field: 'housingBuilding', type: 'HousingBuildingRecord', fields: { structure: { column: 'JGDM', codeTable: 'JG' } } },
    },
  ],
};

let hub: TestHub;
let source: SourceDatabase;
const demo = generateDemoRegistry();
const buildings = demo.addresses.filter((a) => a.building !== '' && a.room === '').slice(0, 5);

beforeAll(async () => {
  hub = (await openDemoDatabases()).hub; // the demo registry imported (see demo-world.ts)
  source = await createTestSource(housing);
  await sql`create table "FW_LYXX" ("LYBH" varchar(20) primary key, "LYDZ" varchar(200), "JGDM" char(1))`.execute(source.db);
  for (const [i, b] of buildings.entries()) {
    await sql`insert into "FW_LYXX" values (${`LY${i}`}, ${`${b.district}${b.road}${b.road_number}号${b.building}栋`}, '1')`.execute(source.db);
  }
  await sql`insert into "FW_LYXX" values ('LY-X', '幸福路1号', '2')`.execute(source.db);
});
afterAll(async () => {
  await source?.close();
  await hub?.close();
});

describe(`a sixth source defined only by its mapping (${testDatabaseKind})`, () => {
  it('syncs into the crosswalk with no engine change', async () => {
    const [result] = await syncSource(hub.db, source, new AddressResolver(hub.db));
    expect(result).toMatchObject({ source: 'housing', table: 'FW_LYXX', mode: 'FULL', scanned: 6 });
    const rows = await hub.db.selectFrom('crosswalk').select(['record_id', 'entity_kind', 'address_code', 'address_status']).where('source', '=', 'housing').execute();
    expect(rows.sort((a, b) => (a.record_id < b.record_id ? -1 : 1))).toEqual([
      { record_id: 'LY-X', entity_kind: 'OBJECT', address_code: null, address_status: 'UNMATCHED' },
      ...buildings.map((b, i) => ({ record_id: `LY${i}`, entity_kind: 'OBJECT', address_code: b.address_code, address_status: 'MATCHED' })),
    ]);
    expect((await readQuality(hub.db, 'housing'))[0]).toMatchObject({ records: 6, matched: 5, unmatched: 1, keysInvalid: 0 });
  });

  it('serves its records in the graph, from its SDL and mapping alone', async () => {
    const server = await startTestServer({ hub, connectors: [housing], sources: [source] });
    try {
      const { data, errors } = await server.query(
        `query ($code: String!) { address(code: $code) { objects(first: 5) { totalCount nodes { __typename key address { code } ... on HousingBuilding { housingBuilding { structure } records { source department table recordId } } } } } }`,
        { code: buildings[0].address_code },
      );
      expect(errors).toBeUndefined();
      expect(data.address.objects).toEqual({
        totalCount: 1,
        nodes: [{
          __typename: 'HousingBuilding', key: 'housing:LY0', address: { code: buildings[0].address_code }, housingBuilding: { structure: 'BRICK' },
          records: [{ source: 'housing', department: '住建', table: 'FW_LYXX', recordId: 'LY0' }],
        }],
      });
    } finally {
      await server.server.close();
    }
  });

  it('without a change column, every sync is a full scan that still finds deletions', async () => {
    await sql`delete from "FW_LYXX" where "LYBH" = 'LY0'`.execute(source.db);
    const [result] = await syncSource(hub.db, source, new AddressResolver(hub.db));
    expect(result).toMatchObject({ mode: 'FULL', scanned: 5, deleted: 1 });
  });
});
