import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { DEFAULT_OPERATION_LIMITS } from '../../src/config/config.js';
import { countStatements } from '../../src/db/statement-counter.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
/** The same hub served with no token limit: what the next line of defence refuses once a document gets past the first. */
let untokened: TestServer;
const demo = generateDemoRegistry();
const plate = demo.addresses.find((a) => a.door_plate_code !== '')!.door_plate_code;

beforeAll(async () => {
  t = await startTestServer();
  untokened = await startTestServer({ hub: t.hub, operationLimits: { ...DEFAULT_OPERATION_LIMITS, tokens: 10_000_000 } });
});
afterAll(async () => {
  await untokened?.server.close();
  await t?.close();
});

/** A door-plate dossier over the hub's own fields, `n` per list. */
const dossier = (alias = '', n = 100) => `${alias}doorPlate(code: "${plate}") { code address { code fullText
  residents(first: ${n}, includeDescendants: true) { totalCount nodes { idNumber name records { source table } } }
  organizations(first: ${n}, includeDescendants: true) { totalCount nodes { creditCode name events(first: 5) { nodes { key category } } } }
  events(first: ${n}, includeDescendants: true) { totalCount nodes { key category timeline { stage at } } }
  objects(first: ${n}, includeDescendants: true) { totalCount nodes { key kind } }
} }`;

/** POSTs a raw body as every department and returns the status, the parsed body and how many hub statements it ran. */
async function post(server: TestServer, body: unknown) {
  const headers = await server.headersFor();
  let response: Response | undefined;
  const statements = await countStatements({ hub: server.hub.db }, async () => {
    response = await fetch(server.server.url, { method: 'POST', headers, body: JSON.stringify(body) });
  });
  return { status: response!.status, body: (await response!.json()) as any, statements: statements.hub ?? 0 };
}

/** The refusal a limit gives: 400, BAD_USER_INPUT, the limit named, nothing executed — no data, not one statement on the hub. */
function expectRefused(answer: { status: number; body: any; statements: number }, limit: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'OPERATION_LIMIT', limit });
  expect(answer.body.errors[0].message).toMatch(/limit of \d+ (operations )?exceeded/i);
  expect(answer.statements).toBe(0);
}

describe(`operation limits over HTTP (${testDatabaseKind})`, () => {
  it('answers a normal door-plate dossier at 100 per list', async () => {
    const answer = await post(t, { query: `{ ${dossier()} }` });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.doorPlate.code).toBe(plate);
  });

  it('refuses 1,000 aliased door-plate dossiers by their tokens, and aliased dossiers by their aliases once tokens are not limited', async () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => dossier(`d${i}: `)).join('\n')} }`;
    expectRefused(await post(t, { query: aliased(1000) }), 'tokens');
    // Without the token limit the whole document is parsed and validated first: 100 keep that quick on a busy machine.
    expectRefused(await post(untokened, { query: aliased(100) }), 'aliases');
  });

  it('refuses a batch of 1,000 operations, and answers a batch within the limit', async () => {
    expectRefused(await post(t, Array.from({ length: 1000 }, () => ({ query: `{ ${dossier()} }` }))), 'batch');
    const batch = await post(t, Array.from({ length: DEFAULT_OPERATION_LIMITS.batch }, () => ({ query: `{ doorPlate(code: "${plate}") { code } }` })));
    expect(batch.status).toBe(200);
    expect(batch.body.map((answer: any) => answer.data.doorPlate.code)).toEqual(Array(DEFAULT_OPERATION_LIMITS.batch).fill(plate));
  });

  it('refuses 10,000 aliases on a person, and 16 aliases where 15 answer', async () => {
    const person = (aliases: number) => `{ person(idNumber: "11010519491231002X") { ${Array.from({ length: aliases }, (_, i) => `n${i}: name`).join(' ')} } }`;
    expectRefused(await post(t, { query: person(10_000) }), 'tokens');
    expectRefused(await post(untokened, { query: person(10_000) }), 'aliases');
    expectRefused(await post(t, { query: person(16) }), 'aliases');
    const fifteen = await post(t, { query: person(15) });
    expect(fifteen.body.errors).toBeUndefined();
  });

  it('refuses deep nesting: 8 levels where 7 answer', async () => {
    const nested = (levels: number) => `{ doorPlate(code: "${plate}") { address { ${'parent { '.repeat(levels - 3)}code${' }'.repeat(levels - 3)} } } }`;
    expectRefused(await post(t, { query: nested(8) }), 'depth');
    expect((await post(t, { query: nested(7) })).body.errors).toBeUndefined();
    expectRefused(await post(untokened, { query: nested(400) }), 'depth');
  });

  it('refuses a token flood before parsing it', async () => {
    expectRefused(await post(t, { query: `{ ${'__typename '.repeat(80_000)}}` }), 'tokens');
    expectRefused(await post(t, { query: `{ ${'... on Query { __typename } '.repeat(200)}}` }), 'tokens');
  });

  it('refuses a directive flood: 51 directives where 50 answer', async () => {
    // Aliases of __typename are not counted (GraphQL Armor's allow list), so only the directives are over a limit.
    const flood = (directives: number) => `{ ${Array.from({ length: directives }, (_, i) => `t${i}: __typename @include(if: true)`).join(' ')} }`;
    expectRefused(await post(t, { query: flood(51) }), 'directives');
    expect((await post(t, { query: flood(50) })).body.data).toMatchObject({ t0: 'Query', t49: 'Query' });
  });

  it('refuses an operation whose page sizes multiply past the cost limit, reading `first` from variables too', async () => {
    const query = `query ($n: Int!) { regions(first: $n) { nodes { children(first: $n) { nodes { code name } } } } }`;
    // regions, nodes, and 100 × (a region, its children, their nodes and 100 × (code, name)): 1 + 1 + 100 × (1 + 1 + 100 × 2) = 20,202 estimated fields.
    const refused = await post(t, { query, variables: { n: 100 } });
    expectRefused(refused, 'cost');
    expect(refused.body.errors[0].message).toContain('estimated 20202');
    const small = await post(t, { query, variables: { n: 10 } });
    expect(small.body.errors).toBeUndefined();
  });

  it('counts nodes(ids:) once per id', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => t.ids.id('DoorPlate', `P${i}`));
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on DoorPlate { address { code fullText region { name } grid { code } } } } }`;
    expectRefused(await post(t, { query, variables: { ids } }), 'cost');
  });
});
