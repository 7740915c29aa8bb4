import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateDemoRegistry, type DemoRegistry, demoRowSources } from '../../src/demo/demo-registry.js';
import { QINHUAI, XUANWU } from '../../src/demo/districts.js';
import { countAddressesByLevel } from '../../src/registry/address-repository.js';
import { csvRowSource } from '../../src/registry/csv-source.js';
import { RegistryImportError } from '../../src/registry/registry-import-error.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import { ADDRESS_COLUMNS, GRID_COLUMNS } from '../../src/registry/registry-records.js';
import { tempDir, writeCsv } from '../support/csv-files.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
const dir = tempDir();
const demo = generateDemoRegistry();

beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});
beforeEach(async () => {
  await sql`truncate crosswalk, standard_address, grid, region`.execute(hub.db);
});

function files(registry: DemoRegistry, columns?: { grids?: string[]; addresses?: string[] }) {
  return {
    grids: csvRowSource(writeCsv(dir, 'grids.csv', registry.grids, columns?.grids ?? [...GRID_COLUMNS]), ['grid_code']),
    addresses: csvRowSource(writeCsv(dir, 'addresses.csv', registry.addresses, columns?.addresses ?? [...ADDRESS_COLUMNS]), ['address_code']),
  };
}

async function rejection(promise: Promise<unknown>): Promise<RegistryImportError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryImportError);
  return error as RegistryImportError;
}

/** A digest of the whole registry, to show a rejected import changed nothing. */
async function snapshot() {
  const { rows } = await sql<{ digest: string }>`
    select md5(coalesce(string_agg(a::text, '|' order by a.code), '')) ||
           (select md5(coalesce(string_agg(g::text, '|' order by g.code), '')) from grid g) as digest
    from standard_address a`.execute(hub.db);
  return rows[0].digest;
}

describe(`registry import (${testDatabaseKind})`, () => {
  it('imports good files: every address with its level, parent, grid, plate and full text', async () => {
    const summary = await importRegistry(hub.db, files(demo));
    expect(summary.addresses).toEqual({ rows: demo.addresses.length, inserted: demo.addresses.length, updated: 0, unchanged: 0 });
    expect(summary.grids.inserted).toBe(demo.grids.length);
    const levels = await countAddressesByLevel(hub.db);
    expect(levels.DOOR + levels.BUILDING + levels.ROOM).toBe(demo.addresses.length);

    const room = demo.addresses.find((a) => a.room !== '')!;
    const row = await hub.db.selectFrom('standard_address').selectAll().where('code', '=', room.address_code).executeTakeFirstOrThrow();
    const building = await hub.db.selectFrom('standard_address').selectAll().where('code', '=', row.parent_code!).executeTakeFirstOrThrow();
    const door = await hub.db.selectFrom('standard_address').selectAll().where('code', '=', building.parent_code!).executeTakeFirstOrThrow();
    expect([row.level, building.level, door.level]).toEqual(['ROOM', 'BUILDING', 'DOOR']);
    expect([building.building, door.road, door.road_number]).toEqual([room.building, room.road, room.road_number]);
    expect(door.parent_code).toBeNull();
    expect(row.full_text).toBe(`${room.province}${room.city}${room.district}${room.street}${room.community}${room.road}${room.road_number}号${room.compound}${room.building}栋${room.unit}单元${room.room}室`);
    const regions = await hub.db.selectFrom('region').select(['code', 'level']).where('code', 'in', ['320000', '320100', '320102', room.division_code.slice(0, 9), room.division_code]).execute();
    expect(regions.map((r) => r.level).sort()).toEqual(['CITY', 'COMMUNITY', 'DISTRICT', 'PROVINCE', 'STREET']);
  });

  it('tells the planner how big the registry now is, so look-ups stay on their indexes', async () => {
    const reltuples = sql<{ n: number }>`select reltuples::float8 as n from pg_class where relname = 'standard_address'`;
    expect((await reltuples.execute(hub.db)).rows[0].n).toBeLessThan(demo.addresses.length / 2);
    await importRegistry(hub.db, files(demo));
    expect((await reltuples.execute(hub.db)).rows[0].n).toBe(demo.addresses.length);
  });

  it('is idempotent: the same files again change nothing, not even updated_at', async () => {
    await importRegistry(hub.db, files(demo));
    const before = await snapshot();
    const stamps = await hub.db.selectFrom('standard_address').select((eb) => eb.fn.max('updated_at').as('latest')).executeTakeFirstOrThrow();
    const again = await importRegistry(hub.db, files(demo));
    expect(again.addresses).toMatchObject({ inserted: 0, updated: 0, unchanged: demo.addresses.length });
    expect(again.grids).toMatchObject({ inserted: 0, updated: 0, unchanged: demo.grids.length });
    expect(await snapshot()).toBe(before);
    const after = await hub.db.selectFrom('standard_address').select((eb) => eb.fn.max('updated_at').as('latest')).executeTakeFirstOrThrow();
    expect(after.latest).toEqual(stamps.latest);
  });

  it('upserts by code: a changed row is updated, a new one inserted, the rest untouched', async () => {
    await importRegistry(hub.db, files(demo));
    const changed = structuredClone(demo);
    changed.addresses[0].longitude = '118.700001';
    changed.addresses.push({ ...demo.addresses[0], address_code: 'NEW-DOOR-1', road_number: '999', door_plate_code: 'NEW-PLATE-1' });
    const summary = await importRegistry(hub.db, files(changed));
    expect(summary.addresses).toMatchObject({ inserted: 1, updated: 1, unchanged: demo.addresses.length - 1 });
  });

  it('accepts rows in any order and columns in any order', async () => {
    const shuffled = { grids: [...demo.grids].reverse(), addresses: [...demo.addresses].reverse() };
    const summary = await importRegistry(hub.db, files(shuffled, {
      grids: [...GRID_COLUMNS].reverse(),
      addresses: [...ADDRESS_COLUMNS].reverse(),
    }));
    expect(summary.addresses.inserted).toBe(demo.addresses.length);
    const orphans = await sql<{ n: string }>`select count(*) as n from standard_address where level <> 'DOOR' and parent_code is null`.execute(hub.db);
    expect(Number(orphans.rows[0].n)).toBe(0);
  });

  it('ignores unknown columns', async () => {
    const extra = { grids: demo.grids, addresses: demo.addresses.map((a) => ({ ...a, remark: '备注' })) };
    const summary = await importRegistry(hub.db, files(extra, { addresses: [...ADDRESS_COLUMNS, 'remark'] }));
    expect(summary.addresses.inserted).toBe(demo.addresses.length);
  });

  it('rejects a file with bad rows whole, naming every bad row by line, and keeps the previous registry', async () => {
    await importRegistry(hub.db, files(demo));
    const before = await snapshot();
    const bad = structuredClone(demo);
    const door = bad.addresses[0];
    bad.addresses[3].division_code = '32010200';                          // line 5: malformed code
    bad.addresses[10].address_code = bad.addresses[2].address_code;       // line 12: code given twice (first at 4)
    bad.addresses[20].grid_code = 'NO-SUCH-GRID';                         // line 22
    bad.addresses[30].door_plate_code = bad.addresses[1].door_plate_code; // line 32: plate twice (first at 3)
    const end = bad.addresses.length + 2;
    bad.addresses.push({ ...door, address_code: 'DUP-DOOR', door_plate_code: '' });                             // the same door again
    bad.addresses.push({ ...door, address_code: 'LOST-B', road_number: '9999', building: '1', door_plate_code: '' }); // no such door
    const error = await rejection(importRegistry(hub.db, files(bad)));
    const byLine = error.problems.map((p) => `${p.line} ${p.field ?? '-'} ${p.reason}`);
    expect(byLine).toEqual([
      `5 division_code division_code "32010200" is not a 12-digit community code`,
      `12 address_code address_code "${demo.addresses[2].address_code}" is also at line 4`,
      `22 grid_code grid_code "NO-SUCH-GRID" is not in the grids file or the registry`,
      `32 door_plate_code door_plate_code "${demo.addresses[1].door_plate_code}" is also at line 3`,
      `${end} - the same door is already at line 2`,
      `${end + 1} - no door address 玄武区 ${door.road} 9999号 in this file or the registry`,
    ]);
    expect(error.message).toMatch(/^registry import rejected, nothing was changed: 6 problem\(s\) in 6 row\(s\)/);
    expect(error.message).toContain('addresses.csv:5: division_code "32010200" is not a 12-digit community code');
    expect(await snapshot()).toBe(before);
  });

  it('rejects a region named two ways', async () => {
    const bad = structuredClone(demo);
    bad.addresses[5].street = '别的街道';
    const error = await rejection(importRegistry(hub.db, files(bad)));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ file: 'addresses.csv', line: 7, field: 'division_code' });
    expect(error.problems[0].reason).toMatch(/^street 320102002 is named "别的街道" here but "梅园新村街道" at grids.csv:2$/);
  });

  it('rejects a file missing a required column at line 1, and a file that does not exist', async () => {
    const file = writeCsv(dir, 'no-road.csv', demo.addresses.slice(0, 3), ['address_code', 'division_code']);
    const error = await rejection(importRegistry(hub.db, { addresses: csvRowSource(file, ['address_code', 'road']) }));
    expect(error.problems).toEqual([{ file: 'no-road.csv', line: 1, reason: 'missing column(s): road' }]);
    const missing = await rejection(importRegistry(hub.db, { grids: csvRowSource(`${dir}/absent.csv`, ['grid_code']) }));
    expect(missing.problems[0].reason).toMatch(/^file not found/);
  });

  it('resolves parents already in the registry, and checks new rows against it', async () => {
    await importRegistry(hub.db, files(demo));
    const door = demo.addresses.find((a) => a.building === '')!;
    const newBuilding = { ...door, address_code: 'LATER-B', building: '77', door_plate_code: '' };
    const sameDoor = { ...door, address_code: 'LATER-D', door_plate_code: '' };
    const stolenPlate = { ...door, address_code: 'LATER-P', road_number: '4242', door_plate_code: door.door_plate_code };
    const error = await rejection(importRegistry(hub.db, { addresses: demoRowSources({ grids: [], addresses: [newBuilding, sameDoor, stolenPlate] }).addresses }));
    expect(error.problems.map((p) => [p.line, p.reason])).toEqual([
      [3, `the same door is already at the registry (address ${door.address_code})`],
      [4, `door_plate_code "${door.door_plate_code}" already belongs to address ${door.address_code}`],
    ]);
    const ok = await importRegistry(hub.db, { addresses: demoRowSources({ grids: [], addresses: [newBuilding] }).addresses });
    expect(ok.addresses.inserted).toBe(1);
    const written = await hub.db.selectFrom('standard_address').select('parent_code').where('code', '=', 'LATER-B').executeTakeFirstOrThrow();
    expect(written.parent_code).toBe(door.address_code);
  });

  it('lets one import move a door plate from one address to another', async () => {
    await importRegistry(hub.db, files(demo));
    const moved = structuredClone(demo);
    const [a, b] = moved.addresses.filter((x) => x.door_plate_code !== '');
    [a.door_plate_code, b.door_plate_code] = [b.door_plate_code, a.door_plate_code];
    const summary = await importRegistry(hub.db, files(moved));
    expect(summary.addresses.updated).toBe(2);
  });

  it('writes nothing on a dry run, and counts what an import would do', async () => {
    const summary = await importRegistry(hub.db, files(demo), { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, addresses: { rows: demo.addresses.length, inserted: demo.addresses.length, updated: 0, unchanged: 0 } });
    expect(summary.grids).toEqual({ rows: demo.grids.length, inserted: demo.grids.length, updated: 0, unchanged: 0 });
    expect(await countAddressesByLevel(hub.db)).toEqual({ DOOR: 0, BUILDING: 0, ROOM: 0 });

    await importRegistry(hub.db, files(demo));
    const changed = structuredClone(demo);
    changed.addresses[0].longitude = '118.123456';
    const again = await importRegistry(hub.db, files(changed), { dryRun: true });
    expect(again.addresses).toEqual({ rows: demo.addresses.length, inserted: 0, updated: 1, unchanged: demo.addresses.length - 1 });
    const first = await hub.db.selectFrom('standard_address').select('longitude').where('code', '=', demo.addresses[0].address_code).executeTakeFirstOrThrow();
    expect(String(first.longitude)).not.toBe('118.123456');
  });

  it('imports 50,000+ rows of two districts from CSV, reporting progress', async () => {
    const large = generateDemoRegistry({ districts: [XUANWU, QINHUAI], scale: 7.5 });
    expect(large.addresses.length).toBeGreaterThan(50_000);
    const phases = new Set<string>();
    const summary = await importRegistry(hub.db, files(large), { onProgress: (p) => phases.add(p.phase) });
    expect(summary.addresses.inserted).toBe(large.addresses.length);
    expect([...phases]).toEqual(['read', 'check', 'write']);
    const districts = await hub.db.selectFrom('region').select('name').where('level', '=', 'DISTRICT').orderBy('code').execute();
    expect(districts.map((d) => d.name)).toEqual(['玄武区', '秦淮区']);
  });
});
