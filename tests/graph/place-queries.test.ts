import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { type GraphQLResponse, startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
const demo = generateDemoRegistry();
const room = demo.addresses.find((a) => a.room !== '')!;
const building = demo.addresses.find((a) => a.building === room.building && a.road === room.road && a.road_number === room.road_number && a.room === '')!;
const door = demo.addresses.find((a) => a.building === '' && a.road === room.road && a.road_number === room.road_number)!;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe(`place queries over HTTP (${testDatabaseKind})`, () => {
  it('finds a room by code, with its parents up to the door, its grid, region and full text', async () => {
    const { data, errors } = await t.query(
      `query ($code: String!) {
        address(code: $code) {
          code level fullText road roadNumber compound building unit floor room
          region { code name level parent { name level } }
          grid { code kind community { code } }
          parent { level code doorPlate { code } parent { level code parent { code } } }
        }
      }`,
      { code: room.address_code },
    );
    expect(errors).toBeUndefined();
    expect(data.address).toMatchObject({
      code: room.address_code,
      level: 'ROOM',
      road: room.road,
      roadNumber: room.road_number,
      building: room.building,
      unit: room.unit,
      floor: room.floor,
      room: room.room,
      region: { code: room.division_code, name: room.community, level: 'COMMUNITY', parent: { name: room.street, level: 'STREET' } },
      grid: { code: room.grid_code },
      parent: { level: 'BUILDING', code: building.address_code, doorPlate: { code: building.door_plate_code }, parent: { level: 'DOOR', code: door.address_code, parent: null } },
    });
    expect(data.address.fullText).toContain(`${room.road}${room.road_number}号${room.compound}${room.building}栋${room.unit}单元${room.room}室`);
  });

  it('finds what a door plate points to', async () => {
    const { data } = await t.query(`query ($code: String!) { doorPlate(code: $code) { code address { code level } } }`, { code: door.door_plate_code });
    expect(data.doorPlate).toEqual({ code: door.door_plate_code, address: { code: door.address_code, level: 'DOOR' } });
  });

  it('answers null for codes that do not exist', async () => {
    const { data, errors } = await t.query(`{ address(code: "NOPE") { code } doorPlate(code: "NOPE") { code } region(code: "999999") { code } grid(code: "NOPE") { code } }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ address: null, doorPlate: null, region: null, grid: null });
  });

  it('walks the region tree from the district down to grids and addresses', async () => {
    const { data } = await t.query(`{
      region(code: "320102") {
        name level parent { code name level parent { code level } }
        children(first: 100) { totalCount nodes { code name level } }
        grids(first: 1) { totalCount }
        addresses(level: DOOR, first: 1) { totalCount }
      }
    }`);
    const streets = new Set(demo.grids.map((g) => g.division_code.slice(0, 9)));
    expect(data.region).toMatchObject({
      name: '玄武区',
      level: 'DISTRICT',
      parent: { code: '320100', name: '南京市', level: 'CITY', parent: { code: '320000', level: 'PROVINCE' } },
      children: { totalCount: streets.size },
      grids: { totalCount: demo.grids.length },
      addresses: { totalCount: demo.addresses.filter((a) => a.building === '').length },
    });
    expect(data.region.children.nodes.map((n: { code: string }) => n.code)).toEqual([...streets].sort());
  });

  it('lists a grid and its addresses', async () => {
    const grid = demo.grids[0];
    const { data } = await t.query(`query ($code: String!) { grid(code: $code) { code name kind community { code name } addresses(first: 0) { totalCount } } }`, { code: grid.grid_code });
    expect(data.grid).toMatchObject({ code: grid.grid_code, name: grid.name, kind: grid.kind, community: { code: grid.division_code, name: grid.community } });
    expect(data.grid.addresses.totalCount).toBe(demo.addresses.filter((a) => a.grid_code === grid.grid_code).length);
  });

  it('pages through a long list with first/after and no row twice or missed', async () => {
    const codes: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: GraphQLResponse = await t.query(
        `query ($after: String) { region(code: "320102002") { addresses(level: DOOR, first: 7, after: $after) { totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      expect(response.errors).toBeUndefined();
      const page: { edges: { cursor: string; node: { code: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
        response.data.region.addresses;
      codes.push(...page.edges.map((e: { node: { code: string } }) => e.node.code));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = demo.addresses.filter((a) => a.building === '' && a.division_code.startsWith('320102002')).map((a) => a.address_code).sort();
    expect(codes).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('lists children of a building in code order', async () => {
    const { data } = await t.query(`query ($code: String!) { address(code: $code) { children(first: 3) { totalCount nodes { code level } pageInfo { hasNextPage } } } }`, { code: building.address_code });
    const rooms = demo.addresses.filter((a) => a.room !== '' && a.road === building.road && a.road_number === building.road_number && a.building === building.building);
    expect(data.address.children.totalCount).toBe(rooms.length);
    expect(data.address.children.nodes).toEqual(rooms.map((r) => ({ code: r.address_code, level: 'ROOM' })).sort((a, b) => a.code.localeCompare(b.code)).slice(0, 3));
  });

  it('round-trips node(id) for every place type', async () => {
    const { data } = await t.query(`query ($code: String!, $plate: String!, $grid: String!) {
      address(code: $code) { id } doorPlate(code: $plate) { id } grid(code: $grid) { id } region(code: "320102") { id }
    }`, { code: room.address_code, plate: door.door_plate_code, grid: room.grid_code });
    const ids = [data.address.id, data.doorPlate.id, data.grid.id, data.region.id];
    const { data: found } = await t.query(`query ($ids: [ID!]!) {
      nodes(ids: $ids) { __typename id ... on StandardAddress { code } ... on DoorPlate { code } ... on Grid { code } ... on Region { code } }
    }`, { ids });
    expect(found.nodes).toEqual([
      { __typename: 'StandardAddress', id: ids[0], code: room.address_code },
      { __typename: 'DoorPlate', id: ids[1], code: door.door_plate_code },
      { __typename: 'Grid', id: ids[2], code: room.grid_code },
      { __typename: 'Region', id: ids[3], code: '320102' },
    ]);
    const single = await t.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: ids[0] });
    expect(single.data.node.id).toBe(ids[0]);
  });

  it('answers null for an id of nothing, and for an id it did not make', async () => {
    const missing = await t.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: t.ids.id('StandardAddress', 'NOPE') });
    expect(missing.data.node).toBeNull();
    const unknownType = await t.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: t.ids.id('Spaceship', '1') });
    expect(unknownType.data.node).toBeNull();
    const bad = await t.query(`{ node(id: "not-an-id") { id } }`);
    expect(bad).toMatchObject({ data: { node: null } });
    expect(bad.errors).toBeUndefined();
  });

  it('rejects a bad cursor and an oversized page with BAD_USER_INPUT at the field', async () => {
    const cursor = await t.query(`{ region(code: "320102") { children(after: "bogus") { totalCount } } }`);
    expect(cursor.errors).toEqual([expect.objectContaining({ path: ['region', 'children'], extensions: { code: 'BAD_USER_INPUT', argument: 'after' } })]);
    const size = await t.query(`{ grids(first: 1000) { totalCount } }`);
    expect(size.errors).toEqual([expect.objectContaining({ path: ['grids'], message: 'first must be from 0 to 100, got 1000' })]);
  });

  it('keeps GraphQL syntax and validation errors as they are, without stack traces', async () => {
    const syntax = await t.query(`{ address(code: `);
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    const unknown = await t.query(`{ address(code: "x") { nonsense } }`);
    expect(unknown.errors?.[0]).toMatchObject({ message: expect.stringContaining('nonsense'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(JSON.stringify(unknown.errors)).not.toMatch(/stacktrace|at .*\.ts/);
  });
});

describe('the HTTP surface', () => {
  it('serves GraphiQL to a browser, with every asset local', async () => {
    const page = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBe(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const response = await fetch(new URL(asset, t.server.url));
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });

  it('answers a GraphQL GET with a query, and introspection to a caller with a token', async () => {
    const { authorization } = await t.headersFor();
    const response = await fetch(`${t.server.url}?query=${encodeURIComponent('{ __type(name: "StandardAddress") { name } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true', authorization },
    });
    expect(await response.json()).toEqual({ data: { __type: { name: 'StandardAddress' } } });
  });

  it('reports alive and ready', async () => {
    const base = new URL(t.server.url).origin;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: [{ name: 'hub', ready: true }] });
  });
});
