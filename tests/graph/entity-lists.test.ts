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
});
