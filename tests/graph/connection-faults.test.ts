import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAffairs } from '../../connectors/civil-affairs/index.js';
import { police } from '../../connectors/police/index.js';
import { createHubKysely } from '../../src/db/hub-database.js';
import { EMBEDDED_POOL_SIZE } from '../../src/db/embedded-postgres.js';
import { createSourceKysely, type SourceDatabase } from '../../src/sources/source-database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Real connections broken at the worst moments: a TCP proxy sits between the
// server and its hub database, and between the server and the police source.
// The test process is the server's process: an unhandled 'error' from a pool
// would fail the run.

const SOURCE_TIMEOUT_MS = 1_000;
const HUB_TIMEOUTS = { statementTimeoutMs: 1_000, acquireTimeoutMs: 1_000 };
const REQUEST_TIMEOUT_MS = 4_000;
/** Generous: proves an answer did not hang, says nothing about speed. */
const NO_HANG_MS = 60_000;
const POOL_SIZE = testDatabaseKind === 'PGlite' ? EMBEDDED_POOL_SIZE : 3;

let hub: TestHub;
let sources: SourceDatabase[];
let hubProxy: TcpProxy;
let policeProxy: TcpProxy;
let t: TestServer;
let closeServerPools: () => Promise<void>;
let resident: string;

const PERSON = `query ($id: IdNumber!) { person(idNumber: $id) { idNumber policeRegistration { name } welfare { assistanceType } } }`;

beforeAll(async () => {
  // The demo registry, police and civil affairs generated at 0.3 and synced: built once per run (see demo-world.ts).
  ({ hub, sources } = await openDemoDatabases({ connectors: [police, civilAffairs], scale: 0.3, synced: true }));
  // Someone both police and civil affairs know.
  const found = await hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'civil-affairs').where('source_table', '=', 'MZ_DBCY')
    .where('entity_key', 'in', hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'police')).executeTakeFirstOrThrow();
  resident = found.entity_key!;

  hubProxy = await startTcpProxy(hub.connectionUrl);
  policeProxy = await startTcpProxy(sources[0].connectionUrl);
  // The server's own pools go through the proxies, bounded as `gridgraph serve` bounds them.
  const serverHub = createHubKysely(hubProxy.url, POOL_SIZE, HUB_TIMEOUTS);
  const serverPolice = createSourceKysely(police, policeProxy.url, POOL_SIZE, SOURCE_TIMEOUT_MS);
  closeServerPools = async () => {
    await serverHub.destroy();
    await serverPolice.destroy();
  };
  t = await startTestServer({
    hub: { ...hub, db: serverHub, close: async () => {} },
    connectors: [police, civilAffairs],
    sources: [{ ...sources[0], db: serverPolice }, sources[1]],
    sourceTimeoutMs: SOURCE_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
});

afterAll(async () => {
  hubProxy?.restore();
  policeProxy?.restore();
  await t?.close();
  await closeServerPools?.();
  await hubProxy?.close();
  await policeProxy?.close();
  for (const source of sources ?? []) await source.close();
  await hub?.close();
});

/** Runs the person query, and how long it took (for no-hang bounds only). */
async function askPerson() {
  const started = Date.now();
  const response = await t.query(PERSON, { id: resident });
  return { ...response, elapsed: Date.now() - started };
}

/** The whole answer, every source there: what a healed pool gives. */
async function expectWholeAnswer() {
  const { status, data, errors } = await askPerson();
  expect(errors).toBeUndefined();
  expect(status).toBe(200);
  expect(data.person.policeRegistration.name).toEqual(expect.any(String));
  expect(data.person.welfare.length).toBeGreaterThan(0);
}

const POLICE_UNAVAILABLE = [
  { message: 'source police is unavailable', locations: expect.any(Array), path: ['person', 'policeRegistration'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'police' } },
];

async function untilHeld(proxy: TcpProxy) {
  const started = Date.now();
  while (proxy.heldChunks === 0) {
    if (Date.now() - started > NO_HANG_MS) throw new Error('no statement reached the proxy');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `/readyz`'s status and its dependency checks (its sync summary is tested with the sync). */
async function readiness() {
  const response = await fetch(`${new URL(t.server.url).origin}/readyz`);
  const { status, checks } = (await response.json()) as { status: string; checks: { name: string; ready: boolean }[] };
  return { status: response.status, body: { status, checks } };
}

describe(`broken connections (${testDatabaseKind})`, () => {
  it('answers whole while nothing is broken', async () => {
    await expectWholeAnswer();
  });

  it('a source connection cut in the middle of a statement: SOURCE_UNAVAILABLE naming it, the rest stands, the pool heals', async () => {
    policeProxy.delay(2_000);
    const answer = askPerson();
    await untilHeld(policeProxy);
    policeProxy.cut();
    const { status, data, errors, elapsed } = await answer;
    expect(status).toBe(200);
    expect(errors).toEqual(POLICE_UNAVAILABLE);
    expect(data.person.policeRegistration).toBeNull();
    expect(data.person.welfare.length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(NO_HANG_MS);
    // While it stays down, the same; the hub stays ready, listing police as not.
    expect((await askPerson()).errors).toEqual(POLICE_UNAVAILABLE);
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: 'ready', checks: [{ name: 'hub', ready: true }, { name: 'police', ready: false }, { name: 'civil-affairs', ready: true }] },
    });
    policeProxy.restore();
    await expectWholeAnswer();
  });

  it('a stalled source (TCP open, no answers) fails by its deadline and does not hold the pool once it is back', async () => {
    policeProxy.stall();
    const stalled = await askPerson();
    expect(stalled.errors).toEqual(POLICE_UNAVAILABLE);
    expect(stalled.data.person.welfare.length).toBeGreaterThan(0);
    expect(stalled.elapsed).toBeLessThan(NO_HANG_MS);
    policeProxy.restore();
    await expectWholeAnswer();
  });

  it('a source slower than its timeout fails by its deadline, then answers again when it is fast', async () => {
    policeProxy.delay(3 * SOURCE_TIMEOUT_MS);
    const slow = await askPerson();
    expect(slow.errors).toEqual(POLICE_UNAVAILABLE);
    expect(slow.elapsed).toBeLessThan(NO_HANG_MS);
    policeProxy.restore();
    await expectWholeAnswer();
  });

  it('the hub connection cut in the middle of a statement: 503, INTERNAL saying so, the process lives, the pool heals', async () => {
    hubProxy.delay(2_000);
    const answer = askPerson();
    await untilHeld(hubProxy);
    hubProxy.cut();
    const { status, data, errors, elapsed } = await answer;
    expect(status).toBe(503);
    expect(data).toEqual({ person: null });
    expect(errors).toEqual([
      { message: 'the hub database is unavailable; try again shortly', locations: expect.any(Array), path: ['person'], extensions: { code: 'INTERNAL', reason: 'HUB_UNAVAILABLE' } },
    ]);
    expect(elapsed).toBeLessThan(NO_HANG_MS);
    expect((await fetch(`${new URL(t.server.url).origin}/healthz`)).status).toBe(200);
    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body.checks[0]).toEqual({ name: 'hub', ready: false });
    hubProxy.restore();
    await expectWholeAnswer();
    expect((await readiness()).status).toBe(200);
  });

  it('a stalled hub database fails requests by their deadline and does not hold the pool once it is back', async () => {
    hubProxy.stall();
    const stalled = await askPerson();
    expect(stalled.status).toBe(503);
    expect(stalled.errors?.map((e) => e.extensions?.reason)).toEqual(['HUB_UNAVAILABLE']);
    expect(stalled.elapsed).toBeLessThan(NO_HANG_MS);
    expect((await readiness()).status).toBe(503);
    hubProxy.restore();
    await expectWholeAnswer();
  });

  it('answers nothing but what is true while both are cut, and everything once both are back', async () => {
    hubProxy.cut();
    policeProxy.cut();
    const both = await askPerson();
    expect(both.status).toBe(503);
    expect(both.data).toEqual({ person: null });
    hubProxy.restore();
    const hubBack = await askPerson();
    expect(hubBack.errors).toEqual(POLICE_UNAVAILABLE);
    policeProxy.restore();
    await expectWholeAnswer();
  });
});
