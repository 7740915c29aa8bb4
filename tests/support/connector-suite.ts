import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FieldRule, readFieldRules } from '../../src/access/classification.js';
import { departmentRole, type Role, rolesServing } from '../../src/access/roles.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { type Connector, type DemoReport, ENTITY_TYPE_NAMES, type FieldMapping, type TableMapping } from '../../src/connectors/connector.js';
import { SHARED_FIELDS } from '../../src/connectors/shared-fields.js';
import { connectorProblems } from '../../src/connectors/validate-connector.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import { buildSchema } from '../../src/graph/schema.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource, type TableSyncResult } from '../../src/sync/sync-source.js';
import { createTestHub, createTestSource, type TestHub } from './test-hub.js';
import { startTestServer, type TestServer } from './test-server.js';

/** The demo registry, some connectors' sources filled with their demo data and synced, and the real server over them. */
export interface ConnectorWorld {
  readonly t: TestServer;
  readonly hub: TestHub;
  readonly connectors: readonly Connector[];
  readonly sources: readonly SourceDatabase[];
  /** What each connector's demo generator wrote, by connector name. */
  readonly demo: ReadonlyMap<string, DemoReport>;
  /** Each connector's first sync, by connector name. */
  readonly synced: ReadonlyMap<string, readonly TableSyncResult[]>;
  close(): Promise<void>;
}

/** One world per test file: build it in `beforeAll` and hand `() => world` to each `defineConnectorSuite`. */
export async function startConnectorWorld(connectors: readonly Connector[], { scale = 0.1 } = {}): Promise<ConnectorWorld> {
  const hub = await createTestHub();
  const sources: SourceDatabase[] = [];
  try {
    await importRegistry(hub.db, demoRowSources(generateDemoRegistry()));
    sources.push(...(await Promise.all(connectors.map((connector) => createTestSource(connector)))));
    const demo = await generateDemoSources(hub.db, sources, { scale });
    const resolver = new AddressResolver(hub.db);
    const synced = new Map<string, TableSyncResult[]>();
    for (const source of sources) synced.set(source.connector.name, await syncSource(hub.db, source, resolver));
    const t = await startTestServer({ hub, connectors, sources });
    return {
      t,
      hub,
      connectors,
      sources,
      demo,
      synced,
      async close() {
        await t.close();
        for (const source of sources) await source.close();
      },
    };
  } catch (error) {
    for (const source of sources) await source.close();
    await hub.close();
    throw error;
  }
}

/** A sensitive facet field of a connector, and one record whose value of it is known from the source itself. */
interface SensitiveSample {
  readonly mapping: TableMapping;
  readonly field: string;
  readonly rule: FieldRule;
  readonly entityType: string;
  readonly entityKey: string;
  /** The value as the source holds it, trimmed and (for a coded field) translated through the connector's code table. */
  readonly expected: string;
  /** The area of one of the entity's addresses, as token claims. */
  readonly area: { grids: string[]; communities: string[]; streets: string[]; districts: string[] };
}

const typeOf = (mapping: TableMapping) => (mapping.entity === 'OBJECT' ? mapping.objectType! : ENTITY_TYPE_NAMES[mapping.entity]);

/**
 * The connector's most telling sensitive field: one only its own department
 * reads in full (L3 not identity, then L4), else an identity field (which every
 * department reads). Date fields are left out: their value is reformatted.
 */
function sensitiveFields(connector: Connector, rules: ReadonlyMap<string, FieldRule>) {
  const candidates = connector.tables.flatMap((mapping) =>
    Object.entries(mapping.facet.fields).flatMap(([field, source]: [string, FieldMapping]) => {
      const rule = rules.get(`${mapping.facet.type}.${field}`);
      if (rule === undefined || source.format !== undefined || rule.aggregate || (rule.level !== 'L3' && rule.level !== 'L4')) return [];
      return [{ mapping, field, rule, rank: rule.level === 'L3' && !rule.identity ? 0 : rule.level === 'L4' ? 1 : 2 }];
    }),
  );
  return candidates.sort((a, b) => a.rank - b.rank);
}

async function findSample(world: ConnectorWorld, connector: Connector, rules: ReadonlyMap<string, FieldRule>): Promise<SensitiveSample | undefined> {
  const source = world.sources.find((s) => s.connector.name === connector.name)!;
  for (const { mapping, field, rule } of sensitiveFields(connector, rules)) {
    const { rows } = await sql<{ record_id: string; entity_key: string; grid_code: string; division_code: string }>`
      select c.record_id, c.entity_key, a.grid_code, a.division_code
      from crosswalk c
      join crosswalk r on r.entity_kind = c.entity_kind and r.entity_key = c.entity_key and not r.deleted
      join standard_address a on a.code = r.address_code
      where c.source = ${connector.name} and c.source_table = ${mapping.table} and not c.deleted
        and c.entity_key is not null and a.grid_code is not null
      order by c.record_id limit 200`.execute(world.hub.db);
    if (rows.length === 0) continue;
    const column = mapping.facet.fields[field];
    const values = await sql<{ id: unknown; value: unknown }>`
      select ${sql.ref(mapping.recordId)} as id, ${sql.ref(column.column)} as value from ${sql.table(mapping.table)}
      where ${sql.ref(mapping.recordId)} in (${sql.join(rows.map((r) => r.record_id))})`.execute(source.db);
    for (const row of rows) {
      const raw = values.rows.find((v) => String(v.id).trim() === row.record_id)?.value;
      const text = raw === null || raw === undefined ? '' : String(raw).trim();
      const expected = column.codeTable === undefined ? text : (connector.codeTables[column.codeTable]?.[text] ?? '');
      if (expected === '') continue;
      const { grid_code: grid, division_code: community } = row;
      return {
        mapping,
        field,
        rule,
        entityType: typeOf(mapping),
        entityKey: row.entity_key,
        expected,
        area: { grids: [grid], communities: [community], streets: [community.slice(0, 9)], districts: [community.slice(0, 6)] },
      };
    }
  }
  return undefined;
}

/** What a caller is shown of the sample's field: the entity (null when out of their area or denied) and the values. */
async function readAs(world: ConnectorWorld, sample: SensitiveSample, role: Role, purpose: string | null) {
  const { mapping, field, entityType, entityKey, area } = sample;
  const response = await world.t.query(
    `query ($id: ID!) { node(id: $id) { __typename ... on ${entityType} { facet: ${mapping.facet.field} { value: ${field} } } } }`,
    { id: world.t.ids.id(entityType, entityKey) },
    { as: { roles: [role], ...area, subject: `suite-${role}` }, purpose },
  );
  const node = response.data?.node as { facet?: { value: unknown } | { value: unknown }[] | null } | null | undefined;
  const facets = node?.facet === null || node?.facet === undefined ? [] : Array.isArray(node.facet) ? node.facet : [node.facet];
  return { status: response.status, node, values: facets.map((f) => f.value), errors: response.errors ?? [] };
}

/**
 * What every connector must satisfy, as a vitest describe block: the schema
 * builds with it, validation finds nothing, its demo data syncs, every facet
 * field is classified as its own, and its department role reads its sensitive
 * values in full with a purpose while every other role sees them masked or not
 * at all. `world` is called inside the tests: one world serves every suite of a file.
 */
export function defineConnectorSuite(connector: Connector, world: () => ConnectorWorld): void {
  describe(`connector ${connector.name} (${connector.department}) conforms`, () => {
    let rules: ReadonlyMap<string, FieldRule>;
    beforeAll(() => {
      rules = readFieldRules(buildSchema(world().connectors));
    });

    it('builds a schema on its own, and validation finds nothing to fix', () => {
      const schema = buildSchema([connector]);
      expect(connectorProblems(connector, schema)).toEqual([]);
      expect(connectorProblems(connector, buildSchema(world().connectors))).toEqual([]);
    });

    it('syncs its demo data: every table read in full, every mapped table in the crosswalk', async () => {
      const { hub, sources, synced } = world();
      const source = sources.find((s) => s.connector.name === connector.name)!;
      const results = synced.get(connector.name)!;
      const tables = [...connector.tables, ...(connector.linkTables ?? [])].map((t) => t.table);
      expect(results.map((r) => r.table).sort()).toEqual([...tables].sort());
      for (const table of tables) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(source.db);
        expect(Number(rows[0].n), table).toBeGreaterThan(0);
        expect(results.find((r) => r.table === table)!.scanned, table).toBe(Number(rows[0].n));
      }
      for (const mapping of connector.tables) {
        const live = await hub.db.selectFrom('crosswalk').select((eb) => eb.fn.countAll<string>().as('n'))
          .where('source', '=', connector.name).where('source_table', '=', mapping.table).where('deleted', '=', false).executeTakeFirstOrThrow();
        expect(Number(live.n), mapping.table).toBeGreaterThan(0);
      }
      for (const mapping of connector.linkTables ?? []) {
        const live = await hub.db.selectFrom('crosswalk_link').select((eb) => eb.fn.countAll<string>().as('n'))
          .where('source', '=', connector.name).where('source_table', '=', mapping.table).where('deleted', '=', false).executeTakeFirstOrThrow();
        expect(Number(live.n), mapping.table).toBeGreaterThan(0);
      }
    });

    it('classifies every facet field, for its own department', () => {
      for (const mapping of connector.tables) {
        const facet = rules.get(`${typeOf(mapping)}.${mapping.facet.field}`);
        expect(facet, `${typeOf(mapping)}.${mapping.facet.field}`).toBeDefined();
        expect([undefined, connector.name]).toContain(facet!.department);
        const fields = [...rules.keys()].filter((coordinate) => coordinate.startsWith(`${mapping.facet.type}.`));
        expect(fields.length, mapping.facet.type).toBeGreaterThan(0);
        for (const name of Object.keys(mapping.facet.fields)) {
          // A mapped field is in the facet type, unless it only feeds a shared field (a rental's `kind`).
          if (!fields.includes(`${mapping.facet.type}.${name}`)) expect(SHARED_FIELDS[mapping.entity], `${mapping.facet.type}.${name}`).toContain(name);
        }
        for (const coordinate of fields) expect([undefined, connector.name], coordinate).toContain(rules.get(coordinate)!.department);
      }
    });

    it(`lets ${departmentRole(connector.name)} read its sensitive values in full with a purpose, and shows every other role them masked or not at all`, async () => {
      const sample = await findSample(world(), connector, rules);
      if (sample === undefined) {
        // A connector without sensitive values has nothing to hide: it must have none at all.
        expect(sensitiveFields(connector, rules)).toEqual([]);
        return;
      }
      const own = departmentRole(connector.name);
      const full = await readAs(world(), sample, own, 'connector conformance');
      expect(full.errors).toEqual([]);
      expect(full.values).toContain(sample.expected);

      const withoutPurpose = await readAs(world(), sample, own, null);
      expect(withoutPurpose.node, 'the entity is in the area').not.toBeNull();
      expect(withoutPurpose.values).not.toContain(sample.expected);

      const roles = Object.keys(rolesServing(world().connectors)) as Role[];
      expect(roles).toContain(own);
      for (const role of roles.filter((r) => r !== own)) {
        const seen = await readAs(world(), sample, role, 'connector conformance');
        expect(seen.status, role).toBe(200);
        // Identity fields (a name) are every department's to read in full: the table says so.
        const everyDepartment = sample.rule.level === 'L3' && sample.rule.identity && role.startsWith('dept-');
        if (everyDepartment) {
          expect(seen.values, role).toContain(sample.expected);
          continue;
        }
        if (role !== 'auditor') expect(seen.node, `${role}: the entity is in its area`).toBeTruthy();
        expect(seen.values, role).not.toContain(sample.expected);
        for (const value of seen.values) if (value !== null) expect(String(value), `${role} sees a masked value`).toContain('*');
      }
    });
  });
}
