import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAffairs } from '../../connectors/civil-affairs/index.js';
import { police } from '../../connectors/police/index.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import { openSourceDatabase, type SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { startKillablePostgres, type KillablePostgres } from '../support/killable-postgres.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { createTestSource, type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The police source on a real PostgreSQL server of the test's own, killed
// (`pg_ctl stop -m immediate`) while the hub's statement is running on it, and
// stopped as planned (`-m fast`), then started again.

const SOURCE_TIMEOUT_MS = 20_000;

let cluster: KillablePostgres;
let hub: TestHub;
let policeSource: SourceDatabase;
let civilSource: SourceDatabase;
let t: TestServer;
let resident: string;

const PERSON = `query ($id: IdNumber!) { person(idNumber: $id) { idNumber policeRegistration { name } welfare { assistanceType } } }`;
const POLICE_UNAVAILABLE = [
  { message: 'source police is unavailable', locations: expect.any(Array), path: ['person', 'policeRegistration'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'police' } },
];

beforeAll(async () => {
  cluster = await startKillablePostgres();
  hub = (await openDemoDatabases()).hub; // the demo registry imported (see demo-world.ts)
  // As `gridgraph serve` opens it; the timeout is long so that only the kill can fail the statement.
  policeSource = await openSourceDatabase(police, { dataDir: '' }, { [police.urlVariable]: cluster.url }, { timeoutMs: SOURCE_TIMEOUT_MS });
  civilSource = await createTestSource(civilAffairs);
  await generateDemoSources(hub.db, [policeSource, civilSource], { scale: 0.3 });
  for (const source of [policeSource, civilSource]) await syncSource(hub.db, source, new AddressResolver(hub.db));
  const found = await hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'civil-affairs').where('source_table', '=', 'MZ_DBCY')
    .where('entity_key', 'in', hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'police')).executeTakeFirstOrThrow();
  resident = found.entity_key!;
  t = await startTestServer({ hub, connectors: [police, civilAffairs], sources: [policeSource, civilSource], sourceTimeoutMs: SOURCE_TIMEOUT_MS });
});

afterAll(async () => {
  await t?.close();
  await policeSource?.close();
  await civilSource?.close();
  await cluster?.destroy();
});

async function expectWholeAnswer() {
  const { data, errors } = await t.query(PERSON, { id: resident });
  expect(errors).toBeUndefined();
  expect(data.person.policeRegistration.name).toEqual(expect.any(String));
  expect(data.person.welfare.length).toBeGreaterThan(0);
}

/** Holds an exclusive lock on the police register until released, so that the hub's read of it waits on the server: a statement in flight. */
async function lockPoliceRegister() {
  const client = new pg.Client({ connectionString: cluster.url });
  client.on('error', () => {}); // it dies with the server
  await client.connect();
  await client.query('begin');
  await client.query('lock table "T_RK_RKXX" in access exclusive mode');
  return {
    /** Resolves once a statement is waiting for the lock. */
    async untilSomeoneWaits() {
      for (;;) {
        const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
        if (rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

describe(`a source's PostgreSQL server killed (hub on ${testDatabaseKind})`, () => {
  it('answers whole while the server runs', async () => {
    await expectWholeAnswer();
  });

  it('killed in the middle of a statement: SOURCE_UNAVAILABLE naming it, the rest stands; whole again once it is back', async () => {
    const lock = await lockPoliceRegister();
    const answer = t.query(PERSON, { id: resident });
    await lock.untilSomeoneWaits();
    await cluster.stop('immediate');
    const { status, data, errors } = await answer;
    expect(status).toBe(200);
    expect(errors).toEqual(POLICE_UNAVAILABLE);
    expect(data.person.welfare.length).toBeGreaterThan(0);
    // Down: the same, at once (connection refused), and the process lives.
    expect((await t.query(PERSON, { id: resident })).errors).toEqual(POLICE_UNAVAILABLE);
    await cluster.start();
    await expectWholeAnswer();
  });

  it('stopped as planned (-m fast) with connections in the pool: SOURCE_UNAVAILABLE while down, whole again once it is back', async () => {
    await expectWholeAnswer();
    await cluster.stop('fast');
    expect((await t.query(PERSON, { id: resident })).errors).toEqual(POLICE_UNAVAILABLE);
    await cluster.start();
    await expectWholeAnswer();
  });
});
