import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { composeSupergraph } from '../../src/federation/supergraph.js';
import { HUB_SUBGRAPH, subgraphDefinitions } from '../../src/federation/subgraph-sdl.js';
import { buildSchema } from '../../src/graph/schema.js';
import { type RunningServer, startServer } from '../../src/server/http-server.js';
import { cliEnv, runCli } from '../support/cli.js';
import { createTestHub, type TestHub } from '../support/test-hub.js';
import { ALL_DEPARTMENTS, testRealm } from '../support/test-realm.js';

const COMMITTED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/gateway/supergraph.graphql');

describe('the subgraphs’ SDL', () => {
  const definitions = subgraphDefinitions(connectors);
  const byName = new Map(definitions.map((d) => [d.name, d]));

  it('one subgraph for the hub and one per connector, each linking the Federation 2 spec', () => {
    expect(definitions.map((d) => d.name)).toEqual(['hub', 'police', 'civil-affairs', 'governance', 'city-management', 'market-regulation']);
    for (const definition of definitions) expect(definition.sdl).toMatch(/^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
  });

  it('a connector extends the shared entities by their opaque id and owns only its own fields', () => {
    const police = parse(byName.get('police')!.sdl);
    const person = police.definitions.find((d) => 'name' in d && d.name?.value === 'Person') as unknown as { directives: { name: { value: string }; arguments: { value: { value: string } }[] }[]; fields: { name: { value: string } }[] };
    expect(person.directives.map((d) => [d.name.value, d.arguments[0].value.value])).toEqual([['key', 'id']]);
    expect(person.fields.map((f) => f.name.value)).toEqual(['id', 'policeRegistration', 'keyPerson']);
    expect(byName.get('police')!.sdl).not.toContain('idNumber');
    expect(byName.get('police')!.sdl).not.toContain('welfare');
    expect(byName.get('civil-affairs')!.sdl).toContain('welfare');
  });

  it('no subgraph’s public SDL carries gridgraph’s own access directives, and no key is a natural key', () => {
    for (const { sdl } of definitions) {
      expect(sdl).not.toMatch(/@classified|@inArea|@public|@filters|@valueOfField/);
      expect(sdl).not.toMatch(/@key\(fields: "(idNumber|creditCode|code|key)"/);
    }
  });

  it('the hub answers the object types’ crosswalk fields; the department its facets on them', () => {
    const hub = byName.get(HUB_SUBGRAPH)!.sdl;
    expect(hub).toMatch(/type RentalHousing implements RegisteredObject & Node @key\(fields: "id"\) \{[^}]*kind: String[^}]*\}/);
    expect(hub).not.toMatch(/type RentalHousing[^}]*rental:/);
    expect(byName.get('police')!.sdl).toMatch(/type RentalHousing @key\(fields: "id"\) \{[^}]*rental: RentalHousingRecord/);
  });

  it('compose, and the committed supergraph (deploy/gateway) is the composition of today’s subgraphs', () => {
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(composeSupergraph(connectors));
  });

  it('the single-process schema stays as it was: no federation fields', () => {
    const fields = Object.keys(buildSchema(connectors).getQueryType()!.getFields());
    expect(fields).not.toContain('_entities');
    expect(fields).not.toContain('_service');
    expect(fields).toContain('node');
  });
});

describe('gridgraph supergraph', () => {
  it('--check fails on a stale file; --url moves a subgraph; serve --subgraph names the subgraphs there are', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-supergraph-'));
    try {
      const file = path.join(folder, 'supergraph.graphql');
      fs.writeFileSync(file, 'schema { query: Query }\n');
      const stale = await runCli(['supergraph', '--check', file], cliEnv({}));
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('is stale');
      const written = await runCli(['supergraph', '--out', file, '--url', 'police=http://police.internal:8080/graphql'], cliEnv({}));
      expect(written.code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toContain('url: "http://police.internal:8080/graphql"');
      const unknown = await runCli(['serve', '--subgraph', 'housing'], cliEnv({}));
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('the subgraphs are hub, police, civil-affairs, governance, city-management, market-regulation');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a subgraph over HTTP', () => {
  let hub: TestHub;
  let police: RunningServer;

  beforeAll(async () => {
    hub = await createTestHub();
    police = await startServer({ db: hub.db, connectors, sources: [], subgraph: 'police', port: 0, host: '127.0.0.1', verifier: testRealm().verifier });
  });

  afterAll(async () => {
    await police?.close();
    await hub?.close();
  });

  const ask = async (query: string, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(police.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };

  it('answers _service { sdl } with its public SDL to a caller with a token', async () => {
    const answer = await ask('{ _service { sdl } }', await testRealm().token(ALL_DEPARTMENTS));
    expect(answer.status).toBe(200);
    expect(answer.body.data._service.sdl).toBe(subgraphDefinitions(connectors).find((d) => d.name === 'police')!.sdl);
  });

  it('without a token, _service is 401 as the schema is; an empty _entities is allowed as doorPlate is', async () => {
    expect((await ask('{ _service { sdl } }')).status).toBe(401);
    const entities = await ask('{ _entities(representations: []) { __typename } }');
    expect(entities.status).toBe(200);
    expect(entities.body.data._entities).toEqual([]);
  });

  it('without a token, a field that is not public is refused whole through _entities too', async () => {
    const answer = await ask('{ _entities(representations: []) { ... on Person { policeRegistration { phone } } } }');
    expect(answer.status).toBe(401);
  });
});
