import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The schema is not public: introspection needs a token unless GRIDGRAPH_ANONYMOUS_INTROSPECTION turns it on. */

let closed: TestServer;
let open: TestServer;

beforeAll(async () => {
  closed = await startTestServer();
  open = await startTestServer({ hub: closed.hub, anonymousIntrospection: true });
});
afterAll(async () => {
  await open?.server.close(); // shares the hub, which `closed` closes
  await closed?.close();
});

const INTROSPECTIONS = [
  '{ __schema { queryType { name } } }',
  '{ __type(name: "StandardAddress") { fields { name } } }',
  'query { ...Schema } fragment Schema on Query { __schema { types { name } } }',
  '{ doorPlate(code: "none") { code } __type(name: "StandardAddress") { name } }',
];

async function post(server: TestServer, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: (await response.json()) as any };
}

describe(`introspection (${testDatabaseKind})`, () => {
  it('answers 401 with WWW-Authenticate: Bearer to an anonymous introspection, however it is phrased', async () => {
    for (const query of INTROSPECTIONS) {
      const { status, challenge, body } = await post(closed, query);
      expect(status, query).toBe(401);
      expect(challenge, query).toMatch(/^Bearer /);
      expect(body.data ?? null, query).toBeNull();
      expect(JSON.stringify(body), query).not.toContain('fullText');
    }
    // __typename stays open beside the door plate: it names nothing about the schema beyond Query.
    expect((await post(closed, '{ __typename doorPlate(code: "none") { code } }')).status).toBe(200);
  });

  it('introspects for a caller with a token (as GraphiQL does once given one)', async () => {
    const grid = await closed.hub.db.selectFrom('grid').select('code').orderBy('code').limit(1).executeTakeFirstOrThrow();
    const withToken = await closed.headersFor({ as: { roles: ['grid-worker'], grids: [grid.code] }, purpose: null });
    const { status, body } = await post(closed, '{ __type(name: "StandardAddress") { fields { name } } }', withToken);
    expect(status).toBe(200);
    expect(body.data.__type.fields.map((f: { name: string }) => f.name)).toContain('fullText');
  });

  it('lets anyone introspect when GRIDGRAPH_ANONYMOUS_INTROSPECTION is on (development), and still nothing else', async () => {
    for (const query of INTROSPECTIONS.slice(0, 3)) {
      const { status, body } = await post(open, query);
      expect(status, query).toBe(200);
      expect(body.errors, query).toBeUndefined();
    }
    expect((await post(open, '{ region(code: "320102") { name } }')).status).toBe(401);
  });
});
