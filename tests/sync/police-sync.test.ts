import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { police } from '../../connectors/police/index.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { DemoReport } from '../../src/connectors/connector.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { readQuality } from '../../src/crosswalk/quality-queries.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
let source: SourceDatabase;
let report: DemoReport;
let resolver: AddressResolver;

beforeAll(async () => {
  // The demo registry and police generated at 0.3, not synced (see demo-world.ts).
  const demo = await openDemoDatabases({ connectors: [police], scale: 0.3 });
  ({ hub, sources: [source] } = demo);
  report = demo.reports.get('police')!;
  resolver = new AddressResolver(hub.db);
});
afterAll(async () => {
  await source?.close();
  await hub?.close();
});

const crosswalk = (recordId: string) =>
  hub.db.selectFrom('crosswalk').selectAll().where('source', '=', 'police').where('record_id', '=', recordId).executeTakeFirst();

describe(`police source sync (${testDatabaseKind})`, () => {
  it('a first sync scans every row and the quality report shows exactly the defects the generator made', async () => {
    const [result] = await syncSource(hub.db, source, resolver);
    const rows = report.rows.T_RK_RKXX;
    const defects = report.defects.T_RK_RKXX;
    expect(result).toMatchObject({ source: 'police', table: 'T_RK_RKXX', mode: 'FULL', scanned: rows });
    expect(defects.checkDigit + defects.fifteenDigit + defects.unresolvableAddress).toBeGreaterThan(0);

    const quality = (await readQuality(hub.db, 'police')).find((q) => q.table === 'T_RK_RKXX');
    const live = rows - report.deleted.T_RK_RKXX;
    expect(quality).toMatchObject({
      records: live,
      deleted: report.deleted.T_RK_RKXX,
      keysInvalid: defects.checkDigit + defects.fifteenDigit,
      unmatched: defects.unresolvableAddress,
      matched: live - defects.unresolvableAddress,
      partial: 0,
      ambiguous: 0,
      noAddress: 0,
    });
    expect(quality!.keyProblems.map((p) => [p.problem, p.count]).sort()).toEqual(
      [['fails the check digit', defects.checkDigit], ['is a 15-digit (first-generation) ID number; 18 characters are required', defects.fifteenDigit]]
        .filter(([, count]) => count !== 0).sort(),
    );
  });

  it('leaves the planner knowing how big the crosswalk has grown', async () => {
    const { rows } = await sql<{ planned: number; actual: number }>`
      select (select reltuples::float8 from pg_class where relname = 'crosswalk') as planned, (select count(*)::float8 from crosswalk) as actual`.execute(hub.db);
    expect(rows[0].actual).toBeGreaterThan(1000);
    expect(rows[0].planned).toBe(rows[0].actual);
  });

  it('reads a lower-case x as X in the crosswalk key', async () => {
    const { rows } = await sql<{ RYBH: string; GMSFHM: string }>`select "RYBH", "GMSFHM" from "T_RK_RKXX" where "GMSFHM" like '%x' and "ZXBZ" = '0' limit 1`.execute(source.db);
    expect(rows).toHaveLength(1);
    expect((await crosswalk(rows[0].RYBH))?.entity_key).toBe(rows[0].GMSFHM.toUpperCase());
  });

  it('a second sync with nothing new reads nothing and changes nothing', async () => {
    const before = await sql<{ latest: Date }>`select max(synced_at) as latest from crosswalk`.execute(hub.db);
    const [result] = await syncSource(hub.db, source, resolver);
    expect(result).toMatchObject({ mode: 'INCREMENTAL', scanned: 0, deleted: 0 });
    const after = await sql<{ latest: Date }>`select max(synced_at) as latest from crosswalk`.execute(hub.db);
    expect(after.rows[0].latest).toEqual(before.rows[0].latest);
  });

  it('an incremental sync picks up an inserted, an updated and a deleted row', async () => {
    const { rows: [updated, deleted] } = await sql<{ RYBH: string }>`
      select "RYBH" from "T_RK_RKXX" where "ZXBZ" = '0' and "GMSFHM" ~ '^[0-9]{17}[0-9X]$' order by "RYBH" limit 2`.execute(source.db);
    const newRoom = await hub.db.selectFrom('standard_address').selectAll().where('level', '=', 'ROOM').orderBy('code', 'desc').executeTakeFirstOrThrow();
    await sql`insert into "T_RK_RKXX" ("RYBH", "GMSFHM", "XM", "JZDZ", "GXSJ") values ('NEW-1', '11010519491231002x', '新居民', ${newRoom.full_text}, '2030-01-01 00:00:00')`.execute(source.db);
    await sql`update "T_RK_RKXX" set "JZDZ" = ${newRoom.full_text}, "GXSJ" = '2030-01-01 00:00:01' where "RYBH" = ${updated.RYBH}`.execute(source.db);
    await sql`delete from "T_RK_RKXX" where "RYBH" = ${deleted.RYBH}`.execute(source.db);

    const [result] = await syncSource(hub.db, source, resolver);
    expect(result).toMatchObject({ mode: 'INCREMENTAL', scanned: 2, deleted: 1 });
    expect(await crosswalk('NEW-1')).toMatchObject({ entity_key: '11010519491231002X', address_code: newRoom.code, address_status: 'MATCHED', deleted: false });
    expect(await crosswalk(updated.RYBH)).toMatchObject({ address_code: newRoom.code, deleted: false });
    expect(await crosswalk(deleted.RYBH)).toMatchObject({ deleted: true });
  });

  it('an interrupted sync, run again, continues where it stopped and loses nothing', async () => {
    const fresh = await createTestSource(police);
    try {
      await generateDemoSources(hub.db, [fresh], { scale: 0.1, seed: 77 });
      await sql`delete from crosswalk where source = 'police'`.execute(hub.db);
      await sql`delete from sync_watermark where source = 'police'`.execute(hub.db);
      let chunks = 0;
      const interrupted = syncSource(hub.db, fresh, resolver, {
        chunkSize: 100,
        onProgress: (p) => {
          if (p.phase === 'scan' && ++chunks === 3) throw new Error('power cut');
        },
      });
      await expect(interrupted).rejects.toThrow('power cut');
      const partial = await sql<{ n: string }>`select count(*) as n from crosswalk where source = 'police' and source_table = 'T_RK_RKXX'`.execute(hub.db);
      expect(Number(partial.rows[0].n)).toBe(300);

      const [resumed] = await syncSource(hub.db, fresh, resolver, { chunkSize: 100 });
      const total = await sql<{ n: string }>`select count(*) as n from "T_RK_RKXX"`.execute(fresh.db);
      expect(resumed.mode).toBe('INCREMENTAL');
      expect(resumed.scanned).toBe(Number(total.rows[0].n) - 300);
      const synced = await sql<{ n: string }>`select count(*) as n from crosswalk where source = 'police' and source_table = 'T_RK_RKXX'`.execute(hub.db);
      expect(Number(synced.rows[0].n)).toBe(Number(total.rows[0].n));
      const runs = await hub.db.selectFrom('sync_run').select(['error']).where('source', '=', 'police').orderBy('id').execute();
      const tables = police.tables.length + (police.linkTables?.length ?? 0);
      expect(runs.at(-tables - 1)?.error).toBe('internal error');
      expect(runs.slice(-tables).map((run) => run.error)).toEqual(Array(tables).fill(null));
    } finally {
      await fresh.close();
    }
  });
});
