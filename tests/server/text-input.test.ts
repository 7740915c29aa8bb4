import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { type Caller, startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
const demo = generateDemoRegistry();
const door = demo.addresses.find((a) => a.door_plate_code !== '')!;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function post(body: unknown, caller?: Caller) {
  const response = await fetch(t.server.url, { method: 'POST', headers: await t.headersFor(caller), body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

describe(`strings no field can accept (${testDatabaseKind})`, () => {
  // Each argument that reaches PostgreSQL as text, by variable: [query, variable name, a value with the bad character].
  const byVariable: [string, string, string][] = [
    ['query ($v: String!) { doorPlate(code: $v) { code } }', 'v', `${door.door_plate_code}${NUL}`],
    ['query ($v: String!) { region(code: $v) { code } }', 'v', `320102${NUL}`],
    ['query ($v: String!) { grid(code: $v) { code } }', 'v', `${NUL}`],
    ['query ($v: String!) { address(code: $v) { code } }', 'v', `${door.address_code}${NUL}`],
    ['query ($v: ID!) { node(id: $v) { id } }', 'v', `an-id${NUL}`],
    ['query ($v: [ID!]!) { nodes(ids: $v) { id } }', 'v', `x${LONE_SURROGATE}`],
    ['query ($v: String) { regions(parentCode: $v) { nodes { code } } }', 'v', `32${LONE_SURROGATE}`],
  ];
  it.each(byVariable)('%s with a NUL or half a surrogate pair in $%s is BAD_USER_INPUT naming the variable, 400', async (query, name, value) => {
    const { status, body } = await post({ query, variables: { [name]: name === 'v' && query.includes('[ID!]') ? [value] : value } });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: expect.stringMatching(/^variable \$v contains (a NUL character|half of a UTF-16 surrogate pair)$/), extensions: { code: 'BAD_USER_INPUT', variable: 'v' } }]);
  });

  it('names the argument when the NUL is written in the document (as the escape \\u0000)', async () => {
    for (const field of ['doorPlate', 'region', 'grid', 'address']) {
      const { status, body } = await post({ query: `{ ${field}(code: "12\\u00003") { code } }` });
      expect(status).toBe(400);
      expect(body.errors).toEqual([{ message: 'argument code contains a NUL character', extensions: { code: 'BAD_USER_INPUT', argument: 'code' } }]);
    }
    const nested = await post({ query: `{ people(nameContains: "x", first: 1) { nodes { idNumber } } auditLog(filter: { actor: "a\\u0000" }) { totalCount } }` });
    expect(nested.status).toBe(400);
    expect(nested.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter' });
  });

  it('never lets a NUL hidden inside a global id or a cursor reach PostgreSQL: the id finds nothing, the cursor is BAD_USER_INPUT', async () => {
    // Sealed with the hub's own key, so only the NUL inside can stop it.
    const id = await post({ query: 'query ($v: ID!) { node(id: $v) { id } }', variables: { v: t.ids.id('DoorPlate', `${door.door_plate_code}${NUL}`) } });
    expect(id.body).toEqual({ data: { node: null } });
    for (const after of [Buffer.from(`k:320102${NUL}`, 'utf8').toString('base64url'), t.ids.cursor(`320102${NUL}`)]) {
      const cursor = await post({ query: 'query ($a: String) { regions(first: 1, after: $a) { nodes { code } } }', variables: { a: after } });
      expect(cursor.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } })]);
    }
  });

  it('refuses a NUL in a comment, the operation name, or for an anonymous caller the same way', async () => {
    const comment = await post({ query: `# note ${NUL}\n{ doorPlate(code: "${door.door_plate_code}") { code } }` });
    expect(comment.status).toBe(400);
    expect(comment.body.errors[0]).toMatchObject({ message: 'the document contains a NUL character', extensions: { code: 'BAD_USER_INPUT' } });
    const anonymous = await post({ query: 'query ($c: String!) { doorPlate(code: $c) { code } }', variables: { c: NUL } }, { as: null });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('still answers the same strings without the bad character', async () => {
    const { status, body } = await post({ query: 'query ($v: String!) { doorPlate(code: $v) { code } }', variables: { v: door.door_plate_code } });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { doorPlate: { code: door.door_plate_code } } });
  });
});

describe('automatic persisted queries', () => {
  const query = '{ __typename }';
  const sha256 = createHash('sha256').update(query).digest('hex');

  it('answers a hash that does not match its document with a client error, not INTERNAL_SERVER_ERROR', async () => {
    const { status, body } = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('registers a matching hash and then answers it alone', async () => {
    expect((await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256 } } })).body).toEqual({ data: { __typename: 'Query' } });
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256 } } })).body).toEqual({ data: { __typename: 'Query' } });
  });
});
