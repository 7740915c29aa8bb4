import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import type { TokenRequest } from '../../src/auth/mint-token.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { DOSSIER_QUERY } from '../../bench/dossier-floor.js';
import { busiestPlates, busiestResidents } from '../../bench/dossier-keys.js';
import { RESIDENT_QUERY } from '../../bench/resident-floor.js';
import { buildSchema } from '../../src/graph/schema.js';
import { residentQuery } from '../../src/pages/resident-page.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { type FederatedWorld, startFederatedWorld } from '../support/federated-world.js';
import type { TestHub } from '../support/test-hub.js';
import { type Caller, startTestServer, type TestServer } from '../support/test-server.js';
import { testRealm } from '../support/test-realm.js';

/**
 * Issue 19: the graph split into Federation 2 subgraphs (hub + one per
 * connector) behind a real Hive Gateway (deploy/gateway/gateway.config.ts, a
 * child process), against the single process over the same databases.
 */
let hub: TestHub;
let sources: SourceDatabase[];
let single: TestServer;
let world: FederatedWorld;
let plate: string;
let resident: string;
let grid: string;
let district: string;

beforeAll(async () => {
  ({ hub, sources } = await openDemoDatabases({ connectors, scale: 0.3, synced: true }));
  single = await startTestServer({ hub, connectors, sources });
  world = await startFederatedWorld(hub, connectors, sources);
  [plate] = await busiestPlates(hub.db, 1);
  [resident] = await busiestResidents(hub.db, 1);
  const { rows } = await sql<{ grid_code: string; code: string }>`
    select a.grid_code, a.code from standard_address a where a.door_plate_code = ${plate}`.execute(hub.db);
  grid = rows[0].grid_code;
  district = rows[0].code.slice(0, 6);
}, 240_000);

afterAll(async () => {
  await world?.close();
  await single?.close();
  for (const source of sources ?? []) await source.close();
});

/** A representation of someone the police register in the grid worker's grid. */
async function personInGrid(): Promise<{ __typename: string; id: string }> {
  const { rows } = await sql<{ entity_key: string }>`
    select c.entity_key from crosswalk c join standard_address a on a.code = c.address_code
    where c.entity_kind = 'PERSON' and c.source = 'police' and not c.deleted and a.grid_code = ${grid} order by c.entity_key limit 1`.execute(hub.db);
  return { __typename: 'Person', id: single.ids.id('Person', rows[0].entity_key) };
}

/** POSTs to a URL with the caller's token and purpose. */
async function post(url: string, query: string, variables: Record<string, unknown>, caller: Caller, extraHeaders: Record<string, string> = {}) {
  const headers = { ...(await single.headersFor(caller)), ...extraHeaders };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: any[] } };
}

/** The answer as compared: data, and each error's message, path and code, in path order (the gateway may order them differently). */
function comparable(body: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] }) {
  const errors = (body.errors ?? []).map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code }));
  errors.sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)) || a.message.localeCompare(b.message));
  return { data: body.data, errors };
}

const roles = (): [string, TokenRequest, string | null][] => [
  ['grid-worker of the plate’s grid', { roles: ['grid-worker'], grids: [grid], subject: 'fed-grid-worker' }, null],
  ['district-command with a purpose', { roles: ['district-command'], districts: [district], subject: 'fed-command' }, 'case 2026-19'],
  ['dept-police with a purpose', { roles: ['dept-police'], districts: [district], subject: 'fed-police' }, 'case 2026-19'],
];

describe('the same answers through the gateway as from the single process', () => {
  for (const index of [0, 1, 2]) {
    it(`door-plate and resident dossiers, role ${index + 1} of 3`, async () => {
      const [, as, purpose] = roles()[index];
      const caller = { as, purpose };
      for (const [query, variables] of [
        [DOSSIER_QUERY, { plate, n: 20 }],
        [RESIDENT_QUERY, { id: resident, n: 20 }],
      ] as const) {
        const direct = await post(single.server.url, query, variables, caller);
        const federated = await post(world.gatewayUrl, query, variables, caller);
        expect(direct.status).toBe(200);
        expect(federated.status).toBe(200);
        expect(comparable(federated.body)).toEqual(comparable(direct.body));
      }
    });
  }

  it('the anonymous door-plate view (no token): the plate, its grid and the grid workers’ public fields', async () => {
    const query = residentQuery(buildSchema(connectors));
    expect(query).toContain('workers');
    const direct = await post(single.server.url, query, { code: plate }, { as: null });
    const federated = await post(world.gatewayUrl, query, { code: plate }, { as: null });
    expect(direct.status).toBe(200);
    expect(federated.status).toBe(200);
    expect(direct.body.data.doorPlate.address.grid.name).toBeTruthy();
    expect(comparable(federated.body)).toEqual(comparable(direct.body));
  });

  it('the comparison is not vacuous: the dossiers carry people, department facets, masks and denials', async () => {
    const police = await post(single.server.url, DOSSIER_QUERY, { plate, n: 20 }, { as: roles()[2][1], purpose: 'case 2026-19' });
    const people = police.body.data.doorPlate.address.residents.nodes;
    expect(people.length).toBeGreaterThan(0);
    expect(people.some((p: any) => p.policeRegistration !== null)).toBe(true);
    expect(people[0].idNumber).toMatch(/^\d{17}[\dX]$/);
    const worker = await post(single.server.url, DOSSIER_QUERY, { plate, n: 20 }, { as: roles()[0][1] });
    expect(worker.body.data.doorPlate.address.residents.nodes[0].idNumber).toContain('*');
    const denied = await post(single.server.url, RESIDENT_QUERY, { id: resident, n: 20 }, { as: roles()[0][1] });
    expect(denied.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });
});

describe('the gateway forwards who is asking and keeps 401', () => {
  it('a bad token is 401 with WWW-Authenticate, as from the single process', async () => {
    const headers = { 'content-type': 'application/json', authorization: 'Bearer not-a-token' };
    const direct = await fetch(single.server.url, { method: 'POST', headers, body: JSON.stringify({ query: '{ node(id: "x") { id } }' }) });
    const federated = await fetch(world.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: '{ node(id: "x") { id } }' }) });
    expect(direct.status).toBe(401);
    expect(federated.status).toBe(401);
    expect(federated.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await federated.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('X-Request-Id and X-Access-Purpose reach the subgraph that writes the audit record', async () => {
    const requestId = `fed-audit-${Date.now()}`;
    const federated = await post(world.gatewayUrl, RESIDENT_QUERY, { id: resident, n: 5 }, { as: roles()[2][1], purpose: 'case 2026-19-audit' }, { 'x-request-id': requestId });
    expect(federated.body.data.person.policeRegistration).not.toBeNull();
    const { rows } = await sql<{ fields: string[]; purpose: string; actor: string }>`
      select fields, purpose, actor from audit_log where request_id = ${requestId}`.execute(hub.db);
    const fields = rows.flatMap((row) => row.fields);
    expect(fields).toContain('PoliceRegistration.phone');
    expect(fields).toContain('Person.idNumber');
    expect(new Set(rows.map((row) => row.purpose))).toEqual(new Set(['case 2026-19-audit']));
    // Two subgraph processes' records in the one chain, which still verifies end to end.
    const chain = await post(single.server.url, '{ auditChain { intact records } }', {}, { as: { roles: ['auditor'], subject: 'fed-auditor' } });
    expect(chain.body.data.auditChain.intact).toBe(true);
  });
});

describe('no subgraph trusts the gateway: _entities asked directly', () => {
  const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id policeRegistration { phone } keyPerson { category } } } }`;

  it('in scope: the entity; out of scope, undecodable or of another type: null; a denied field: FORBIDDEN at its path', async () => {
    const personId = single.ids.id('Person', resident);
    const { rows } = await sql<{ entity_key: string }>`
      select entity_key from crosswalk where entity_kind = 'PERSON' and not deleted and address_code is not null and address_code not like ${`${district}%`} limit 1`.execute(hub.db);
    const police = world.subgraphs.get('police')!;
    const representations = [
      { __typename: 'Person', id: personId },
      { __typename: 'Person', id: 'not-an-id' },
      { __typename: 'Person', id: single.ids.id('Organization', resident) },
      ...rows.map((row) => ({ __typename: 'Person', id: single.ids.id('Person', row.entity_key) })),
    ];
    const caller = { as: { roles: ['dept-police'], districts: [district], subject: 'fed-direct' } as TokenRequest, purpose: 'case 2026-19' };
    const answer = await post(police.url, ENTITIES, { representations }, caller);
    expect(answer.status).toBe(200);
    const entities = answer.body.data._entities;
    expect(entities[0]).toMatchObject({ id: personId });
    expect(entities[0].policeRegistration.phone).toMatch(/^1\d{10}$/);
    expect(entities.slice(1)).toEqual(representations.slice(1).map(() => null));
    // The grid worker asks for someone of its own grid: found, and the restricted field denied at its path.
    const worker = await post(police.url, ENTITIES, { representations: [await personInGrid()] }, { as: { roles: ['grid-worker'], grids: [grid], subject: 'fed-direct-worker' } });
    const forbidden = (worker.body.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path.join('.'));
    expect(forbidden).toContain('_entities.0.keyPerson');
    expect(worker.body.data._entities[0].keyPerson).toBeNull();
  });

  it("out of the caller's area by id, asked directly: null on every subgraph that knows the type, the one in the area found", async () => {
    // The demo registry is one district: the grid worker's area (one grid) is what leaves people out.
    const { rows } = await sql<{ entity_key: string }>`
      select c.entity_key from crosswalk c join standard_address a on a.code = c.address_code
      where c.entity_kind = 'PERSON' and not c.deleted and a.grid_code <> ${grid} order by c.entity_key limit 3`.execute(hub.db);
    expect(rows.length).toBe(3);
    const outside = rows.map((row) => ({ __typename: 'Person', id: single.ids.id('Person', row.entity_key) }));
    const worker = { as: { roles: ['grid-worker'], grids: [grid], subject: 'fed-direct-worker' } as TokenRequest };
    const inside = await personInGrid();
    for (const [name, query] of [
      ['police', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id policeRegistration { populationType } } } }`],
      ['hub', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id gender } } }`],
    ] as const) {
      const answer = await post(world.subgraphs.get(name)!.url, query, { r: [...outside, inside] }, worker);
      expect(answer.status).toBe(200);
      expect(answer.body.data._entities.slice(0, 3)).toEqual([null, null, null]);
      expect(answer.body.data._entities[3]).toMatchObject({ id: inside.id });
    }
  });

  it('answers null, with no error, for a representation of a type the subgraph does not resolve (an interface, a union) or of no type', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    const r = [{ __typename: 'RegisteredObject', kind: 'OBJECT', key: 'FW0000000001' }, { __typename: 'Node', id: 'x' }, { id: single.ids.id('Person', resident) }];
    const answer = await post(world.subgraphs.get('hub')!.url, query, { r }, { as: { roles: ['dept-police'], districts: [district], subject: 'fed-direct' } as TokenRequest });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities).toEqual([null, null, null]);
  });

  it('a token the realm did not sign is 401 at the subgraph itself', async () => {
    const police = world.subgraphs.get('police')!;
    const forged = (await testRealm().token({ roles: ['dept-police'], districts: [district] })).replace(/\.[^.]+$/, '.AAAA');
    const response = await fetch(police.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: JSON.stringify({ query: ENTITIES, variables: { representations: [] } }),
    });
    expect(response.status).toBe(401);
  });
});

describe('a department subgraph down', () => {
  it('the gateway still answers every other department, with null and an error naming police at its paths', async () => {
    const caller = { as: roles()[2][1], purpose: 'case 2026-19' };
    const before = await post(world.gatewayUrl, DOSSIER_QUERY, { plate, n: 20 }, caller);
    await world.stopSubgraph('police');
    const after = await post(world.gatewayUrl, DOSSIER_QUERY, { plate, n: 20 }, caller);
    expect(after.status).toBe(200);
    const people = after.body.data.doorPlate.address.residents.nodes;
    expect(people.map((p: any) => p.name)).toEqual(before.body.data.doorPlate.address.residents.nodes.map((p: any) => p.name));
    expect(people.every((p: any) => p.policeRegistration === null)).toBe(true);
    expect(after.body.data.doorPlate.address.organizations).toEqual(before.body.data.doorPlate.address.organizations);
    const welfare = people.map((p: any) => p.welfare);
    expect(welfare).toEqual(before.body.data.doorPlate.address.residents.nodes.map((p: any) => p.welfare));
    const policeErrors = (after.body.errors ?? []).filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE');
    expect(policeErrors.map((e) => e.path)).toEqual(people.map((_: unknown, i: number) => ['doorPlate', 'address', 'residents', 'nodes', i, 'policeRegistration']));
    expect(policeErrors.every((e) => e.message.includes('police') && e.extensions.source === 'police')).toBe(true);
  });
});
