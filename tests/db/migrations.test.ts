import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub(); // migrated on open, from an empty database
});
afterAll(async () => {
  await hub?.close();
});

describe(`migrations (${testDatabaseKind})`, () => {
  it('create the registry, crosswalk, audit and statistics tables on an empty database', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by 1`.execute(hub.db);
    expect(rows.map((r) => r.table_name)).toEqual(['area_residents', 'audit_head', 'audit_log', 'crosswalk', 'crosswalk_link', 'event_change', 'event_fact', 'grid', 'hub_secret', 'region', 'registry_state', 'resident_count_state', 'resident_fact', 'standard_address', 'sync_run', 'sync_table_issue', 'sync_watermark']);
  });

  it('are a no-op on a current database, and keep its data', async () => {
    await hub.db.insertInto('region').values({ code: '320000', name: '江苏省', level: 'PROVINCE', parent_code: null }).execute();
    expect(await migrateToLatest(hub.db)).toEqual([]);
    const region = await hub.db.selectFrom('region').select('name').where('code', '=', '320000').executeTakeFirst();
    expect(region?.name).toBe('江苏省');
  });

  it('defer the parent and door-plate constraints to commit, and enforce them there', async () => {
    const attempt = hub.db.transaction().execute(async (trx) => {
      await sql`insert into region values ('320102002001', '社区', 'COMMUNITY', null)`.execute(trx);
      await sql`insert into standard_address (code, level, province, city, district, street, community, division_code, road, road_number, parent_code, full_text)
                values ('R1', 'ROOM', 'p', 'c', 'd', 's', 'm', '320102002001', 'r', '1', 'MISSING', 't')`.execute(trx);
    });
    await expect(attempt).rejects.toThrow(/standard_address_parent_fkey/);
  });
});

describe(`the registry revision (${testDatabaseKind})`, () => {
  it('starts at 0 in one row', async () => {
    const rows = await hub.db.selectFrom('registry_state').selectAll().execute();
    expect(rows).toEqual([{ id: 1, revision: '0' }]);
  });
});
