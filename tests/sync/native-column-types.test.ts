import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector } from '../../src/connectors/connector.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { createTestHub, createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';

/**
 * A source whose record id is an integer and whose change column a timestamp,
 * empty on some rows: the sync pages through it in the columns' own order
 * (where 9 < 10, unlike their texts), so no row is skipped or read twice across
 * chunks, and the rows without a change time are read too.
 */
const permits: Connector = {
  name: 'permits',
  department: '住建',
  urlVariable: 'GRIDGRAPH_SOURCE_PERMITS_URL',
  codeTables: {},
  typeDefs: `
    "施工许可: a building permit."
    type BuildingPermit implements RegisteredObject & Node @key(fields: "key") @classified(level: L1, department: "permits") {
      id: ID!
      key: String!
      kind: String
      name: String
      address: StandardAddress
      records: [SourceRecord!]!
      buildingPermit: BuildingPermitRecord
    }
    type BuildingPermitRecord @classified(level: L1, department: "permits") { holder: String readAt: String! }`,
  tables: [
    {
      table: 'SG_XK',
      entity: 'OBJECT',
      objectType: 'BuildingPermit',
      recordId: 'ID',
      changedAt: 'UPDATED',
      key: { column: 'ID', kind: 'SOURCE_ID' },
      facet: { field: 'buildingPermit', type: 'BuildingPermit', fields: { holder: { column: 'HOLDER' } } },
    },
  ],
};

const ROWS = 25;
/** Rows with no change time: more than a chunk of them. */
const UNDATED = 6;
let hub: TestHub;
let source: SourceDatabase;

beforeAll(async () => {
  hub = await createTestHub();
  source = await createTestSource(permits);
  await sql`create table "SG_XK" ("ID" integer primary key, "HOLDER" varchar(50), "UPDATED" timestamp)`.execute(source.db);
  await sql`create index on "SG_XK" ("UPDATED", "ID")`.execute(source.db);
  // Every row changed at the same moment: the chunks are told apart by id alone.
  await sql`insert into "SG_XK" select i, 'holder ' || i, timestamp '2026-01-01 08:00:00' from generate_series(1, ${ROWS}) as i`.execute(source.db);
  await sql`update "SG_XK" set "UPDATED" = null where "ID" > ${ROWS - UNDATED}`.execute(source.db);
});
afterAll(async () => {
  await source?.close();
  await hub?.close();
});

const syncedIds = async () =>
  (await hub.db.selectFrom('crosswalk').select('record_id').where('source', '=', 'permits').execute()).map((row) => Number(row.record_id)).sort((a, b) => a - b);

describe(`a source with integer ids and a timestamp change column (${testDatabaseKind})`, () => {
  it('reads every row once across chunks, in the columns’ own order', async () => {
    const seen: number[] = [];
    const [result] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 4, onProgress: (p) => p.phase === 'scan' && seen.push(p.rows) });
    expect(result).toMatchObject({ mode: 'FULL', scanned: ROWS, deleted: 0 });
    expect(await syncedIds()).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(seen).toEqual([4, 8, 12, 16, 19, 23, 25]);
  });

  it('then reads the rows changed after the watermark, compared as timestamps, and those without a change time', async () => {
    await sql`update "SG_XK" set "UPDATED" = timestamp '2026-01-01 09:00:00', "HOLDER" = 'new holder' where "ID" in (9, 10)`.execute(source.db);
    const [result] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 4 });
    expect(result).toMatchObject({ mode: 'INCREMENTAL', scanned: 2 + UNDATED, deleted: 0 });
    const [again] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 4 });
    expect(again).toMatchObject({ mode: 'INCREMENTAL', scanned: UNDATED });
  });

  it('finds a deleted row among integer ids', async () => {
    await sql`delete from "SG_XK" where "ID" = 10`.execute(source.db);
    const [result] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 4 });
    expect(result).toMatchObject({ mode: 'INCREMENTAL', deleted: 1 });
    const live = await hub.db.selectFrom('crosswalk').select('record_id').where('source', '=', 'permits').where('deleted', '=', false).execute();
    expect(live.map((row) => row.record_id)).not.toContain('10');
    expect(live).toHaveLength(ROWS - 1);
  });
});

describe(`deletions at scale (${testDatabaseKind})`, () => {
  it('marks more records deleted in one sync than a statement can carry parameters (65,535)', async () => {
    const many = 70_000;
    await sql`insert into "SG_XK" select i, 'holder ' || i, timestamp '2026-02-01 08:00:00' from generate_series(1001, ${1000 + many}) as i`.execute(source.db);
    const [added] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 10_000 });
    expect(added).toMatchObject({ scanned: many + UNDATED, deleted: 0 });
    await sql`delete from "SG_XK" where "ID" > 1000`.execute(source.db);
    const [gone] = await syncSource(hub.db, source, new AddressResolver(hub.db), { chunkSize: 10_000 });
    expect(gone).toMatchObject({ scanned: UNDATED, deleted: many });
    const live = await hub.db.selectFrom('crosswalk').select((eb) => eb.fn.countAll<string>().as('count')).where('source', '=', 'permits').where('deleted', '=', false).executeTakeFirstOrThrow();
    expect(Number(live.count)).toBe(ROWS - 1);
  });
});
