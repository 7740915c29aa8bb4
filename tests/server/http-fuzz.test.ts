import http from 'node:http';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { SeededRandom } from '../../src/demo/random.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** How many requests, and how many in flight at once: bounded, so the test takes tens of seconds on a shared machine. */
const REQUESTS = 3000;
const CONCURRENCY = 8;
const SEED = 20_260_415;

let t: TestServer;
let token: string;
const demo = generateDemoRegistry();
const door = demo.addresses.find((a) => a.door_plate_code !== '')!;

beforeAll(async () => {
  t = await startTestServer();
  token = (await t.headersFor()).authorization;
});
afterAll(async () => {
  await t?.close();
});

/** What no answer may carry: a stack frame, a file path, SQL or PostgreSQL's words, a host name. */
const LEAKS: RegExp[] = [
  /    at /,
  /\/node_modules\//,
  /\/work\//,
  /\.ts:\d/,
  /\.js:\d/,
  /\bselect\b[^"]{0,200}\bfrom\b/i,
  /\binsert into\b/i,
  /syntax error at or near/i,
  /invalid byte sequence/i,
  /\brelation "/i,
  /\bECONNREFUSED\b/,
  /127\.0\.0\.1/,
  /localhost/i,
  new RegExp(os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A small GraphQL vocabulary, with the strings the fuzz hides bad characters in. */
function graphqlFragment(random: SeededRandom): string {
  const strings = [`"${door.door_plate_code}"`, '"\\u0000"', '"\\ud800"', '"a\\u0000b"', '"320102"', `"${t.ids.id('DoorPlate', door.door_plate_code)}"`, '"\\"', '""', '"\u0000"'];
  const pieces = [
    '{', '}', '(', ')', '[', ']', ':', '$v', '...', 'on', '@include(if: true)', '@skip(if: $v)', 'query', 'mutation', 'subscription', 'fragment F on Query',
    '__typename', '__schema { types { name fields { name } } }', '__type(name: "Query") { name }', 'doorPlate', 'region', 'grid', 'address', 'person', 'regions',
    'node', 'nodes', 'residents', 'events', 'organizations', 'objects', 'code', 'fullText', 'name', 'id', 'idNumber', 'totalCount', 'first: 100', 'first: -1',
    'first: 99999999999', 'after: "x"', 'code:', 'idNumber:', 'ids:', 'a1:', 'a2:', '#', '\n', ',', '1', '1.5', 'true', 'null', 'ENUM', ...strings,
  ];
  const length = random.int(1, 60);
  return Array.from({ length }, () => random.pick(pieces)).join(random.pick([' ', '', '\n']));
}

/** A plausible document, mutated: characters dropped, doubled or replaced. */
function mutatedDocument(random: SeededRandom): string {
  const documents = [
    `{ doorPlate(code: "${door.door_plate_code}") { code address { fullText residents(first: 5) { totalCount nodes { name } } } } }`,
    'query ($v: String!) { region(code: $v) { code name children(first: 3) { nodes { code } } } }',
    'query ($v: ID!) { node(id: $v) { id ... on DoorPlate { code } } }',
    '{ regions(first: 10) { edges { cursor node { code } } pageInfo { endCursor hasNextPage } } }',
    'query ($v: [ID!]!) { nodes(ids: $v) { id } }',
  ];
  const chars = [...random.pick(documents)];
  for (let i = random.int(0, 6); i > 0; i--) {
    const at = random.int(0, chars.length - 1);
    const how = random.int(0, 2);
    if (how === 0) chars.splice(at, 1);
    else if (how === 1) chars.splice(at, 0, chars[at]);
    else chars[at] = random.pick(['{', '}', '"', '\\', '\u0000', '\ud800', '$', '@', '(', 'é', '€']);
  }
  return chars.join('');
}

function randomVariables(random: SeededRandom): unknown {
  const values: unknown[] = [
    door.door_plate_code, '320102', '\u0000', 'a\u0000', '\ud800', '\udc00x', 'x'.repeat(random.int(0, 5000)), 1, -1, 1e308, true, null, [], {},
    [t.ids.id('DoorPlate', door.door_plate_code)], t.ids.id('Person', '\u0000'), { nested: ['\u0000'] },
  ];
  const choice = random.int(0, 4);
  if (choice === 0) return undefined;
  if (choice === 1) return random.pick(['x', 1, null, [1]]);
  if (choice === 2) return { v: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) };
  return { v: random.pick(values), [random.pick(['w', 'v2', '\u0000'])]: random.pick(values) };
}

function randomOperation(random: SeededRandom): unknown {
  const query = random.chance(0.5) ? graphqlFragment(random) : mutatedDocument(random);
  const operation: Record<string, unknown> = { query, variables: randomVariables(random) };
  if (random.chance(0.1)) operation.operationName = random.pick(['A', '\u0000', 'x'.repeat(300), 5]);
  if (random.chance(0.1)) operation.extensions = { persistedQuery: { version: random.pick([1, 2, '1']), sha256Hash: random.pick(['f'.repeat(64), 'x', 5]) } };
  if (random.chance(0.05)) delete operation.query;
  return operation;
}

function randomBody(random: SeededRandom): Buffer {
  switch (random.int(0, 9)) {
    case 0:
      return Buffer.from(random.pick(['{', 'null', '123', '"x"', '[', '[1,2]', '[null]', '{}', '[]', '{"query":', 'true', '\u0000', '{"query": "{ __typename }",}']));
    case 1:
      return Buffer.from(Array.from({ length: random.int(0, 400) }, () => random.int(0, 255)));
    case 2:
      return Buffer.from(JSON.stringify(Array.from({ length: random.int(0, 14) }, () => randomOperation(random))));
    case 3: {
      // Over the body limit, or just under it.
      const size = random.pick([1024 * 1024 - 200, 1024 * 1024 + 1, 3 * 1024 * 1024]);
      return Buffer.from(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(size) } }));
    }
    case 4: {
      const text = JSON.stringify(randomOperation(random));
      return Buffer.from(text.slice(0, random.int(0, text.length)));
    }
    default:
      return Buffer.from(JSON.stringify(randomOperation(random)));
  }
}

function randomRequest(random: SeededRandom): FuzzRequest {
  const method = random.pick(['POST', 'POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const headers: Record<string, string> = {};
  const contentType = random.pick([
    'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
    'application/json; charset=ebcdic', 'application/graphql-response+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/graphql', '', 'x/y; a=b',
  ]);
  if (contentType !== '') headers['content-type'] = contentType;
  const auth = random.int(0, 9);
  if (auth <= 6) headers.authorization = token;
  else if (auth === 7) headers.authorization = 'Bearer not.a.token';
  else if (auth === 8) headers.authorization = 'Basic abc';
  if (random.chance(0.8)) headers['x-access-purpose'] = random.pick(['fuzz', 'x'.repeat(2000), 'caf\u00e9', '']);
  if (random.chance(0.1)) headers['content-encoding'] = random.pick(['gzip', 'deflate', 'br', 'identity', 'zstd', 'x']);
  if (random.chance(0.1)) headers.accept = random.pick(['text/html', 'application/json', 'multipart/mixed', '*/*', 'image/png']);
  if (random.chance(0.1)) headers['x-request-id'] = random.pick(['r1', 'x'.repeat(1000)]);
  if (random.chance(0.1)) headers['apollo-require-preflight'] = 'true';
  let path = random.pick(['/graphql', '/graphql', '/graphql', '/graphql/', '/graphql/x', '/', '/healthz', '/nope', '/%E0%A4%A', '/graphql?%', '/graphiql/x.js']);
  if (method === 'GET' && path === '/graphql' && random.chance(0.8)) {
    const params = new URLSearchParams();
    const operation = randomOperation(random) as Record<string, unknown>;
    if (typeof operation.query === 'string') params.set('query', operation.query);
    if (operation.variables !== undefined && random.chance(0.5)) params.set('variables', random.chance(0.8) ? JSON.stringify(operation.variables) : '{');
    if (operation.extensions !== undefined) params.set('extensions', JSON.stringify(operation.extensions));
    path += `?${params.toString()}`;
  }
  const body = method === 'GET' || method === 'HEAD' ? (random.chance(0.1) ? randomBody(random) : undefined) : randomBody(random);
  return { method, path, headers, body };
}

function send(port: number, request: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in 30 s to ${request.method} ${request.path.slice(0, 80)}`)));
    // The server may answer (413, 415) and close before an over-size body is all sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve({ status: 0, text: '' }) : reject(error)));
    req.end(request.body);
  });
}

describe(`a seeded fuzz over the HTTP endpoint (${testDatabaseKind})`, () => {
  it(`answers ${REQUESTS} random requests without a 5xx, a stack, a path, SQL or a host name`, async () => {
    const random = new SeededRandom(SEED);
    const requests = Array.from({ length: REQUESTS }, () => randomRequest(random));
    const port = t.server.port;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const { status, text } = await send(port, request);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const sent = `${request.path} ${request.body?.toString('utf8') ?? ''}`;
        const leak = LEAKS.find((pattern) => pattern.test(text) && !pattern.test(sent));
        if (status >= 500 || leak !== undefined) failures.push(`${status} ${request.method} ${request.path.slice(0, 60)} ${JSON.stringify(request.headers['content-type'])}: ${leak ?? ''} ${text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    // The fuzz reached every layer: refusals at the transport, by the limits and GraphQL, and answers.
    for (const status of [200, 400, 413, 415]) expect(statuses.get(status) ?? 0, `answers with status ${status}`).toBeGreaterThan(0);
    // The server still answers normally afterwards.
    const after = await t.query(`{ doorPlate(code: "${door.door_plate_code}") { code } }`);
    expect(after.data.doorPlate.code).toBe(door.door_plate_code);
  });
});
