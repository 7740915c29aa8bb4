import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { loadTrustedDocuments } from '../../src/server/trusted-documents.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const demo = generateDemoRegistry();
const plate = demo.addresses.find((a) => a.door_plate_code !== '')!.door_plate_code;
const DOOR_PLATE = 'query DoorPlate($code: String!) { doorPlate(code: $code) { code } }';
const TYPENAME = '{ __typename }';
/** As graphql-codegen's client preset writes it (`persistedDocuments` with sha256): hash → document. */
const manifest = { [sha256(DOOR_PLATE)]: DOOR_PLATE, [sha256(TYPENAME)]: TYPENAME };
let t: TestServer;
let folder: string;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-trusted-'));
  fs.writeFileSync(path.join(folder, 'persisted-documents.json'), JSON.stringify(manifest));
  t = await startTestServer({ trustedDocuments: loadTrustedDocuments(path.join(folder, 'persisted-documents.json')) });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function post(body: unknown) {
  const response = await fetch(t.server.url, { method: 'POST', headers: await t.headersFor(), body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

const answered = { status: 200, body: { data: { doorPlate: { code: plate } } } };
const refused = { status: 403, body: { errors: [{ message: expect.stringContaining('only trusted documents'), extensions: { code: 'FORBIDDEN', reason: 'UNTRUSTED_DOCUMENT' } }] } };

describe(`trusted-documents mode (${testDatabaseKind})`, () => {
  it('runs a manifest document named by documentId, by the APQ extension, or sent in full', async () => {
    expect(await post({ documentId: sha256(DOOR_PLATE), variables: { code: plate } })).toEqual(answered);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(DOOR_PLATE) } }, variables: { code: plate } })).toEqual(answered);
    expect(await post({ query: DOOR_PLATE, variables: { code: plate } })).toEqual(answered);
  });

  it('runs a manifest document by hash over GET', async () => {
    const response = await fetch(`${t.server.url}?documentId=${sha256(TYPENAME)}`, { headers: { ...(await t.headersFor()), 'apollo-require-preflight': 'true' } });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('refuses any other document, sent in full or by an unknown hash, with 403 FORBIDDEN', async () => {
    expect(await post({ query: '{ doorPlate(code: "x") { code address { fullText } } }' })).toEqual(refused);
    expect(await post({ query: `${DOOR_PLATE} ` })).toEqual(refused);
    expect(await post({ documentId: sha256('{ regions { totalCount } }') })).toEqual(refused);
    expect(await post([{ query: TYPENAME }, { query: '{ regions { totalCount } }' }])).toEqual(refused);
    const response = await fetch(`${t.server.url}?query=${encodeURIComponent('{ regions { totalCount } }')}`, { headers: { ...(await t.headersFor()), 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(403);
  });

  it('refuses a document sent with the hash of another: 400', async () => {
    const { status, body } = await post({ documentId: sha256(DOOR_PLATE), query: TYPENAME });
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'HASH_MISMATCH' });
  });

  it('reads Apollo persisted query manifests too, and names the variable when a manifest cannot be read', () => {
    const apollo = path.join(folder, 'apollo.json');
    fs.writeFileSync(apollo, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'abc', name: 'T', type: 'query', body: TYPENAME }] }));
    const trusted = loadTrustedDocuments(apollo);
    expect(trusted.byHash('abc')).toBe(TYPENAME);
    expect(trusted.includes(TYPENAME)).toBe(true);
    expect(() => loadTrustedDocuments(path.join(folder, 'missing.json'))).toThrow(/^GRAPHQL_TRUSTED_DOCUMENTS: cannot read/);
    fs.writeFileSync(path.join(folder, 'bad.json'), JSON.stringify({ abc: 5 }));
    expect(() => loadTrustedDocuments(path.join(folder, 'bad.json'))).toThrow(/^GRAPHQL_TRUSTED_DOCUMENTS: .* is not a manifest/);
  });
});
