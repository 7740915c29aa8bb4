import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector } from '../../src/connectors/connector.js';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { createTestSource, testDatabaseKind } from '../support/test-hub.js';
import { type Caller, startTestServer, type TestServer } from '../support/test-server.js';

/** A source with every kind of garbage, behind the server: what the steward sees of it. */
const patrols: Connector = {
  name: 'patrols',
  department: '巡查',
  urlVariable: 'GRIDGRAPH_SOURCE_PATROLS_URL',
  codeTables: {},
  typeDefs: `
    "巡查点: a patrol point."
    type PatrolPoint implements RegisteredObject & Node @key(fields: "key") @classified(level: L1, department: "patrols") {
      id: ID!
      key: String!
      kind: String
      name: String
      address: StandardAddress
      records: [SourceRecord!]!
      patrolPoint: PatrolPointRecord
    }
    type PatrolPointRecord @classified(level: L1, department: "patrols") { checkedOn: String readAt: String! }`,
  tables: [
    {
      table: 'XC_D',
      entity: 'OBJECT',
      objectType: 'PatrolPoint',
      recordId: 'DBH',
      changedAt: 'GXSJ',
      key: { column: 'DBH', kind: 'SOURCE_ID' },
      address: { column: 'DZ' },
      facet: { field: 'patrolPoint', type: 'PatrolPointRecord', fields: { checkedOn: { column: 'JCRQ', format: 'yyyyMMdd' } } },
    },
  ],
};

const steward: Caller = { as: { roles: ['data-steward'], districts: ['320102'] }, purpose: null };
const room = generateDemoRegistry().addresses.find((a) => a.room !== '')!;
const roomText = `${room.district}${room.road}${room.road_number}号${room.building}栋${room.unit}单元${room.room}室`;
let source: SourceDatabase;
let t: TestServer;

beforeAll(async () => {
  source = await createTestSource(patrols);
  await sql`create table "XC_D" ("DBH" varchar(20), "DZ" varchar(200), "JCRQ" char(8), "GXSJ" varchar(19))`.execute(source.db);
  const rows: [string | null, string, string, string][] = [
    ['P1', roomText, '20250101', '2025-03-01 09:00:00'],
    ['P2', '月球路1号', '20250101', '2025-03-01 09:30:00'],
    ['P3', roomText, '20231345', '2025-03-01 10:00:00'],
    ['P4', roomText, '20250101', 'zzzz-99-99 99:99:99'],
    [null, roomText, '20250101', '2025-03-01 10:00:00'],
    ['P5', roomText, '20250101', '2025-03-01 08:00:00'],
    ['P5', roomText, '20250102', '2025-03-01 08:00:01'],
  ];
  for (const row of rows) await sql`insert into "XC_D" values (${row[0]}, ${row[1]}, ${row[2]}, ${row[3]})`.execute(source.db);
  t = await startTestServer({ connectors: [patrols], sources: [source] });
  await syncSource(t.hub.db, source, new AddressResolver(t.hub.db));
  // Written after the sync: the graph lags one hour behind the source.
  await sql`insert into "XC_D" values ('P6', ${roomText}, '20250101', '2025-03-01 11:00:00')`.execute(source.db);
});
afterAll(async () => {
  await t?.close();
  await source?.close();
});

const records = (kind: string, extra = '') =>
  t.query(`{ qualityRecords(source: "patrols", table: "XC_D", kind: ${kind}${extra}) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { recordId position changeValue reason rows field rawValue addressText addressStatus } } }`, {}, steward);

describe(`the steward's sync status and worklist (${testDatabaseKind})`, () => {
  it('syncStatus shows the last run, the watermark position and the lag behind the source', async () => {
    const { data, errors } = await t.query(`{ syncStatus(source: "patrols") {
      source table failuresSinceSuccess lagSeconds sourceNewestChange sourceError
      watermark { changeValue recordId } lastRun { mode outcome rowsRead rowsSkipped error } lastSuccess { outcome } } }`, {}, steward);
    expect(errors).toBeUndefined();
    expect(data.syncStatus).toEqual([{
      source: 'patrols',
      table: 'XC_D',
      failuresSinceSuccess: 0,
      watermark: { changeValue: '2025-03-01 10:00:00', recordId: 'P3' },
      sourceNewestChange: '2025-03-01 11:00:00',
      lagSeconds: 3600,
      sourceError: null,
      lastRun: { mode: 'FULL', outcome: 'SUCCEEDED', rowsRead: 6, rowsSkipped: 1, error: null },
      lastSuccess: { outcome: 'SUCCEEDED' },
    }]);
  });

  it('/readyz carries the same, without a token: each table\'s outcome, last success and lag', async () => {
    const response = await fetch(`${new URL(t.server.url).origin}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sync: { source: string; table: string; outcome: string; lastSuccessAt: string; failuresSinceSuccess: number; lagSeconds: number }[] };
    expect(body.sync).toEqual([
      { source: 'patrols', table: 'XC_D', outcome: 'SUCCEEDED', lastSuccessAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), failuresSinceSuccess: 0, lagSeconds: 3600 },
    ]);
  });

  it('dataQuality counts the garbage', async () => {
    const { data } = await t.query(`{ dataQuality(source: "patrols") { tables { badChangeValues invalidRecordIds duplicateRecordIds invalidDates { field count } addressesUnmatched } } }`, {}, steward);
    expect(data.dataQuality.tables).toEqual([{ badChangeValues: 1, invalidRecordIds: 1, duplicateRecordIds: 1, invalidDates: [{ field: 'checkedOn', count: 1 }], addressesUnmatched: 1 }]);
  });

  it('lists the records behind each count, with values masked as the steward sees them', async () => {
    const bad = await records('BAD_CHANGE_VALUE');
    expect(bad.data.qualityRecords).toMatchObject({ totalCount: 1, nodes: [{ recordId: 'P4', changeValue: 'zzzz-99-99 99:99:99' }] });
    const dates = await records('INVALID_DATE');
    // The raw text is L3 with the date mask: the steward sees its year only.
    expect(dates.data.qualityRecords.nodes).toEqual([expect.objectContaining({ recordId: 'P3', field: 'checkedOn', rawValue: '2023-**-**' })]);
    const noId = await records('INVALID_RECORD_ID');
    expect(noId.data.qualityRecords.nodes).toEqual([expect.objectContaining({ recordId: null, position: 1, changeValue: '2025-03-01 10:00:00', reason: 'no record id: DBH is null' })]);
    const shared = await records('DUPLICATE_RECORD_ID');
    expect(shared.data.qualityRecords.nodes).toEqual([expect.objectContaining({ recordId: 'P5', rows: 2 })]);
    const unmatched = await records('ADDRESS_UNMATCHED');
    expect(unmatched.errors).toBeUndefined();
    // The address text is L3 with the address mask: cut at its door for a text without a building.
    expect(unmatched.data.qualityRecords.nodes).toEqual([expect.objectContaining({ recordId: 'P2', addressText: '月球路1号', addressStatus: 'UNMATCHED' })]);
    expect(unmatched.data.qualityRecords.nodes[0].reason).toEqual(expect.any(String));
  });

  it('pages a list with the graph\'s cursors', async () => {
    await sql`update "XC_D" set "JCRQ" = '20259999' where "DBH" in ('P1', 'P2')`.execute(source.db);
    await syncSource(t.hub.db, source, new AddressResolver(t.hub.db), { full: true });
    const first = await records('INVALID_DATE', ', first: 2');
    expect(first.data.qualityRecords.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(['P1', 'P2']);
    expect(first.data.qualityRecords).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const rest = await records('INVALID_DATE', `, first: 2, after: "${first.data.qualityRecords.pageInfo.endCursor}"`);
    expect(rest.data.qualityRecords.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(['P3']);
    expect(rest.data.qualityRecords.pageInfo.hasNextPage).toBe(false);
  });

  it('is denied to the auditor', async () => {
    const { data, errors } = await t.query('{ syncStatus { table } }', {}, { as: { roles: ['auditor'] }, purpose: null });
    expect(data?.syncStatus ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
