import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Role, rolesServing } from '../../src/access/roles.js';
import { viewerFromClaims } from '../../src/access/viewer.js';
import { type ConnectorWorld, defineConnectorSuite, startConnectorWorld } from '../support/connector-suite.js';
import { housing } from './housing/index.js';

/**
 * The "done when" of issue 17: a sixth department, added as connectors/README.md
 * says (tests/connectors/housing/: mapping, SDL, a demo source in its own native
 * schema), gets its own role `dept-housing`, which reads its L3 field
 * `HousingSubsidyRecord.monthlyAmount` in full with a purpose; every other role
 * gets it masked or not at all. No engine file names it.
 */
let world: ConnectorWorld;
beforeAll(async () => {
  world = await startConnectorWorld([housing]);
}, 300_000);
afterAll(async () => {
  await world?.close();
});

defineConnectorSuite(housing, () => world);

/** What each role is shown of a recipient's subsidy record, with a purpose: written out by hand. */
const EXPECTED: Record<string, 'FULL' | 'AMOUNT_WITHHELD' | 'RECORD_WITHHELD' | 'NOTHING'> = {
  'grid-worker': 'AMOUNT_WITHHELD',
  'community-staff': 'AMOUNT_WITHHELD',
  'street-staff': 'AMOUNT_WITHHELD',
  'district-command': 'AMOUNT_WITHHELD',
  'dept-police': 'AMOUNT_WITHHELD',
  'dept-civil-affairs': 'AMOUNT_WITHHELD',
  'dept-governance': 'AMOUNT_WITHHELD',
  'dept-city-management': 'AMOUNT_WITHHELD',
  'dept-market-regulation': 'AMOUNT_WITHHELD',
  'dept-housing': 'FULL',
  // The steward sees metadata, not a department's L2 record; the auditor sees the audit log only.
  'data-steward': 'RECORD_WITHHELD',
  auditor: 'NOTHING',
};

describe('a sixth connector with its own department role', () => {
  let recipient: { recordId: string; idNumber: string; amount: string; phone: string; area: Record<string, string[]> };

  beforeAll(async () => {
    const source = world.sources[0];
    const { rows } = await sql<{ BZBH: string; SFZH: string; BTJE: string; LXDH: string }>`
      select "BZBH", "SFZH", "BTJE", "LXDH" from "ZF_BZDX" order by "BZBH"`.execute(source.db);
    for (const row of rows) {
      const address = await sql<{ grid_code: string | null; division_code: string }>`
        select a.grid_code, a.division_code from crosswalk c join standard_address a on a.code = c.address_code
        where c.source = 'housing' and c.source_table = 'ZF_BZDX' and c.record_id = ${row.BZBH}`.execute(world.hub.db);
      const place = address.rows[0];
      if (place?.grid_code == null) continue;
      const community = place.division_code;
      recipient = {
        recordId: row.BZBH, idNumber: row.SFZH, amount: row.BTJE, phone: row.LXDH,
        area: { grids: [place.grid_code], communities: [community], streets: [community.slice(0, 9)], districts: [community.slice(0, 6)] },
      };
      return;
    }
    throw new Error('no housing recipient with a resolved address in a grid');
  });

  const read = (role: Role, purpose: string | null) =>
    world.t.query(
      `query ($id: ID!) { node(id: $id) { ... on Person { housingSubsidy { recordId monthlyAmount phone } } } }`,
      { id: world.t.ids.id('Person', recipient.idNumber) },
      { as: { roles: [role], ...recipient.area, subject: `sixth-${role}` }, purpose },
    );

  it('has a role of its own in the role table, among the fixed roles and the five', () => {
    expect(Object.keys(rolesServing([housing])).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('lets dept-housing read the monthly subsidy in full with a purpose, and audits it', async () => {
    const { data, errors } = await read('dept-housing', 'housing case 2026-17');
    expect(errors).toBeUndefined();
    expect(data.node.housingSubsidy).toEqual({ recordId: recipient.recordId, monthlyAmount: recipient.amount, phone: recipient.phone });
    const audit = await world.hub.db.selectFrom('audit_log').select(['roles', 'purpose', 'entity_type', 'entity_key', 'fields']).where('actor', '=', 'sixth-dept-housing').execute();
    expect(audit).toContainEqual({
      roles: ['dept-housing'], purpose: 'housing case 2026-17', entity_type: 'PERSON', entity_key: recipient.idNumber,
      fields: expect.arrayContaining(['HousingSubsidyRecord.monthlyAmount', 'HousingSubsidyRecord.phone']),
    });
  });

  it('withholds the amount from dept-housing without a purpose, and masks the phone', async () => {
    const { data, errors } = await read('dept-housing', null);
    expect(data.node.housingSubsidy).toEqual({ recordId: recipient.recordId, monthlyAmount: null, phone: `${recipient.phone.slice(0, 3)}****${recipient.phone.slice(-4)}` });
    expect(errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'node.housingSubsidy.monthlyAmount']]);
  });

  for (const [role, expected] of Object.entries(EXPECTED).filter(([r]) => r !== 'dept-housing')) {
    it(`shows ${role} the subsidy record ${expected === 'AMOUNT_WITHHELD' ? 'without the amount, the phone masked' : 'not at all'}`, async () => {
      const { status, data, errors } = await read(role as Role, 'housing case 2026-17');
      expect(status).toBe(200);
      const forbidden = errors?.filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path?.join('.'));
      if (expected === 'AMOUNT_WITHHELD') {
        expect(data.node.housingSubsidy).toEqual({ recordId: recipient.recordId, monthlyAmount: null, phone: `${recipient.phone.slice(0, 3)}****${recipient.phone.slice(-4)}` });
        expect(forbidden).toEqual(['node.housingSubsidy.monthlyAmount']);
      } else if (expected === 'RECORD_WITHHELD') {
        expect(data.node).toEqual({ housingSubsidy: null });
        expect(forbidden).toEqual(['node.housingSubsidy']);
      } else {
        expect(data?.node ?? null).toBeNull();
      }
    });
  }

  it('is no role on a hub that does not serve the housing connector: the token gives nothing', () => {
    const claims = { sub: 'u', realm_access: { roles: ['dept-housing'] }, district_code: ['320102'] };
    expect(viewerFromClaims(claims).roles).toEqual([]);
    expect(viewerFromClaims(claims, undefined, rolesServing([housing])).roles).toEqual(['dept-housing']);
  });
});
