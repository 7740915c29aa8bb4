import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { exportJWK } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressInScope } from '../../src/registry/area.js';
import { ROLES, type Role } from '../../src/access/roles.js';
import type { AreaScope } from '../../src/access/viewer.js';
import { mintToken } from '../../src/auth/mint-token.js';
import { keycloakVerifier } from '../../src/auth/token-verifier.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { testRealm } from '../support/test-realm.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Tokens an outsider could make or bend, each signed with the development
 * realm's own key unless the case is about the key: every one must be refused
 * with 401, `WWW-Authenticate: Bearer … error="invalid_token"` and no data.
 */

let t: TestServer;
/** A district, a street and a community of the registry, nested, and a grid in that community. */
let place: { district: string; street: string; community: string; grid: string };

beforeAll(async () => {
  t = await startTestServer();
  const { rows } = await sql<{ division_code: string; grid_code: string }>`
    select division_code, grid_code from standard_address where grid_code is not null order by code limit 1`.execute(t.hub.db);
  const { division_code: community, grid_code: grid } = rows[0];
  place = { district: community.slice(0, 6), street: community.slice(0, 9), community, grid };
});
afterAll(async () => {
  await t?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims a valid dept-police token of the realm carries; each case changes some. */
function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const { realm } = testRealm();
  const base: Record<string, unknown> = {
    typ: 'Bearer',
    iss: realm.issuer,
    aud: realm.settings.clientId,
    azp: realm.settings.clientId,
    sub: 'forger',
    iat: now(),
    exp: now() + 600,
    realm_access: { roles: ['dept-police'] },
    district_code: [place.district],
  };
  const merged = { ...base, ...changes };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/** A compact JWT made by hand, so a header can say anything: RS256 with a key, HS256 with a secret, or unsigned. */
function forge(payload: Record<string, unknown>, how: { alg?: string; kid?: string | null; key?: KeyObject; hmacSecret?: string | Buffer } = {}): string {
  const { realm } = testRealm();
  const header: Record<string, unknown> = { alg: how.alg ?? 'RS256', typ: 'JWT' };
  if (how.kid !== null) header.kid = how.kid ?? realm.keyId;
  const input = `${b64(header)}.${b64(payload)}`;
  let signature = '';
  if (how.hmacSecret !== undefined) signature = createHmac('sha256', how.hmacSecret).update(input).digest('base64url');
  else if (header.alg === 'RS256') signature = sign('sha256', Buffer.from(input), how.key ?? realm.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

const POLICE_QUERY = () => `{ region(code: "${place.district}") { addresses(first: 1) { totalCount nodes { code } } } }`;

async function post(token: string, query = POLICE_QUERY()) {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'forgery suite' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: (await response.json()) as any };
}

describe(`token forgery (${testDatabaseKind})`, () => {
  it('refuses every forged, stale or malformed token: 401, WWW-Authenticate: Bearer error="invalid_token", no data', async () => {
    const { realm } = testRealm();
    const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const publicPem = createPublicKey(realm.privateKey).export({ type: 'spki', format: 'pem' }) as string;
    const role = (r: Role, area: Record<string, unknown>) => claims({ realm_access: { roles: [r] }, district_code: undefined, ...area });
    /** case → token, and what the description must name. */
    const cases: [string, string, RegExp][] = [
      ['no exp', forge(claims({ exp: undefined })), /exp/],
      ['exp as a string', forge(claims({ exp: String(now() + 600) })), /exp/],
      ['expired', forge(claims({ exp: now() - 60 })), /expired/],
      ['nbf 2 min ahead', forge(claims({ nbf: now() + 120 })), /nbf/],
      ['iat 2 min ahead', forge(claims({ iat: now() + 120 })), /iat/],
      ['unknown kid', forge(claims(), { kid: 'not-the-realm-key' }), /key id/],
      ['no kid', forge(claims(), { kid: null }), /key id/],
      ['alg none, no signature', forge(claims(), { alg: 'none' }), /algorithm/],
      ['alg none, the realm signature kept', `${forge(claims(), { alg: 'none' })}${forge(claims()).split('.')[2]}`, /algorithm/],
      ['HS256, public key PEM as secret', forge(claims(), { alg: 'HS256', hmacSecret: publicPem }), /algorithm/],
      ['HS256, realm public key (base64 DER) as secret', forge(claims(), { alg: 'HS256', hmacSecret: realm.settings.realmPublicKey! }), /algorithm/],
      ['RS256 header, HMAC signature', forge(claims(), { alg: 'RS256', hmacSecret: publicPem }), /signature/],
      ['foreign key, realm kid', forge(claims(), { key: foreignKey }), /signature/],
      ['wrong issuer', forge(claims({ iss: 'https://elsewhere.example/realms/gridgraph-dev' })), /ISS/],
      ['wrong audience', forge(claims({ aud: 'some-other-client' })), /audience/],
      ['community_code [district code] (6 digits)', forge(role('community-staff', { community_code: [place.district] })), /community_code/],
      ['community_code ""', forge(role('community-staff', { community_code: '' })), /community_code/],
      ['community_code [""]', forge(role('community-staff', { community_code: [''] })), /community_code/],
      ['community_code as a bare string', forge(role('community-staff', { community_code: place.community })), /community_code/],
      ['community_code []', forge(role('community-staff', { community_code: [] })), /community_code/],
      ['community_code missing', forge(role('community-staff', {})), /community_code/],
      ['street_code of 12 digits', forge(role('street-staff', { street_code: [place.community] })), /street_code/],
      ['street_code [123456789] (a number)', forge(role('street-staff', { street_code: [123456789] })), /street_code/],
      ['grid_codes naming no registered grid', forge(role('grid-worker', { grid_codes: ['NO-SUCH-GRID'] })), /grid_codes/],
      ['grid_codes ["%"]', forge(role('grid-worker', { grid_codes: ['%'] })), /grid_codes/],
      ['grid_codes as a bare string', forge(role('grid-worker', { grid_codes: place.grid })), /grid_codes/],
      ['district_code ""', forge(role('dept-police', { district_code: '' })), /district_code/],
      ['district_code [""]', forge(role('dept-police', { district_code: [''] })), /district_code/],
      ['district_code [street code]', forge(role('dept-police', { district_code: [place.street] })), /district_code/],
      ['district_code missing', forge(role('dept-police', {})), /district_code/],
      ['district_code [{}] beside a good one', forge(role('dept-police', { district_code: [place.district, {}] })), /district_code/],
      ['a malformed claim the role does not use', forge(claims({ community_code: [''] })), /community_code/],
      ['no sub', forge(claims({ sub: undefined })), /sub/],
      ['realm_access.roles as a string', forge(claims({ realm_access: { roles: 'dept-police' } })), /realm_access/],
    ];

    const table: { case: string; status: number; error: string }[] = [];
    for (const [name, token, reason] of cases) {
      const { status, challenge, body } = await post(token);
      table.push({ case: name, status, error: /error="([^"]*)"/.exec(challenge)?.[1] ?? '' });
      expect(status, name).toBe(401);
      expect(challenge, name).toMatch(/^Bearer realm="gridgraph", error="invalid_token", error_description="[^"]+"$/);
      expect(challenge, name).toMatch(reason);
      expect(body.data, name).toBeUndefined();
      expect(body.errors[0].extensions.code, name).toBe('UNAUTHENTICATED');
    }
    console.table(table);
  });

  it('answers a valid token of every role with data (the positive controls), nbf and iat within the leeway included', async () => {
    const areaOf: Record<Role, Record<string, string[]>> = Object.fromEntries(
      (Object.keys(ROLES) as Role[]).map((r) => [
        r,
        r === 'grid-worker'
          ? { grids: [place.grid] }
          : r === 'community-staff'
            ? { communities: [place.community] }
            : r === 'street-staff'
              ? { streets: [place.street] }
              : r === 'auditor'
                ? {}
                : { districts: [place.district] },
      ]),
    ) as Record<Role, Record<string, string[]>>;
    for (const r of Object.keys(ROLES) as Role[]) {
      const token = await mintToken(testRealm().realm, { roles: [r], ...areaOf[r] });
      const query = r === 'auditor' ? '{ auditChain { intact } }' : POLICE_QUERY();
      const { status, body } = await post(token, query);
      expect(status, r).toBe(200);
      expect(body.errors, r).toBeUndefined();
      if (r === 'auditor') expect(body.data.auditChain.intact).toBe(true);
      else expect(body.data.region.addresses.totalCount, r).toBeGreaterThan(0);
    }
    // The realm's clock may run a little ahead of ours: 10 s is inside the 30 s leeway.
    const early = await post(forge(claims({ nbf: now() + 10, iat: now() + 10 })));
    expect(early.status).toBe(200);
    expect(early.body.data.region.addresses.totalCount).toBeGreaterThan(0);
  });

  it('scopes by exact equality on the claimed level: a community sees its community, a street its street (plain SQL as the reference)', async () => {
    const count = async (where: ReturnType<typeof sql>) =>
      Number((await sql<{ n: string }>`select count(*) as n from standard_address where ${where}`.execute(t.hub.db)).rows[0].n);
    const inCommunity = await count(sql`division_code = ${place.community}`);
    const inStreet = await count(sql`substr(division_code, 1, 9) = ${place.street}`);
    const inDistrict = await count(sql`substr(division_code, 1, 6) = ${place.district}`);
    // Otherwise the comparison below could not tell a community from its street or district.
    expect(inCommunity).toBeGreaterThan(0);
    expect(inStreet).toBeGreaterThan(inCommunity);
    expect(inDistrict).toBeGreaterThan(inStreet);

    const seen = async (request: { roles: Role[]; communities?: string[]; streets?: string[] }) => {
      const { status, body } = await post(await mintToken(testRealm().realm, request));
      expect(status).toBe(200);
      return body.data.region.addresses.totalCount as number;
    };
    expect(await seen({ roles: ['community-staff'], communities: [place.community] })).toBe(inCommunity);
    expect(await seen({ roles: ['street-staff'], streets: [place.street] })).toBe(inStreet);

    // Every address a community-staff token is shown lies in that community, page by page.
    const token = await mintToken(testRealm().realm, { roles: ['community-staff'], communities: [place.community] });
    const listed = await post(token, `{ region(code: "${place.district}") { addresses(first: 100) { nodes { code } } } }`);
    const codes: string[] = listed.body.data.region.addresses.nodes.map((n: { code: string }) => n.code);
    const { rows } = await sql<{ code: string }>`select code from standard_address where division_code = ${place.community} order by code limit 100`.execute(t.hub.db);
    expect(codes).toEqual(rows.map((r) => r.code));

    // The same rule in memory: a code of another level, or "", never matches, whatever list it is put in.
    const address = { grid_code: null, division_code: place.community };
    const scope = (area: Partial<AreaScope>): AreaScope => ({ grids: [], communities: [], streets: [], districts: [], everywhere: false, ...area });
    expect(addressInScope(scope({ communities: [place.community] }), address)).toBe(true);
    expect(addressInScope(scope({ streets: [place.street] }), address)).toBe(true);
    expect(addressInScope(scope({ districts: [place.district] }), address)).toBe(true);
    expect(addressInScope(scope({ communities: [place.district, place.street, ''] }), address)).toBe(false);
    expect(addressInScope(scope({ streets: [place.district, place.community, ''] }), address)).toBe(false);
    expect(addressInScope(scope({ districts: [place.district.slice(0, 4), place.street, ''] }), address)).toBe(false);
  });
});

describe('token checks in production mode (keys from a realm certificate endpoint)', () => {
  it('refuses the same forgeries as the development realm: no exp, future nbf or iat, unknown kid, alg none, HS256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certs = http.createServer(async (req, res) => {
      if (req.url !== '/realms/city/protocol/openid-connect/certs') return void res.writeHead(404).end();
      const jwk = { ...(await exportJWK(publicKey)), kid: 'city-key', alg: 'RS256', use: 'sig' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(certs.address() as AddressInfo).port}`;
      const verifier = keycloakVerifier({ authServerUrl: base, realm: 'city', clientId: 'gridgraph', minTimeBetweenJwksRequests: 0.001 });
      const city = (changes: Record<string, unknown> = {}) => claims({ iss: `${base}/realms/city`, aud: 'gridgraph', ...changes });
      const good = forge(city(), { key: privateKey, kid: 'city-key' });
      expect((await verifier.verify(good)).sub).toBe('forger');
      const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const forgeries: [string, string, RegExp][] = [
        ['no exp', forge(city({ exp: undefined }), { key: privateKey, kid: 'city-key' }), /exp/],
        ['nbf 2 min ahead', forge(city({ nbf: now() + 120 }), { key: privateKey, kid: 'city-key' }), /nbf/],
        ['iat 2 min ahead', forge(city({ iat: now() + 120 }), { key: privateKey, kid: 'city-key' }), /iat/],
        ['unknown kid', forge(city(), { key: privateKey, kid: 'retired-key' }), /./],
        ['alg none', forge(city(), { alg: 'none', kid: 'city-key' }), /algorithm/],
        ['HS256, public key PEM as secret', forge(city(), { alg: 'HS256', kid: 'city-key', hmacSecret: publicPem }), /algorithm/],
        ['foreign key, realm kid', forge(city(), { kid: 'city-key' }), /signature/],
      ];
      for (const [name, token, reason] of forgeries) await expect(verifier.verify(token), name).rejects.toThrow(reason);
    } finally {
      certs.close();
    }
  });
});
