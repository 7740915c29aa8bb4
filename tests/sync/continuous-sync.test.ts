import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector } from '../../src/connectors/connector.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { startContinuousSync } from '../../src/sync/continuous-sync.js';
import { openTableLocks } from '../../src/sync/table-lock.js';
import { createTestHub, createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';

/** A source of two tables with timestamp change columns, kept current by continuous sync. */
const meters: Connector = {
  name: 'meters',
  department: '水务',
  urlVariable: 'GRIDGRAPH_SOURCE_METERS_URL',
  codeTables: {},
  typeDefs: `
    "水表: a water meter."
    type WaterMeter implements RegisteredObject & Node @key(fields: "key") @classified(level: L1, department: "meters") {
      id: ID!
      key: String!
      kind: String
      name: String
      address: StandardAddress
      records: [SourceRecord!]!
      waterMeter: WaterMeterRecord
    }
    type WaterMeterRecord @classified(level: L1, department: "meters") { model: String readAt: String! }`,
  tables: ['SB_A', 'SB_B'].map((table) => ({
    table,
    entity: 'OBJECT' as const,
    objectType: 'WaterMeter',
    recordId: 'ID',
    changedAt: 'UPDATED',
    key: { column: 'ID', kind: 'SOURCE_ID' as const },
    facet: { field: 'waterMeter', type: 'WaterMeter', fields: { model: { column: 'MODEL' } } },
  })),
};

let hub: TestHub;
let source: SourceDatabase;
const ROWS = 3_000;

beforeAll(async () => {
  hub = await createTestHub();
  source = await createTestSource(meters);
  for (const table of ['SB_A', 'SB_B']) {
    await sql`create table ${sql.table(table)} ("ID" integer primary key, "MODEL" varchar(20), "UPDATED" timestamp)`.execute(source.db);
    await sql`insert into ${sql.table(table)} select i, 'model', timestamp '2026-01-01 08:00:00' + i * interval '1 second' from generate_series(1, ${ROWS}) as i`.execute(source.db);
  }
});
afterAll(async () => {
  await source?.close();
  await hub?.close();
});

const count = async (table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from crosswalk where source = 'meters' and source_table = ${table} and not deleted`.execute(hub.db)).rows[0].n);

async function until(condition: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`continuous sync (${testDatabaseKind})`, () => {
  it('keeps the hub current by itself: a row inserted in the source reaches the crosswalk', async () => {
    const sync = startContinuousSync(hub.db, [source], new AddressResolver(hub.db), { intervalSeconds: 1, databaseUrl: hub.url, chunkSize: 500 });
    try {
      await until(async () => (await count('SB_A')) === ROWS && (await count('SB_B')) === ROWS, 120_000);
      const inserted = Date.now();
      await sql`insert into "SB_A" values (${ROWS + 1}, 'new', timestamp '2026-02-01 08:00:00')`.execute(source.db);
      await until(async () => (await count('SB_A')) === ROWS + 1, 60_000);
      console.log(`continuous sync (${testDatabaseKind}, interval 1 s): source insert → crosswalk in ${Date.now() - inserted} ms`);
    } finally {
      await sync.stop();
    }
  });

  it('never runs two syncs of one table at once, even with two continuous syncs on one hub', async () => {
    await sql`delete from sync_run`.execute(hub.db);
    await sql`update "SB_A" set "UPDATED" = "UPDATED" + interval '1 day'`.execute(source.db);
    await sql`update "SB_B" set "UPDATED" = "UPDATED" + interval '1 day'`.execute(source.db);
    const options = { intervalSeconds: 1, databaseUrl: hub.url, chunkSize: 200 };
    const first = startContinuousSync(hub.db, [source], new AddressResolver(hub.db), options);
    const second = startContinuousSync(hub.db, [source], new AddressResolver(hub.db), options);
    try {
      await until(async () => {
        const { rows } = await sql<{ n: string }>`select count(*) as n from sync_run where finished_at is not null and error is null`.execute(hub.db);
        return Number(rows[0].n) >= 6;
      }, 120_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const { rows } = await sql<{ overlaps: string }>`
      select count(*) as overlaps from sync_run a join sync_run b
        on a.source_table = b.source_table and a.id < b.id and b.started_at < a.finished_at`.execute(hub.db);
    expect(Number(rows[0].overlaps)).toBe(0);
  });

  it('stops between two steps and runs nothing after stop() resolves', async () => {
    await sql`update "SB_A" set "UPDATED" = "UPDATED" + interval '1 day'`.execute(source.db);
    const sync = startContinuousSync(hub.db, [source], new AddressResolver(hub.db), { intervalSeconds: 1, databaseUrl: hub.url, chunkSize: 50 });
    await until(async () => (await sql<{ n: string }>`select count(*) as n from sync_run where finished_at is null`.execute(hub.db)).rows[0].n !== '0', 60_000);
    await sync.stop();
    const { rows: open } = await sql<{ n: string }>`select count(*) as n from sync_run where finished_at is null`.execute(hub.db);
    expect(Number(open[0].n)).toBe(0);
    const { rows: [last] } = await sql<{ error: string | null }>`select error from sync_run order by id desc limit 1`.execute(hub.db);
    expect(last.error === null || last.error === 'stopped: the hub is shutting down').toBe(true);
    const runs = (await sql<{ n: string }>`select count(*) as n from sync_run`.execute(hub.db)).rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await sql<{ n: string }>`select count(*) as n from sync_run`.execute(hub.db)).rows[0].n).toBe(runs);
  });

  it('leaves a table whose lock another session holds to that session', async () => {
    const locks = openTableLocks(hub.url);
    let release = () => {};
    let holder: pg.Client | undefined;
    if (hub.url !== undefined) {
      // Another hub process: a session of its own holding the table's advisory lock.
      holder = new pg.Client({ connectionString: hub.url });
      await holder.connect();
      await holder.query(`select pg_advisory_lock(${0x67726964}, hashtext('meters.SB_A'))`);
      release = () => void holder!.end();
      await new Promise((resolve) => setTimeout(resolve, 0));
    } else {
      // The embedded default: another sync of this process holds it.
      const held = openTableLocks(undefined).withLock('meters', 'SB_A', () => new Promise<void>((resolve) => (release = resolve)));
      void held;
    }
    try {
      expect(await locks.withLock('meters', 'SB_A', async () => 'synced')).toEqual({ ran: false });
      expect(await locks.withLock('meters', 'SB_B', async () => 'synced')).toEqual({ ran: true, value: 'synced' });
    } finally {
      release();
      await locks.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = openTableLocks(hub.url);
    try {
      expect(await after.withLock('meters', 'SB_A', async () => 'synced')).toEqual({ ran: true, value: 'synced' });
    } finally {
      await after.close();
    }
  });
});
