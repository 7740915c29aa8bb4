import { sql } from 'kysely';
import {
  getNamedType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  getNullableType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { type FieldRule, readFieldRules } from '../../src/access/classification.js';
import { ROLES, type Role } from '../../src/access/roles.js';
import type { TokenRequest } from '../../src/auth/mint-token.js';
import { buildSchema } from '../../src/graph/schema.js';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import type { GraphQLResponse } from '../support/test-server.js';

/**
 * The generated matrix of docs/design.md §5.3: every role × every classified field the
 * demo data fills, with and without a purpose, within and outside the role's
 * area. The expected outcome of each cell comes from the role table restated
 * below, independently of src/access/policy.ts; the field's classification is
 * what its SDL declares.
 */
type Outcome = 'FULL' | 'MASKED' | 'DENIED';

function expectedOutcome(role: Role, rule: FieldRule, owner: string | undefined, purpose: boolean): Outcome {
  const department = role.startsWith('dept-') ? role.slice(5) : undefined;
  let outcome: Outcome;
  if (rule.domain === 'AUDIT') outcome = role === 'auditor' ? 'FULL' : 'DENIED';
  else if (role === 'auditor') outcome = 'DENIED';
  else if (rule.level === 'L1') outcome = 'FULL';
  else if (rule.level === 'L2') outcome = role === 'data-steward' && rule.domain !== 'METADATA' ? 'DENIED' : 'FULL';
  else if (rule.level === 'L3') outcome = department !== undefined && (rule.identity || department === owner) && purpose ? 'FULL' : 'MASKED';
  else if (rule.aggregate) outcome = department === owner || role === 'district-command' ? 'FULL' : 'DENIED';
  else outcome = department !== undefined && department === owner ? (purpose ? 'FULL' : 'MASKED') : 'DENIED';
  return outcome === 'MASKED' && rule.mask === undefined ? 'DENIED' : outcome;
}

/** What a masked value must look like, given the full one (the examples of docs/design.md §5.4). */
function expectMasked(mask: FieldRule['mask'], full: unknown, shown: unknown, where: string) {
  if (full === null) return expect(shown, where).toBeNull();
  const value = String(full);
  switch (mask) {
    case 'ID_NUMBER':
      return expect(shown, where).toBe(`${value.slice(0, 6)}********${value.slice(-4)}`);
    case 'PHONE':
      return expect(shown, where).toBe(`${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`);
    case 'NAME':
      expect([...String(shown)].length, where).toBe([...value].length);
      expect(String(shown)[0], where).toBe(value[0]);
      return expect(String(shown), where).toContain('*');
    case 'DATE':
      return expect(shown, where).toBe(`${value.slice(0, 4)}-**-**`);
    case 'ADDRESS':
      if (typeof full === 'object') return expect((shown as { level: string }).level, where).not.toBe('ROOM');
      expect(value.startsWith(String(shown)), where).toBe(true);
      return expect(String(shown), where).not.toMatch(/室$/);
    default:
      return expect(shown, where).toBe(full);
  }
}

const PLACE_SELECTION = 'code level';
const ENTITY_TYPES = new Set(['Person', 'Organization', 'Event', 'RegisteredObject', 'Node']);

/** Every field of a type reachable without arguments, two levels deep; entities met inside stop at their id. */
function selectionOf(type: GraphQLObjectType, depth: number): string {
  const parts = Object.values(type.getFields()).flatMap((field: GraphQLField<unknown, unknown>) => {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) return [];
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (named.name === 'StandardAddress') return [`${field.name} { ${PLACE_SELECTION} }`];
    if (ENTITY_TYPES.has(named.name)) return [`${field.name} { __typename id }`];
    if (named.name.endsWith('Connection')) return [`${field.name} { totalCount }`];
    if (!isObjectType(named) || depth >= 2) return [];
    return [`${field.name} { ${selectionOf(named, depth + 1)} }`];
  });
  return parts.join(' ');
}

let world: DemoWorld;
let schema: GraphQLSchema;
let rules: Map<string, FieldRule>;
let ids: string[];
/** Where the chosen entities are: grids, communities, streets, districts. */
let area: { grids: string[]; communities: string[]; streets: string[]; districts: string[] };
let query: string;
let reference: GraphQLResponse;

/** For each source table, one entity it describes that has a resolved address; and a person on whose name sources disagree. */
async function chooseEntities(): Promise<{ kind: string; key: string; type: string }[]> {
  const { rows } = await sql<{ entity_kind: string; entity_key: string; source: string; source_table: string }>`
    select distinct on (c.source, c.source_table) c.entity_kind, c.entity_key, c.source, c.source_table
    from crosswalk c
    where c.entity_key is not null and not c.deleted
      and exists (select 1 from crosswalk r where r.entity_kind = c.entity_kind and r.entity_key = c.entity_key and r.address_code is not null and not r.deleted)
      and (c.entity_kind <> 'EVENT' or exists (select 1 from crosswalk_link l where l.from_kind = 'EVENT' and l.from_key = c.entity_key)
           or not exists (select 1 from crosswalk_link l join crosswalk e on e.entity_key = l.from_key where e.source_table = c.source_table))
    order by c.source, c.source_table, c.entity_key`.execute(world.hub.db);
  const { rows: conflicted } = await sql<{ entity_key: string }>`
    select entity_key from crosswalk where entity_kind = 'PERSON' and not deleted and shared ->> 'name' is not null
    group by entity_key having count(distinct shared ->> 'name') > 1 and bool_or(address_code is not null) order by entity_key limit 1`.execute(world.hub.db);
  const typeOf = (row: { entity_kind: string; source: string; source_table: string }) =>
    row.entity_kind === 'OBJECT'
      ? connectors.find((c) => c.name === row.source)!.tables.find((t) => t.table === row.source_table)!.objectType!
      : ({ PERSON: 'Person', ORGANIZATION: 'Organization', EVENT: 'Event' } as Record<string, string>)[row.entity_kind];
  return [...rows.map((row) => ({ kind: row.entity_kind, key: row.entity_key, type: typeOf(row) })), ...conflicted.map((row) => ({ kind: 'PERSON', key: row.entity_key, type: 'Person' }))];
}

beforeAll(async () => {
  world = await startDemoWorld(0.3);
  schema = buildSchema(connectors);
  rules = readFieldRules(schema);
  const entities = await chooseEntities();
  ids = entities.map((e) => world.t.ids.id(e.type, e.key));
  // The area covers the chosen entities and those they link to (legal representatives, parties, landlords).
  const keys = sql.join(entities.map((e) => e.key));
  const { rows } = await sql<{ grid_code: string | null; division_code: string }>`
    select distinct a.grid_code, a.division_code from crosswalk c join standard_address a on a.code = c.address_code
    where c.entity_key in (${keys})
       or c.entity_key in (select to_key from crosswalk_link where from_key in (${keys}))
       or c.entity_key in (select from_key from crosswalk_link where to_key in (${keys}))`.execute(world.hub.db);
  area = {
    grids: [...new Set(rows.flatMap((r) => (r.grid_code ? [r.grid_code] : [])))],
    communities: [...new Set(rows.map((r) => r.division_code))],
    streets: [...new Set(rows.map((r) => r.division_code.slice(0, 9)))],
    districts: [...new Set(rows.map((r) => r.division_code.slice(0, 6)))],
  };
  const types = [...new Set(entities.map((e) => e.type))];
  query = `query Matrix($ids: [ID!]!) {
    nodes(ids: $ids) { __typename ${types.map((type) => `... on ${type} { ${selectionOf(schema.getType(type) as GraphQLObjectType, 0)} }`).join(' ')} }
    region(code: "${area.districts[0]}") { ${Object.values((schema.getType('Region') as GraphQLObjectType).getFields()).filter((f) => isLeafType(getNamedType(f.type))).map((f) => f.name).join(' ')} }
    dataQuality { tables { source table records keysInvalid } }
    auditChain { intact records }
  }`;
  reference = await world.t.query(query, { ids }, { as: { roles: Object.keys(ROLES) as Role[], ...areaClaims(area) }, purpose: 'matrix reference' });
});
afterAll(async () => {
  await world?.close();
});

const areaClaims = (a: typeof area) => ({ grids: a.grids, communities: a.communities, streets: a.streets, districts: a.districts });

/** The token of a role whose area covers `a`. */
function tokenFor(role: Role, a: typeof area): TokenRequest {
  return { roles: [role], ...areaClaims(a), subject: `matrix-${role}` };
}

interface Cells {
  full: number;
  masked: number;
  denied: number;
}

/**
 * Walks the reference answer (every role, with a purpose: every value in full)
 * and the role's answer side by side, field by field, checking each against
 * the expected outcome.
 */
function checkAnswer(role: Role, purpose: boolean, answer: GraphQLResponse): Cells {
  const cells: Cells = { full: 0, masked: 0, denied: 0 };
  const forbidden = new Set((answer.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => JSON.stringify(e.path)));
  const expectedForbidden = new Set<string>();
  /** Objects nulled by a denied non-null field: GraphQL stops at the first such field, so any of their denied fields may be reported, and at least one non-null one must be. */
  const bubbled: { allowed: Set<string>; causes: string[] }[] = [];
  const other = (answer.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN');
  expect(other, `${role}: errors other than FORBIDDEN`).toEqual([]);

  /** A field's rule and expected outcome; a `@valueOfField` field's is that of the entity's field its value belongs to. */
  const outcomeOf = (type: GraphQLObjectType, field: string, owner: string | undefined, valueOf?: string) => {
    let rule = rules.get(`${type.name}.${field}`);
    expect(rule, `${type.name}.${field} is classified`).toBeDefined();
    if (rule!.valueOf) rule = rules.get(valueOf ?? 'unknown');
    if (rule === undefined) return { rule: rules.get(`${type.name}.${field}`)!, outcome: 'DENIED' as Outcome };
    return { rule, outcome: expectedOutcome(role, rule, rule.department ?? owner, purpose) };
  };

  /** Whether the role may know of a record in this source table: its facet's level, and for L3/L4 the outcome on that facet. */
  const recordVisible = (source: string, table: string) => {
    const connector = connectors.find((c) => c.name === source)!;
    const mapping = connector.tables.find((t) => t.table === table)!;
    const type = mapping.entity === 'OBJECT' ? mapping.objectType! : ({ PERSON: 'Person', ORGANIZATION: 'Organization', EVENT: 'Event' } as Record<string, string>)[mapping.entity];
    const facet = rules.get(`${type}.${mapping.facet.field}`)!;
    return facet.level === 'L1' || facet.level === 'L2' || expectedOutcome(role, facet, facet.department ?? source, purpose) !== 'DENIED';
  };

  /** The part of a list the role is shown: records it may know of; conflicts among the values of those records that still disagree. */
  const visiblePart = (field: string, items: Record<string, unknown>[], entity: Record<string, unknown>) => {
    if (field === 'records') return items.filter((r) => recordVisible(String(r.source), String(r.table)));
    if (field !== 'conflicts') return items;
    const sources = new Set(((entity.records ?? []) as Record<string, unknown>[]).filter((r) => recordVisible(String(r.source), String(r.table))).map((r) => r.source));
    return items.flatMap((conflict) => {
      const values = (conflict.values as Record<string, unknown>[]).filter((v) => sources.has(v.source));
      return new Set(values.map((v) => v.value)).size > 1 ? [{ ...conflict, values }] : [];
    });
  };

  /** Whether a denied non-null field inside makes this object null (GraphQL's null propagation); registers what may be reported. */
  const bubbles = (full: Record<string, unknown>, type: GraphQLObjectType, path: (string | number)[], owner: string | undefined): boolean => {
    const allowed = new Set<string>();
    const causes: string[] = [];
    for (const field of Object.keys(full)) {
      if (field === '__typename') continue;
      const { outcome } = outcomeOf(type, field, owner);
      if (outcome !== 'DENIED') continue;
      allowed.add(JSON.stringify([...path, field]));
      if (isNonNullType(type.getFields()[field].type)) causes.push(JSON.stringify([...path, field]));
    }
    bubbled.push({ allowed, causes });
    return causes.length > 0;
  };

  const walk = (
    full: Record<string, unknown>,
    shown: Record<string, unknown> | null,
    type: GraphQLObjectType,
    path: (string | number)[],
    owner: string | undefined,
    outer?: Record<string, unknown>,
    entityType?: string,
  ) => {
    if (shown === null) {
      expect(bubbles(full, type, path, owner), `${role}: ${path.join('.')} is null, but no non-null field in it is denied`).toBe(true);
      cells.denied += 1;
      return;
    }
    // Who owns a value whose field names no department: an event's or object's source (its key is `<source>:<id>`), or the source a value came from.
    const fieldOwner =
      type.name === 'Event' || type.getInterfaces().some((i) => i.name === 'RegisteredObject')
        ? String(full.key).split(':')[0]
        : typeof full.source === 'string'
          ? full.source
          : owner;
    const entity = type.getInterfaces().some((i) => i.name === 'Node') ? type.name : entityType;
    for (const [field, value] of Object.entries(full)) {
      if (field === '__typename') continue;
      const where = `${role}${purpose ? ' +purpose' : ''}: ${[...path, field].join('.')}`;
      const { rule, outcome } = outcomeOf(type, field, fieldOwner, outer?.field === undefined ? undefined : `${entity}.${String(outer.field)}`);
      const fieldType = type.getFields()[field].type;
      if (outcome === 'DENIED') {
        expect(shown[field], where).toBeNull();
        expectedForbidden.add(JSON.stringify([...path, field]));
        cells.denied += 1;
        continue;
      }
      if (outcome === 'MASKED') {
        expectMasked(rule.mask, value, shown[field], where);
        cells.masked += 1;
        continue;
      }
      const named = getNamedType(fieldType);
      if (isLeafType(named) || value === null || named.name === 'StandardAddress' || ENTITY_TYPES.has(named.name)) {
        // readAt is the time of the live read: it differs between any two answers.
        if (field === 'readAt') expect(shown[field], where).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        else expect(shown[field], where).toEqual(value);
        cells.full += 1;
        continue;
      }
      cells.full += 1;
      const objectType = named as GraphQLObjectType;
      if (isListType(getNullableType(fieldType))) {
        const expected = visiblePart(field, value as Record<string, unknown>[], full);
        expect((shown[field] as unknown[]).length, `${where}: items shown`).toBe(expected.length);
        expected.forEach((item, i) => walk(item, (shown[field] as Record<string, unknown>[])[i], objectType, [...path, field, i], fieldOwner, full, entity));
      } else {
        walk(value as Record<string, unknown>, shown[field] as Record<string, unknown> | null, objectType, [...path, field], fieldOwner, full, entity);
      }
    }
  };

  const queryType = schema.getQueryType()!;
  const data = answer.data as Record<string, unknown>;
  const fullData = reference.data as Record<string, unknown>;
  if (expectedOutcome(role, rules.get('Query.nodes')!, undefined, purpose) === 'DENIED') {
    expect(data.nodes, `${role}: nodes`).toBeNull();
    expectedForbidden.add(JSON.stringify(['nodes']));
    cells.denied += 1;
  } else (fullData.nodes as Record<string, unknown>[]).forEach((node, i) => {
    const shown = (data.nodes as (Record<string, unknown> | null)[])[i];
    walk(node, shown, schema.getType(String(node.__typename)) as GraphQLObjectType, ['nodes', i], undefined);
  });
  if (expectedOutcome(role, rules.get('Query.region')!, undefined, purpose) === 'DENIED') {
    expect(data.region, `${role}: region`).toBeNull();
    expectedForbidden.add(JSON.stringify(['region']));
  } else walk(fullData.region as Record<string, unknown>, data.region as Record<string, unknown> | null, schema.getType('Region') as GraphQLObjectType, ['region'], undefined);
  for (const root of ['dataQuality', 'auditChain']) {
    const { outcome } = outcomeOf(queryType, root, undefined);
    if (outcome === 'DENIED') {
      expect(data[root], `${role}: ${root}`).toBeNull();
      expectedForbidden.add(JSON.stringify([root]));
      cells.denied += 1;
    } else {
      expect(data[root], `${role}: ${root}`).not.toBeNull();
      if (root === 'dataQuality') expect(data[root]).toEqual(fullData[root]);
      cells.full += 1;
    }
  }
  const unexpected = [...forbidden].filter((path) => !expectedForbidden.has(path) && !bubbled.some((b) => b.allowed.has(path)));
  for (const { causes } of bubbled) expect(causes.some((cause) => forbidden.has(cause)), `${role}: a FORBIDDEN error at one of ${causes.join(' ')}`).toBe(true);
  const missing = [...expectedForbidden].filter((path) => !forbidden.has(path));
  expect({ unexpected, missing }, `${role}${purpose ? ' +purpose' : ''}: FORBIDDEN exactly at the denied paths`).toEqual({ unexpected: [], missing: [] });
  return cells;
}

describe(`the role × field matrix (${testDatabaseKind})`, () => {
  it('has a reference answer with every value in full', () => {
    expect(reference.errors).toBeUndefined();
    expect((reference.data.nodes as unknown[]).every((node) => node !== null)).toBe(true);
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(reference.data.region.keyPersonCount).toBeGreaterThan(0);
    expect(reference.data.region.specialPopulationCount).toBeGreaterThan(0);
  });

  for (const role of Object.keys(ROLES) as Role[]) {
    for (const purpose of [false, true]) {
      it(`${role}${purpose ? ' with' : ' without'} X-Access-Purpose, inside its area: value, mask or FORBIDDEN per field`, async () => {
        const answer = await world.t.query(query, { ids }, { as: tokenFor(role, area), purpose: purpose ? 'case 2026-0042' : null });
        const cells = checkAnswer(role, purpose, answer);
        expect(cells.full + cells.masked + cells.denied).toBeGreaterThanOrEqual(role === 'auditor' ? 3 : 50);
        console.log(`${role}${purpose ? ' +purpose' : ''}: ${cells.full} full, ${cells.masked} masked, ${cells.denied} denied`);
      });
    }
  }

  it('shows every role nothing outside its area: the records read as missing, without an error', async () => {
    // A grid claim must name a registered grid (else the token is invalid): one none of the chosen records lies in.
    const { rows: others } = await sql<{ code: string }>`select code from grid where code not in (${sql.join(area.grids)}) order by code limit 1`.execute(world.hub.db);
    const elsewhere = { grids: [others[0].code], communities: ['999999999999'], streets: ['999999999'], districts: ['999999'] };
    for (const role of (Object.keys(ROLES) as Role[]).filter((r) => r !== 'auditor')) {
      const answer = await world.t.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`, { ids }, { as: tokenFor(role, elsewhere), purpose: 'case 1' });
      expect(answer.errors, role).toBeUndefined();
      expect(answer.data.nodes, role).toEqual(ids.map(() => null));
    }
  });
});
