import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubKysely } from '../../src/db/hub-database.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { testRealm } from '../support/test-realm.js';

// A hub whose database does not answer: port 9 on loopback (discard) refuses connections.
const db = createHubKysely('postgres://postgres@127.0.0.1:9/hub', 1);
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ db, port: 0, host: '127.0.0.1', verifier: testRealm().verifier });
});
afterAll(async () => {
  await server?.close();
  await db.destroy();
});

describe('when the hub database is down', () => {
  it('answers 503 and INTERNAL saying the hub database is unavailable, without host, port or driver text', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ doorPlate(code: "x") { code } }' }),
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: { message: string; extensions: object }[] };
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'the hub database is unavailable; try again shortly', extensions: { code: 'INTERNAL', reason: 'HUB_UNAVAILABLE' } }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:9\b|stack/i);
  });

  it('is alive but not ready', async () => {
    const base = new URL(server.url).origin;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', checks: [{ name: 'hub', ready: false }] });
  });
});
