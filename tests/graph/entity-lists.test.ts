import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectors } from '../../connectors/index.js';
import { countStatements } from '../../src/db/statement-counter.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { TEST_DISTRICTS } from '../support/test-realm.js';
import { type Caller, type GraphQLResponse, startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let hub: TestHub;
let sources: SourceDatabase[];

beforeAll(async () => {
  // The demo registry, the five sources generated at 0.3 and synced (see demo-world.ts).
  ({ hub, sources } = await openDemoDatabases({ connectors, scale: 0.3, synced: true }));
  t = await startTestServer({ hub, connectors, sources });
});
afterAll(async () => {
  await t?.close();
  for (const source of sources ?? []) await source.close();
});

/** Plain SQL: the live entities of a kind with a record whose address's community code starts with one of `prefixes`. */
const placedIn = (kind: string, prefixes: readonly string[]) => sql`
  select s.entity_key from crosswalk s join standard_address a on a.code = s.address_code
  where s.entity_kind = ${kind} and not s.deleted and (${sql.join(prefixes.map((prefix) => sql`a.division_code like ${`${prefix}%`}`), sql` or `)})`;

describe(`lists of entities: a page and its total in one statement (${testDatabaseKind})`, () => {
  it('counts the whole list on every page, the empty page after the last included, in the caller’s area only', async () => {
    // The staff of one street (the one with most events), with a purpose: the list holds only what happened there.
    const { rows: [street] } = await sql<{ code: string }>`
      select left(a.division_code, 9) as code from crosswalk c join standard_address a on a.code = c.address_code
      where c.entity_kind = 'EVENT' and not c.deleted group by 1 order by count(distinct c.entity_key) desc limit 1`.execute(hub.db);
    const streetStaff: Caller = { as: { roles: ['street-staff'], streets: [street.code] }, purpose: 'entity list test' };
    // The commonest category there: a list long enough for several pages.
    const { rows: [common] } = await sql<{ category: string }>`
      select shared ->> 'category' as category from crosswalk
      where entity_kind = 'EVENT' and not deleted and shared ->> 'category' <> '' and entity_key in (${placedIn('EVENT', [street.code])})
      group by 1 order by count(distinct entity_key) desc limit 1`.execute(hub.db);
    const { rows: expected } = await sql<{ entity_key: string }>`
      select distinct entity_key from crosswalk
      where entity_kind = 'EVENT' and not deleted and entity_key is not null and shared ->> 'category' = ${common.category}
        and entity_key in (${placedIn('EVENT', [street.code])})
      order by entity_key`.execute(hub.db);
    const { rows: [everywhere] } = await sql<{ n: string }>`
      select count(distinct entity_key) as n from crosswalk
      where entity_kind = 'EVENT' and not deleted and entity_key in (${placedIn('EVENT', TEST_DISTRICTS)}) and shared ->> 'category' = ${common.category}`.execute(hub.db);
    expect(Number(everywhere.n), 'the street holds only part of the list').toBeGreaterThan(expected.length);
    expect(expected.length, 'the list spans several pages').toBeGreaterThan(10);

    const PAGE = `query ($category: String!, $after: String) {
      events(category: $category, first: 5, after: $after) { totalCount nodes { key } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: GraphQLResponse = await t.query(PAGE, { category: common.category, after }, streetStaff);
      expect(errors).toBeUndefined();
      expect(data.events.totalCount).toBe(expected.length);
      seen.push(...data.events.nodes.map((node: { key: string }) => node.key));
      after = data.events.pageInfo.endCursor;
      if (!data.events.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual(expected.map((row) => row.entity_key));
    const beyond = await t.query(PAGE, { category: common.category, after }, streetStaff);
    expect(beyond.data.events).toMatchObject({ totalCount: expected.length, nodes: [], pageInfo: { hasNextPage: false } });
  });

  it('looks a resident up with five hub statements: records with the area, links, events with their count, residence with its building, organizations', async () => {
    const { rows: [person] } = await sql<{ id: string }>`
      select o.to_key as id from crosswalk_link o
      where o.to_kind = 'PERSON' and o.from_kind = 'ORGANIZATION' and not o.deleted
        and o.to_key in (${placedIn('PERSON', TEST_DISTRICTS)})
        and (select count(distinct e.from_key) from crosswalk_link e
             where e.to_kind = 'PERSON' and e.to_key = o.to_key and e.from_kind = 'EVENT' and not e.deleted
               and e.from_key in (${placedIn('EVENT', TEST_DISTRICTS)})) >= 2
      order by o.to_key limit 1`.execute(hub.db);
    expect(person, 'the demo has a resident who represents an organization and is party to two events').toBeDefined();
    const { rows: events } = await sql<{ from_key: string }>`
      select distinct from_key from crosswalk_link
      where to_kind = 'PERSON' and to_key = ${person.id} and from_kind = 'EVENT' and not deleted
        and from_key in (${placedIn('EVENT', TEST_DISTRICTS)})
      order by from_key`.execute(hub.db);

    const RESIDENT = `query ($id: IdNumber!, $after: String) { person(idNumber: $id) {
      name residence { code fullText } policeRegistration { populationType }
      organizations { role organization { creditCode name } }
      events(first: 1, after: $after) { totalCount nodes { key } pageInfo { endCursor } } } }`;
    let first: GraphQLResponse | undefined;
    const counted = await countStatements({ hub: hub.db }, async () => {
      first = await t.query(RESIDENT, { id: person.id });
    });
    expect(first!.errors).toBeUndefined();
    expect(first!.data.person.events).toMatchObject({ totalCount: events.length, nodes: [{ key: events[0].from_key }] });
    expect(first!.data.person.organizations.length).toBeGreaterThan(0);
    expect(counted.hub).toBe(5);

    const second = await t.query(RESIDENT, { id: person.id, after: first!.data.person.events.pageInfo.endCursor });
    expect(second.data.person.events).toMatchObject({ totalCount: events.length, nodes: [{ key: events[1].from_key }] });
  });

  it('lists nothing at an address outside the area reached as the building a masked residence shows, descendants or not', async () => {
    // A resident of a room in a grid; their building moved to another grid (the registry does not require a room's
    // grid to be its building's), and someone else's record placed on the building itself.
    const { rows: [room] } = await sql<{ person: string; room: string; building: string; grid: string; other_grid: string; other: string }>`
      select c.entity_key as person, a.code as room, b.code as building, a.grid_code as grid,
             (select min(code) from grid where code <> a.grid_code) as other_grid,
             (select min(o.entity_key) from crosswalk o where o.entity_kind = 'PERSON' and o.entity_key <> c.entity_key and not o.deleted) as other
      from crosswalk c join standard_address a on a.code = c.address_code join standard_address b on b.code = a.parent_code
      where c.entity_kind = 'PERSON' and not c.deleted and a.level = 'ROOM' and a.grid_code is not null
        and not exists (select 1 from crosswalk o where o.entity_kind = 'PERSON' and o.entity_key = c.entity_key and o.address_code <> a.code and not o.deleted)
      order by c.entity_key limit 1`.execute(hub.db);
    expect(room, 'the demo has a resident of a room').toBeDefined();
    const { rows: [moved] } = await sql<{ source: string; record_id: string; address_code: string }>`
      select source, record_id, address_code from crosswalk where entity_kind = 'PERSON' and entity_key = ${room.other} and not deleted limit 1`.execute(hub.db);
    await sql`update standard_address set grid_code = ${room.other_grid} where code = ${room.building}`.execute(hub.db);
    await sql`update crosswalk set address_code = ${room.building} where source = ${moved.source} and record_id = ${moved.record_id}`.execute(hub.db);
    try {
      const gridWorker: Caller = { as: { roles: ['grid-worker'], grids: [room.grid] }, purpose: null };
      const { data, errors } = await t.query(
        `query ($id: ID!) { node(id: $id) { ... on Person { residence { code
          here: residents(includeDescendants: false) { totalCount nodes { id } }
          below: residents(includeDescendants: true) { totalCount nodes { id } } } } } }`,
        { id: t.ids.id('Person', room.person) },
        gridWorker,
      );
      expect(errors).toBeUndefined();
      // The mask shows the building; nothing placed on it is in the grid worker's grid, and the room below is.
      expect(data.node.residence.code).toBe(room.building);
      expect(data.node.residence.here).toEqual({ totalCount: 0, nodes: [] });
      expect(data.node.residence.below.nodes).toContainEqual({ id: t.ids.id('Person', room.person) });
      expect(data.node.residence.below.nodes).not.toContainEqual({ id: t.ids.id('Person', room.other) });
    } finally {
      await sql`update crosswalk set address_code = ${moved.address_code} where source = ${moved.source} and record_id = ${moved.record_id}`.execute(hub.db);
      await sql`update standard_address set grid_code = ${room.grid} where code = ${room.building}`.execute(hub.db);
    }
  });
});
