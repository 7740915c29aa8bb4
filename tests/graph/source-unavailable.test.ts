import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAffairs } from '../../connectors/civil-affairs/index.js';
import { police } from '../../connectors/police/index.js';
import { createSourceKysely, type SourceDatabase } from '../../src/sources/source-database.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let sources: SourceDatabase[];
let welfareRecipient: string;
let policeOnly: { id: string; name: string; syncedAt: string };

beforeAll(async () => {
  // The demo registry, police and civil affairs generated at 0.3 and synced: built once per run (see demo-world.ts).
  const { hub, sources: copies } = await openDemoDatabases({ connectors: [police, civilAffairs], scale: 0.3, synced: true });
  sources = copies;
  const recipient = await hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'civil-affairs').where('source_table', '=', 'MZ_DBCY')
    .where('entity_key', 'in', hub.db.selectFrom('crosswalk').select('entity_key').where('source', '=', 'police')).executeTakeFirstOrThrow();
  welfareRecipient = recipient.entity_key!;
  // Someone only the police register knows, with one record: their name's one live source is the one that goes down.
  const { rows } = await sql<{ id: string; synced_at: Date }>`
    select entity_key as id, max(synced_at) as synced_at from crosswalk where entity_kind = 'PERSON' and not deleted
    group by entity_key having count(*) = 1 and min(source) = 'police' and min(source_table) = 'T_RK_RKXX' order by entity_key limit 1`.execute(hub.db);
  const named = await sql<{ name: string }>`select trim("XM") as name from "T_RK_RKXX" where "GMSFHM" = ${rows[0].id}`.execute(sources[0].db);
  policeOnly = { id: rows[0].id, name: named.rows[0].name, syncedAt: rows[0].synced_at.toISOString() };
  // The police source "goes down": its connection now points at a port nothing listens on.
  const down: SourceDatabase = { ...sources[0], db: createSourceKysely(police, 'postgres://postgres@127.0.0.1:9/police', 1) };
  t = await startTestServer({ hub, connectors: [police, civilAffairs], sources: [down, sources[1]], sourceTimeoutMs: 1000 });
});
afterAll(async () => {
  await t?.close();
  for (const source of sources ?? []) await source.close();
});

describe(`one source down (${testDatabaseKind})`, () => {
  it('answers every other source, with null and SOURCE_UNAVAILABLE naming the source at the affected paths', async () => {
    const { data, errors } = await t.query(
      `query ($id: IdNumber!) { person(idNumber: $id) { idNumber policeRegistration { name } welfare { assistanceType } records { source } } }`,
      { id: welfareRecipient },
    );
    expect(data.person.idNumber).toBe(welfareRecipient);
    expect(data.person.policeRegistration).toBeNull();
    expect(data.person.welfare.length).toBeGreaterThan(0);
    expect(data.person.records.map((r: { source: string }) => r.source)).toContain('police');
    expect(errors).toEqual([
      { message: 'source police is unavailable', locations: expect.any(Array), path: ['person', 'policeRegistration'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'police' } },
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('takes a shared field from the next source in precedence when the first is down', async () => {
    const { data, errors } = await t.query(`query ($id: IdNumber!) { person(idNumber: $id) { name welfare { name } } }`, { id: welfareRecipient });
    expect(errors).toBeUndefined();
    expect(data.person.name).toBe(data.person.welfare[0].name);
  });

  it("answers a shared field from the last sync's copy when its only source is down, and says so in extensions.syncedValues", async () => {
    const { data, errors, ...rest } = (await t.query(`query ($id: IdNumber!) { person(idNumber: $id) { name policeRegistration { name } } }`, { id: policeOnly.id })) as Record<string, any>;
    expect(data).toEqual({ person: { name: policeOnly.name, policeRegistration: null } });
    expect(errors).toEqual([expect.objectContaining({ path: ['person', 'policeRegistration'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'police' } })]);
    expect(rest.extensions).toEqual({ syncedValues: [{ path: ['person', 'name'], source: 'police', syncedAt: policeOnly.syncedAt }] });
  });

  it('says nothing of synced values when every value is live', async () => {
    const response = (await t.query(`query ($id: IdNumber!) { person(idNumber: $id) { name } }`, { id: welfareRecipient })) as Record<string, any>;
    expect(response.extensions).toBeUndefined();
  });

  it('stays ready on /readyz, listing the source as not ready', async () => {
    const ready = await fetch(`${new URL(t.server.url).origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual([{ name: 'hub', ready: true }, { name: 'police', ready: false }, { name: 'civil-affairs', ready: true }]);
  });
});
