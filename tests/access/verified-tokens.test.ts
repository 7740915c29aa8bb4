import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { KEY_SET_MAX_AGE_INTERVALS } from '../../src/auth/realm-key-set.js';
import { keycloakVerifier } from '../../src/auth/token-verifier.js';
import { VerifiedTokens } from '../../src/auth/verified-tokens.js';

// A realm's certificate endpoint on a real port, serving whichever keys a test says; tokens signed as Keycloak signs them.
const keys = [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('rsa', { modulusLength: 2048 })];
let served: number[] = [0];
let reachable = true;
/** What the endpoint does: answer, hang (never a byte), or answer 200 with a page that is not a key set. */
let mode: 'answer' | 'hang' | 'html' = 'answer';
let fetches = 0;
let base: string;
const certs = http.createServer(async (req, res) => {
  if (req.url !== '/realms/city/protocol/openid-connect/certs') return void res.writeHead(404).end();
  fetches += 1;
  if (!reachable) return void res.writeHead(503).end();
  if (mode === 'hang') return;
  if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
  const jwks = await Promise.all(served.map(async (i) => ({ ...(await exportJWK(keys[i].publicKey)), kid: `key-${i}`, alg: 'RS256', use: 'sig' })));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(certs.address() as AddressInfo).port}`;
});
afterAll(() => {
  certs.closeAllConnections();
  return new Promise<void>((resolve) => certs.close(() => resolve()));
});

// keycloak-connect's signature check, counted: a reused token must not reach it.
const GrantManager = createRequire(import.meta.url)('keycloak-connect/middleware/auth-utils/grant-manager.js') as { prototype: { createGrant: (...args: unknown[]) => unknown } };

function signed(i: number, expiresIn = 600, key: KeyObject = keys[i].privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'Bearer', realm_access: { roles: ['dept-police'] } })
    .setProtectedHeader({ alg: 'RS256', kid: `key-${i}` })
    .setIssuer(`${base}/realms/city`)
    .setAudience('gridgraph')
    .setSubject('someone')
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key);
}

const realm = (settings: { keySetCheckSeconds?: number; verifiedTokenSeconds?: number }) =>
  keycloakVerifier({ authServerUrl: base, realm: 'city', clientId: 'gridgraph', minTimeBetweenJwksRequests: 0.001, ...settings });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('verified tokens: reused, never past their expiry or their key', () => {
  it('stops verifying a token whose key the realm withdrew, within the key-set interval, though no token of a new key came', async () => {
    served = [0];
    const verifier = realm({ keySetCheckSeconds: 0.2, verifiedTokenSeconds: 3600 });
    const token = await signed(0);
    expect((await verifier.verify(token)).sub).toBe('someone');

    await sleep(250); // the interval passes with the key set unchanged: the token still verifies
    expect((await verifier.verify(token)).sub).toBe('someone');

    served = [1]; // the realm withdraws key-0
    await sleep(250);
    await expect(verifier.verify(token)).rejects.toThrow();
    expect((await verifier.verify(await signed(1))).sub).toBe('someone'); // the new key's tokens verify
  });

  it('checks a token once, then reuses it; with verifiedTokenSeconds 0 checks it every time', async () => {
    served = [0];
    const createGrant = GrantManager.prototype.createGrant;
    let checks = 0;
    GrantManager.prototype.createGrant = function (this: unknown, ...args: unknown[]) {
      checks += 1;
      return createGrant.apply(this, args);
    };
    try {
      const token = await signed(0);
      const reusing = realm({ verifiedTokenSeconds: 3600 });
      for (let i = 0; i < 3; i++) await reusing.verify(token);
      expect(checks).toBe(1);
      const checking = realm({ verifiedTokenSeconds: 0 });
      for (let i = 0; i < 3; i++) await checking.verify(token);
      expect(checks).toBe(4);
    } finally {
      GrantManager.prototype.createGrant = createGrant;
    }
  });

  it(`refuses every token once the realm has not answered for ${KEY_SET_MAX_AGE_INTERVALS} intervals (a withdrawn key is never trusted longer)`, async () => {
    served = [0];
    const verifier = realm({ keySetCheckSeconds: 0.1, verifiedTokenSeconds: 3600 });
    const token = await signed(0);
    await verifier.verify(token);
    reachable = false;
    try {
      await sleep(650);
      await expect(verifier.verify(token)).rejects.toThrow();
    } finally {
      reachable = true;
    }
  });

  it('refuses, and stays up, when the endpoint hangs or answers something that is not a key set', async () => {
    for (const broken of ['hang', 'html'] as const) {
      mode = broken;
      try {
        await expect(realm({}).verify(await signed(0))).rejects.toThrow();
      } finally {
        mode = 'answer';
      }
    }
    expect((await realm({}).verify(await signed(0))).sub).toBe('someone');
  }, 60_000);

  it('does not verify a remembered token once it has expired', async () => {
    served = [0];
    const verifier = realm({ verifiedTokenSeconds: 3600 });
    const token = await signed(0, 2);
    expect((await verifier.verify(token)).sub).toBe('someone');
    await sleep(2100);
    await expect(verifier.verify(token)).rejects.toThrow(/expired/);
  });

  it('remembers no refusal: a token signed by another key is refused every time, and a good one still verifies after it', async () => {
    served = [0];
    const verifier = realm({ verifiedTokenSeconds: 3600 });
    const forged = await signed(0, 600, keys[1].privateKey);
    await expect(verifier.verify(forged)).rejects.toThrow();
    await expect(verifier.verify(forged)).rejects.toThrow();
    expect((await verifier.verify(await signed(0))).sub).toBe('someone');
  });

  it('keeps the keys last read while the endpoint cannot be reached, and reads it again after the interval', async () => {
    served = [0];
    reachable = true;
    const verifier = realm({ keySetCheckSeconds: 0.2, verifiedTokenSeconds: 0 });
    const token = await signed(0);
    await verifier.verify(token);
    reachable = false;
    try {
      await sleep(250);
      const before = fetches;
      expect((await verifier.verify(token)).sub).toBe('someone');
      expect(fetches).toBe(before + 1); // it tried
    } finally {
      reachable = true;
    }
  });

  it('with verifiedTokenSeconds 0, checks the signature every time: a withdrawn key fails at the next key-set reading', async () => {
    served = [0];
    const verifier = realm({ keySetCheckSeconds: 0.2, verifiedTokenSeconds: 0 });
    const token = await signed(0);
    await verifier.verify(token);
    served = [1];
    await sleep(250);
    await expect(verifier.verify(token)).rejects.toThrow();
  });
});

describe('VerifiedTokens', () => {
  const claims = { sub: 'someone' };
  let now = 1_000_000;
  const clock = () => now;

  it('forgets a token at the earlier of its expiry and the maximum age', () => {
    const cache = new VerifiedTokens({ maxAgeSeconds: 30, now: clock });
    cache.remember('a', claims, now / 1000 + 10); // expires in 10 s
    cache.remember('b', claims, now / 1000 + 600); // expires in 10 min: kept 30 s
    now += 9_999;
    expect(cache.get('a')).toBe(claims);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    now += 19_999;
    expect(cache.get('b')).toBe(claims);
    now += 1;
    expect(cache.get('b')).toBeUndefined();
  });

  it('holds at most maxEntries, forgetting the oldest; clear forgets all; a maximum age of 0 remembers nothing', () => {
    const cache = new VerifiedTokens({ maxAgeSeconds: 30, maxEntries: 2, now: clock });
    cache.remember('a', claims, now / 1000 + 600);
    cache.remember('b', claims, now / 1000 + 600);
    cache.remember('c', claims, now / 1000 + 600);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, claims, claims]);
    cache.clear();
    expect(cache.size).toBe(0);
    const off = new VerifiedTokens({ maxAgeSeconds: 0, now: clock });
    off.remember('a', claims, now / 1000 + 600);
    expect(off.get('a')).toBeUndefined();
  });

  it('tells tokens apart by their whole text', () => {
    const cache = new VerifiedTokens({ maxAgeSeconds: 30, now: clock });
    cache.remember('header.payload.signature', claims, now / 1000 + 600);
    expect(cache.get('header.payload.signaturf')).toBeUndefined();
    expect(cache.get('header.payload.signature')).toBe(claims);
  });
});
