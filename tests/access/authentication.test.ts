import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint-token.js';
import { keycloakVerifier } from '../../src/auth/token-verifier.js';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { testRealm } from '../support/test-realm.js';

let world: DemoWorld;
let plate: string;

beforeAll(async () => {
  world = await startDemoWorld(0.1);
  const { rows } = await world.hub.db
    .selectFrom('standard_address')
    .select('door_plate_code')
    .where('door_plate_code', 'is not', null)
    .where('grid_code', 'in', (eb) => eb.selectFrom('standard_address').select('grid_code').where('level', '=', 'DOOR'))
    .orderBy('code')
    .limit(1)
    .execute()
    .then((r) => ({ rows: r }));
  plate = rows[0].door_plate_code!;
});
afterAll(async () => {
  await world?.close();
});

/** POSTs with exactly these headers. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(world.t.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), cacheControl: response.headers.get('cache-control'), body: (await response.json()) as any };
}

const PERSONS = '{ people(first: 1) { nodes { idNumber } } }';

/** A token as the realm would sign it, with claims changed. */
async function tokenWith(claims: Record<string, unknown>, key: KeyObject = testRealm().realm.privateKey, kid = testRealm().realm.keyId) {
  const realm = testRealm().realm;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'Bearer', realm_access: { roles: ['dept-police'] }, district_code: ['320102'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(String(claims.iss ?? realm.issuer))
    .setAudience(String(claims.aud ?? realm.settings.clientId))
    .setSubject('someone')
    .setIssuedAt(now)
    .setExpirationTime(Number(claims.exp ?? now + 600))
    .sign(key);
}

describe(`authentication (${testDatabaseKind})`, () => {
  it('opens the door-plate view without a token: address, grid name, the grid worker masked, the service phone', async () => {
    const { status, body, cacheControl } = await post({
      query: `query ($plate: String!) { doorPlate(code: $plate) { code address { fullText grid { name workers { name servicePhone } } } } }`,
      variables: { plate },
    });
    expect(status).toBe(200);
    expect(cacheControl).toBe('no-store'); // no browser or proxy keeps an answer about people
    expect(body.errors).toBeUndefined();
    const { grid } = body.data.doorPlate.address;
    expect(grid.name).toBeTruthy();
    expect(grid.workers.length).toBeGreaterThan(0);
    for (const worker of grid.workers) {
      expect(worker.name).toMatch(/^.\*+.?$/u);
      expect(worker.servicePhone).toMatch(/^0\d{2,3}-\d{8}$/); // a public service number, shown in full
    }
    const staff = await world.t.query(`query ($plate: String!) { doorPlate(code: $plate) { address { grid { workers { name } } } } }`, { plate });
    expect(staff.data.doorPlate.address.grid.workers[0].name).not.toContain('*');
  });

  it('refuses the anonymous view anything else on the plate whole, before it runs: 401 naming the fields', async () => {
    for (const [query, fields] of [
      [`query ($plate: String!) { doorPlate(code: $plate) { code address { residents { totalCount } grid { code name } } } }`, ['StandardAddress.residents', 'Grid.code']],
      [`query ($plate: String!) { doorPlate(code: $plate) { ... on DoorPlate { address { id parent { code } } } } }`, ['StandardAddress.parent']],
      [`query ($plate: String!) { doorPlate(code: $plate) { ...F } } fragment F on DoorPlate { address { grid { workers { recordId } } } }`, ['GridWorkerRecord.recordId']],
    ] as const) {
      const { status, challenge, body } = await post({ query, variables: { plate } });
      expect(status, query).toBe(401);
      expect(challenge).toMatch(/^Bearer /);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      for (const field of fields) expect(body.errors[0].message, query).toContain(field);
    }
  });

  it('answers 401 with WWW-Authenticate: Bearer for anything else without a token — through fragments and batches too', async () => {
    for (const request of [
      { query: PERSONS },
      { query: 'query { ...Root } fragment Root on Query { people(first: 1) { totalCount } }' },
      { query: `{ doorPlate(code: "${plate}") { code } ... on Query { auditLog { totalCount } } }` },
      [{ query: `{ doorPlate(code: "${plate}") { code } }` }, { query: PERSONS }],
    ]) {
      const { status, challenge, body } = await post(request);
      expect(status, JSON.stringify(request)).toBe(401);
      expect(challenge).toMatch(/^Bearer /);
      const errors = Array.isArray(body) ? body.flatMap((b: any) => b.errors ?? []) : body.errors;
      expect(errors.some((e: any) => e.extensions.code === 'UNAUTHENTICATED')).toBe(true);
      expect(JSON.stringify(body)).not.toMatch(/\d{17}[\dX]/);
    }
  });

  it('answers 401, never 403, for a malformed, expired, wrongly signed, wrong-issuer or wrong-audience token', async () => {
    const realm = testRealm().realm;
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases: [string, string][] = [
      ['Basic dXNlcjpwYXNz', 'invalid_request'],
      ['Bearer not-a-token', 'malformed'],
      ['Bearer e30.bm90IGpzb24.c2ln', 'malformed'],
      [`Bearer ${await tokenWith({ exp: Math.floor(Date.now() / 1000) - 60 })}`, 'expired'],
      [`Bearer ${await tokenWith({}, stranger)}`, 'signature'],
      [`Bearer ${await tokenWith({ iss: 'https://elsewhere.example/realms/gridgraph-dev' })}`, 'ISS'],
      [`Bearer ${await tokenWith({ aud: 'some-other-client' })}`, 'audience'],
      [`Bearer ${await tokenWith({ typ: 'Refresh' })}`, 'type'],
    ];
    for (const [authorization, reason] of cases) {
      const { status, challenge, body } = await post({ query: PERSONS }, { authorization });
      expect(status, reason).toBe(401);
      expect(challenge, reason).toMatch(/^Bearer realm="gridgraph", error="invalid_(token|request)"/);
      expect(challenge, reason).toContain(reason);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    // And the same realm's token, as minted by `gridgraph token`, passes.
    const good = await mintToken(realm, { roles: ['dept-police'], districts: ['320102'] });
    expect((await post({ query: PERSONS }, { authorization: `Bearer ${good}` })).status).toBe(200);
  });

  it('fetches production keys from the realm certificate endpoint and picks up a rotation without a restart', async () => {
    const keys = [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('rsa', { modulusLength: 2048 })];
    let served = 0;
    let fetches = 0;
    const certs = http.createServer(async (req, res) => {
      if (req.url !== '/realms/city/protocol/openid-connect/certs') return void res.writeHead(404).end();
      fetches += 1;
      const jwk = { ...(await exportJWK(keys[served].publicKey)), kid: `key-${served}`, alg: 'RS256', use: 'sig' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(certs.address() as AddressInfo).port}`;
    try {
      const verifier = keycloakVerifier({ authServerUrl: base, realm: 'city', clientId: 'gridgraph', minTimeBetweenJwksRequests: 0.001 });
      const signed = (i: number) => tokenWith({ iss: `${base}/realms/city`, aud: 'gridgraph' }, keys[i].privateKey, `key-${i}`);
      expect((await verifier.verify(await signed(0))).realm_access?.roles).toEqual(['dept-police']);
      expect(fetches).toBe(1);
      await verifier.verify(await signed(0));
      expect(fetches).toBe(1); // cached

      served = 1; // the realm rotates its key
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await verifier.verify(await signed(1))).sub).toBe('someone');
      expect(fetches).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await expect(verifier.verify(await signed(0))).rejects.toThrow(); // the retired key no longer verifies
    } finally {
      certs.close();
    }
  });
});
