import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let origin: string;

beforeAll(async () => {
  t = await startTestServer();
  origin = new URL(t.server.url).origin;
});
afterAll(async () => {
  await t?.close();
});

/** POSTs a raw body to /graphql as every department, with these headers over the defaults. */
async function send(body: string | Buffer, headers: Record<string, string> = {}, path = '/graphql', method = 'POST') {
  const response = await fetch(origin + path, { method, headers: { ...(await t.headersFor()), ...headers }, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A transport error: GraphQL-shaped JSON with one error, this status and code, and nothing of the server's insides. */
function expectTransportError(answer: { status: number; type: string; text: string }, status: number, code: string, reason?: string) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text);
  expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: reason === undefined ? { code } : { code, reason } }] });
  expect(answer.text).not.toMatch(/    at |node_modules|\.ts:|\/work\/|<html|stack/i);
}

describe(`transport errors answer as GraphQL-shaped JSON (${testDatabaseKind})`, () => {
  it.each(['{', '{"query": ', 'null', '123', '"text"', 'true', '', '\u0000', '[{]', '{"query": "{ __typename }",}'])('malformed JSON %j: 400', async (body) => {
    const answer = await send(body);
    expect(answer.status).toBe(400);
    expect(answer.text).not.toMatch(/    at |node_modules|\.ts:|<html/);
    expect(JSON.parse(answer.text).errors[0].extensions.code).toMatch(/^(BAD_USER_INPUT|BAD_REQUEST)$/);
  });

  it('JSON that is not an object: 400 MALFORMED_JSON', async () => {
    for (const body of ['{', 'null', '123']) expectTransportError(await send(body), 400, 'BAD_USER_INPUT', 'MALFORMED_JSON');
  });

  it('arrays of non-objects and objects without a query: 400 from the GraphQL layer, as JSON', async () => {
    for (const body of ['[1, 2]', '[null]', '["{ __typename }"]', '[[]]', '{}', '{"query": 5}', '{"variables": "x", "query": "{ __typename }"}']) {
      const answer = await send(body);
      expect(answer.status, body).toBe(400);
      const parsed = JSON.parse(answer.text);
      const errors = Array.isArray(parsed) ? parsed.flatMap((p: { errors?: unknown[] }) => p.errors ?? []) : parsed.errors;
      expect(errors.length, body).toBeGreaterThan(0);
      expect(answer.text).not.toMatch(/    at |node_modules|\.ts:|<html|INTERNAL/);
    }
  });

  it('an over-size body: 413 BODY_TOO_LARGE', async () => {
    expectTransportError(await send(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } })), 413, 'BAD_USER_INPUT', 'BODY_TOO_LARGE');
  });

  it('an unsupported charset or media type: 415', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    expectTransportError(await send(body, { 'content-type': 'application/json; charset=latin1' }), 415, 'BAD_USER_INPUT', 'UNSUPPORTED_CHARSET');
    expectTransportError(await send(body, { 'content-type': 'application/json; charset=koi8-r' }), 415, 'BAD_USER_INPUT', 'UNSUPPORTED_CHARSET');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'image/png']) {
      expectTransportError(await send(body, { 'content-type': type }), 415, 'BAD_USER_INPUT', 'UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await fetch(t.server.url, { method: 'POST', headers: { authorization: (await t.headersFor()).authorization }, body: Buffer.from(body) });
    expect(none.status).toBe(415);
  });

  it('an unsupported content encoding: 415', async () => {
    expectTransportError(await send(JSON.stringify({ query: '{ __typename }' }), { 'content-encoding': 'zstd-ish' }), 415, 'BAD_USER_INPUT', 'UNSUPPORTED_ENCODING');
  });

  it('a body claiming gzip that is not: 400, as JSON', async () => {
    const answer = await send('not gzip at all', { 'content-encoding': 'gzip' });
    expectTransportError(answer, 400, 'BAD_USER_INPUT', 'MALFORMED_REQUEST');
  });

  it('the same whatever NODE_ENV says', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      expectTransportError(await send('{'), 400, 'BAD_USER_INPUT', 'MALFORMED_JSON');
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  it('unknown routes: a JSON 404 without internals', async () => {
    // `/` is the home page (tests/pages); every other unknown path is this.
    for (const path of ['/nope', '/graphql/extra/../..%2e', '/%E0%A4%A', '/node_modules/express/package.json']) {
      const answer = await fetch(origin + path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      const text = await answer.text();
      expect(JSON.parse(text).errors[0].extensions.code).toMatch(/^(NOT_FOUND|BAD_USER_INPUT|BAD_REQUEST)$/);
      expect(text).not.toMatch(/    at |node_modules|\.ts:|<html/);
    }
  });

  it('`/` is a small home page linking GraphiQL and the steward\'s pages, loading nothing from elsewhere', async () => {
    const answer = await fetch(origin + '/');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await answer.text();
    expect(html).toContain('href="/graphql"');
    expect(html).toContain('href="/steward"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('a well-formed request still answers', async () => {
    const answer = await send(JSON.stringify({ query: '{ __typename }' }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { __typename: 'Query' } });
  });
});
