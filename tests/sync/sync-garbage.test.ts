import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector } from '../../src/connectors/connector.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { readQuality } from '../../src/crosswalk/quality-queries.js';
import { openSourceDatabase } from '../../src/sources/source-database.js';
import { syncSource, syncSources } from '../../src/sync/sync-source.js';
import { createTestHub, createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';

/**
 * A source the way real ones break (issue 16): no primary key, so ids can be
 * missing or shared; a text change column that garbage can land in; a text
 * date column that holds impossible dates. One table, mapped from data alone.
 */
const visits: Connector = {
  name: 'visits',
  department: '卫健',
  urlVariable: 'GRIDGRAPH_SOURCE_VISITS_URL',
  codeTables: {},
  typeDefs: `
    "入户走访: a home visit."
    type HomeVisit implements RegisteredObject & Node @key(fields: "key") @classified(level: L1, department: "visits") {
      id: ID!
      key: String!
      kind: String
      name: String
      address: StandardAddress
      records: [SourceRecord!]!
      homeVisit: HomeVisitRecord
    }
    type HomeVisitRecord @classified(level: L1, department: "visits") { visitor: String visitedOn: String visitedAt: String readAt: String! }`,
  tables: [
    {
      table: 'ZF_JL',
      entity: 'OBJECT',
      objectType: 'HomeVisit',
      recordId: 'JLBH',
      changedAt: 'GXSJ',
      key: { column: 'JLBH', kind: 'SOURCE_ID' },
      facet: {
        field: 'homeVisit',
        type: 'HomeVisit',
        fields: { visitor: { column: 'ZFR' }, visitedOn: { column: 'ZFRQ', format: 'yyyyMMdd' }, visitedAt: { column: 'ZFSJ', format: 'yyyy-MM-dd HH:mm:ss' } },
      },
    },
  ],
};

let hub: TestHub;
let source: SourceDatabase;
const resolver = () => new AddressResolver(hub.db);

beforeAll(async () => {
  hub = await createTestHub();
  source = await createTestSource(visits);
  await sql`create table "ZF_JL" ("JLBH" varchar(20), "ZFR" varchar(20), "ZFRQ" char(8), "ZFSJ" varchar(19), "GXSJ" varchar(19))`.execute(source.db);
  await sql`create index on "ZF_JL" ("GXSJ", "JLBH")`.execute(source.db);
});
afterAll(async () => {
  await source?.close();
  await hub?.close();
});
beforeEach(async () => {
  await sql`truncate "ZF_JL"`.execute(source.db);
  for (const table of ['crosswalk', 'sync_watermark', 'sync_table_issue']) await sql`delete from ${sql.table(table)}`.execute(hub.db);
});

const insert = (id: string | null, changed: string, extra: { visitor?: string; on?: string; at?: string } = {}) =>
  sql`insert into "ZF_JL" values (${id}, ${extra.visitor ?? 'visitor'}, ${extra.on ?? '20250101'}, ${extra.at ?? '2025-01-01 09:00:00'}, ${changed})`.execute(source.db);
const synced = async () =>
  (await hub.db.selectFrom('crosswalk').select('record_id').where('source', '=', 'visits').where('deleted', '=', false).orderBy('record_id').execute()).map((r) => r.record_id);
const watermark = () => hub.db.selectFrom('sync_watermark').select(['watermark', 'record_id']).where('source', '=', 'visits').executeTakeFirst();
const issues = (kind: string) =>
  hub.db.selectFrom('sync_table_issue').select(['position', 'record_id', 'change_value', 'rows', 'reason']).where('kind', '=', kind as never).orderBy('position').execute();

describe(`rows sharing a change value (${testDatabaseKind})`, () => {
  it('an interrupted sync across chunk boundaries on one change value, resumed, ends with all of them', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `V${String(i + 1).padStart(2, '0')}`);
    for (const id of ids) await insert(id, '2025-03-01 10:00:00');
    let chunks = 0;
    const interrupted = syncSource(hub.db, source, resolver(), {
      chunkSize: 3,
      onProgress: (p) => {
        if (p.phase === 'scan' && ++chunks === 1) throw new Error('power cut');
      },
    });
    await expect(interrupted).rejects.toThrow('power cut');
    // The first chunk was written with its position: (value, last id of the chunk).
    expect(await synced()).toEqual(ids.slice(0, 3));
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'V03' });

    const [resumed] = await syncSource(hub.db, source, resolver(), { chunkSize: 3 });
    expect(resumed).toMatchObject({ mode: 'INCREMENTAL', scanned: 7, rechecked: 3 });
    expect(await synced()).toEqual(ids);
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'V10' });
  });

  it('picks up rows written later in the same second as the watermark, with a greater and with a smaller id', async () => {
    for (const id of ['V02', 'V04', 'V06']) await insert(id, '2025-03-01 10:00:00');
    await syncSource(hub.db, source, resolver(), { chunkSize: 2 });
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'V06' });

    await insert('V07', '2025-03-01 10:00:00');
    await insert('V01', '2025-03-01 10:00:00');
    const [later] = await syncSource(hub.db, source, resolver(), { chunkSize: 2 });
    expect(later).toMatchObject({ mode: 'INCREMENTAL', scanned: 1, rechecked: 4 });
    expect(await synced()).toEqual(['V01', 'V02', 'V04', 'V06', 'V07']);
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'V07' });
  });
});

describe(`garbage in a source table (${testDatabaseKind})`, () => {
  it('a change value that is not a time, or lies in the future, is synced and listed but never becomes the watermark', async () => {
    await insert('G1', '2025-03-01 10:00:00');
    await insert('G2', 'zzzz-99-99 99:99:99');
    await insert('G3', '2999-01-01 00:00:00');
    await insert('G4', '2025-02-30 10:00:00');
    const [first] = await syncSource(hub.db, source, resolver());
    expect(first).toMatchObject({ mode: 'FULL', scanned: 4, badChangeValues: 3 });
    expect(await synced()).toEqual(['G1', 'G2', 'G3', 'G4']);
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'G1' });
    const problems = await hub.db.selectFrom('crosswalk').select(['record_id', 'problems']).where('problems', 'is not', null).orderBy('record_id').execute();
    expect(problems).toEqual([
      { record_id: 'G2', problems: { changeValue: 'zzzz-99-99 99:99:99' } },
      { record_id: 'G3', problems: { changeValue: '2999-01-01 00:00:00' } },
      { record_id: 'G4', problems: { changeValue: '2025-02-30 10:00:00' } },
    ]);

    // A real change after the garbage is read by the next incremental sync.
    await insert('G5', '2025-03-02 08:00:00');
    const [next] = await syncSource(hub.db, source, resolver());
    expect(next.mode).toBe('INCREMENTAL');
    expect(await synced()).toContain('G5');
    expect(await watermark()).toEqual({ watermark: '2025-03-02 08:00:00', record_id: 'G5' });
    expect((await readQuality(hub.db, 'visits'))[0]).toMatchObject({ records: 5, badChangeValues: 3 });
  });

  it('a watermark poisoned before change values were checked is dropped and the table read whole', async () => {
    await insert('P1', '2025-03-01 10:00:00');
    await hub.db.insertInto('sync_watermark').values({ source: 'visits', source_table: 'ZF_JL', watermark: 'zzzz-99-99 99:99:99', record_id: null }).execute();
    const [result] = await syncSource(hub.db, source, resolver());
    expect(result).toMatchObject({ mode: 'FULL', scanned: 1 });
    expect(await watermark()).toEqual({ watermark: '2025-03-01 10:00:00', record_id: 'P1' });
  });

  it('rows without a record id are skipped, counted and listed; the rest of the table syncs', async () => {
    await insert('K1', '2025-03-01 10:00:00');
    await insert(null, '2025-03-01 10:00:01');
    await insert('  ', '2025-03-01 10:00:02');
    await insert('K2', '2025-03-01 10:00:03');
    const [result] = await syncSource(hub.db, source, resolver(), { chunkSize: 1 });
    expect(result).toMatchObject({ scanned: 2, skipped: 2 });
    expect(await synced()).toEqual(['K1', 'K2']);
    expect(await issues('INVALID_RECORD_ID')).toEqual([
      { position: 1, record_id: null, change_value: '2025-03-01 10:00:01', rows: 1, reason: 'no record id: JLBH is null' },
      { position: 2, record_id: null, change_value: '2025-03-01 10:00:02', rows: 1, reason: 'no record id: JLBH is blank' },
    ]);
    const run = await hub.db.selectFrom('sync_run').select(['source_table', 'rows_skipped', 'error']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(run).toEqual({ source_table: 'ZF_JL', rows_skipped: 2, error: null });

    // Fixed in the source: the list empties on the next sync.
    await sql`update "ZF_JL" set "JLBH" = 'K3' where "JLBH" is null`.execute(source.db);
    await sql`delete from "ZF_JL" where btrim("JLBH") = ''`.execute(source.db);
    await syncSource(hub.db, source, resolver(), { full: true });
    expect(await issues('INVALID_RECORD_ID')).toEqual([]);
    expect(await synced()).toEqual(['K1', 'K2', 'K3']);
  });

  it('rows sharing a record id are reported and the one changed latest wins, whatever order they are stored in', async () => {
    // Stored newest first: the physical order must not decide.
    await insert('D1', '2025-03-01 10:00:05', { visitor: 'newer' });
    await insert('D1', '2025-03-01 10:00:00', { visitor: 'older' });
    await insert('D2', '2025-03-01 10:00:00', { visitor: 'bbb' });
    await insert('D2', '2025-03-01 10:00:00', { visitor: 'aaa' });
    await insert('D3', '2025-03-01 10:00:00');
    const [result] = await syncSource(hub.db, source, resolver(), { chunkSize: 1 });
    expect(result).toMatchObject({ duplicates: 2 });
    expect(await issues('DUPLICATE_RECORD_ID')).toEqual([
      { position: 1, record_id: 'D1', change_value: null, rows: 2, reason: '2 rows share this record id: the one changed latest is synced (among rows changed at once, the last by its row text)' },
      { position: 2, record_id: 'D2', change_value: null, rows: 2, reason: '2 rows share this record id: the one changed latest is synced (among rows changed at once, the last by its row text)' },
    ]);
    const d1 = await hub.db.selectFrom('crosswalk').select('changed_at').where('record_id', '=', 'D1').executeTakeFirstOrThrow();
    expect(d1.changed_at).toBe('2025-03-01 10:00:05');
    expect((await readQuality(hub.db, 'visits'))[0]).toMatchObject({ records: 3, duplicateRecordIds: 2 });
    // The same choice again on a full resync, chunk size or not.
    const [again] = await syncSource(hub.db, source, resolver(), { full: true });
    expect(again.duplicates).toBe(2);
    expect((await hub.db.selectFrom('crosswalk').select('changed_at').where('record_id', '=', 'D1').executeTakeFirstOrThrow()).changed_at).toBe('2025-03-01 10:00:05');
  });

  it('dates that are not dates are kept with their raw text for the steward and counted per field', async () => {
    await insert('T1', '2025-03-01 10:00:00', { on: '20231345', at: '2024-13-45 25:61:61' });
    await insert('T2', '2025-03-01 10:00:00', { on: '20240229' });
    await insert('T3', '2025-03-01 10:00:00', { on: '20230229' });
    await syncSource(hub.db, source, resolver());
    const problems = await hub.db.selectFrom('crosswalk').select(['record_id', 'problems']).where('problems', 'is not', null).orderBy('record_id').execute();
    expect(problems).toEqual([
      { record_id: 'T1', problems: { invalidDates: { visitedOn: '20231345', visitedAt: '2024-13-45 25:61:61' } } },
      { record_id: 'T3', problems: { invalidDates: { visitedOn: '20230229' } } },
    ]);
    expect((await readQuality(hub.db, 'visits'))[0].invalidDates).toEqual([{ field: 'visitedOn', count: 2 }, { field: 'visitedAt', count: 1 }]);
  });
});

describe(`a source down during a sync (${testDatabaseKind})`, () => {
  it('names the source and the tables it skipped, syncs the others, and records the failure', async () => {
    const down: Connector = { ...visits, name: 'down', urlVariable: 'GRIDGRAPH_SOURCE_DOWN_URL', tables: [visits.tables[0], { ...visits.tables[0], table: 'ZF_JL2' }] };
    // Port 1: nothing listens there, so the connection is refused.
    const unreachable = await openSourceDatabase(down, { dataDir: '' }, { GRIDGRAPH_SOURCE_DOWN_URL: 'postgres://postgres@127.0.0.1:1/down' });
    await insert('S1', '2025-03-01 10:00:00');
    try {
      const report = await syncSources(hub.db, [unreachable, source], resolver(), { parallel: 1 });
      expect(report.failures).toEqual([{ source: 'down', table: 'ZF_JL', message: 'source unreachable (ECONNREFUSED)', skippedTables: ['ZF_JL2'] }]);
      expect(report.results).toEqual([[], [expect.objectContaining({ source: 'visits', table: 'ZF_JL', scanned: 1 })]]);
      expect(await synced()).toEqual(['S1']);
      const runs = await hub.db.selectFrom('sync_run').select(['source_table', 'error']).where('source', '=', 'down').orderBy('id').execute();
      expect(runs.slice(-2)).toEqual([
        { source_table: 'ZF_JL', error: 'source unreachable (ECONNREFUSED)' },
        { source_table: 'ZF_JL2', error: 'skipped: the sync of ZF_JL failed first (source unreachable (ECONNREFUSED))' },
      ]);
    } finally {
      await unreachable.close();
    }
  });
});
