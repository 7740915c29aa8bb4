import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import type { TokenRequest } from '../../src/auth/mint-token.js';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import type { Caller } from '../support/test-server.js';

let world: DemoWorld;
/** A grid, a key person living in it, an organization in it whose legal representative lives elsewhere, an event in it with parties. */
let grid: string;
let keyPerson: string;
let organization: string;
let outsider: string;
let event: string;
let gridWorker: Caller;

const ID = /^\d{17}[\dX]$/;
const MASKED_ID = /^\d{6}\*{8}[\dX]{4}$/;

beforeAll(async () => {
  world = await startDemoWorld(0.3);
  const db = world.hub.db;
  const { rows: [found] } = await sql<{ grid: string; person: string }>`
    select a.grid_code as grid, k.entity_key as person from crosswalk k
    join crosswalk r on r.entity_kind = 'PERSON' and r.entity_key = k.entity_key and r.address_code is not null
    join standard_address a on a.code = r.address_code
    where k.source_table = 'T_ZDRY' and k.entity_key is not null and a.grid_code is not null
      and exists (select 1 from crosswalk o join standard_address oa on oa.code = o.address_code join crosswalk_link l on l.from_key = o.entity_key and l.role = 'LEGAL_REPRESENTATIVE'
                  where o.entity_kind = 'ORGANIZATION' and oa.grid_code = a.grid_code
                    and not exists (select 1 from crosswalk p join standard_address pa on pa.code = p.address_code where p.entity_key = l.to_key and pa.grid_code = a.grid_code))
      and exists (select 1 from crosswalk e join standard_address ea on ea.code = e.address_code join crosswalk_link l on l.from_key = e.entity_key
                  where e.entity_kind = 'EVENT' and ea.grid_code = a.grid_code)
    order by 1, 2 limit 1`.execute(db);
  expect(found, 'the demo has a grid with a key person, an organization led from elsewhere and an event with parties').toBeDefined();
  ({ grid, person: keyPerson } = found);
  const { rows: [org] } = await sql<{ organization: string; outsider: string }>`
    select o.entity_key as organization, l.to_key as outsider from crosswalk o join standard_address oa on oa.code = o.address_code
    join crosswalk_link l on l.from_key = o.entity_key and l.role = 'LEGAL_REPRESENTATIVE'
    where o.entity_kind = 'ORGANIZATION' and oa.grid_code = ${grid}
      and not exists (select 1 from crosswalk p join standard_address pa on pa.code = p.address_code where p.entity_key = l.to_key and pa.grid_code = ${grid})
    order by 1 limit 1`.execute(db);
  ({ organization, outsider } = org);
  const { rows: [ev] } = await sql<{ event: string }>`
    select e.entity_key as event from crosswalk e join standard_address ea on ea.code = e.address_code join crosswalk_link l on l.from_key = e.entity_key
    where e.entity_kind = 'EVENT' and ea.grid_code = ${grid} order by 1 limit 1`.execute(db);
  event = ev.event;
  gridWorker = { as: { roles: ['grid-worker'], grids: [grid], subject: 'worker-1' }, purpose: null };
});
afterAll(async () => {
  await world?.close();
});

const forbiddenPaths = (errors: { path?: (string | number)[]; extensions?: { code?: string } }[] | undefined) =>
  (errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path?.join('.'));

describe(`no way around access control (${testDatabaseKind})`, () => {
  it('aliases: a renamed restricted field is still FORBIDDEN at its alias, a renamed sensitive one still masked', async () => {
    const { data, errors } = await world.t.query(
      `query ($id: ID!) { who: node(id: $id) { ... on Person { secret: keyPerson { category } number: idNumber again: idNumber } } }`,
      { id: world.t.ids.id('Person', keyPerson) },
      gridWorker,
    );
    expect(data.who.secret).toBeNull();
    expect(data.who.number).toMatch(MASKED_ID);
    expect(data.who.again).toBe(data.who.number);
    expect(forbiddenPaths(errors)).toEqual(['who.secret']);
  });

  it('named and inline fragments, interfaces and nested paths end in the same rule', async () => {
    const { data, errors } = await world.t.query(
      `query ($id: ID!, $org: CreditCode!, $event: ID!) {
        node(id: $id) { ...Secret ... on Person { ... on Node { id } idNumber } }
        organization(creditCode: $org) { name legalRepresentative { idNumber keyPerson { category } } }
        event(id: $event) { key parties { role person { idNumber } } }
      }
      fragment Secret on Person { keyPerson { category listedAt } specialPopulation { category } }`,
      { id: world.t.ids.id('Person', keyPerson), org: organization, event: world.t.ids.id('Event', event) },
      gridWorker,
    );
    expect(data.node.keyPerson).toBeNull();
    expect(data.node.idNumber).toMatch(MASKED_ID);
    // The legal representative lives outside the worker's grid: absent, exactly as if there were none.
    expect(data.organization.name).toBeTruthy();
    expect(data.organization.legalRepresentative).toBeNull();
    // Incident parties are L4.
    expect(data.event.key).toBe(event);
    expect(data.event.parties).toBeNull();
    expect(forbiddenPaths(errors).sort()).toEqual(['event.parties', 'node.keyPerson', 'node.specialPopulation']);
  });

  it('node(id:) and nodes(ids:) answer null for a record outside the area, without an error', async () => {
    const ids = [world.t.ids.id('Person', outsider), world.t.ids.id('Person', keyPerson), world.t.ids.id('Person', '110101199003077777')];
    const { data, errors } = await world.t.query(`query ($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id } one: node(id: $one) { id } }`, { ids, one: ids[0] }, gridWorker);
    expect(errors).toBeUndefined();
    expect(data.nodes).toEqual([null, { id: ids[1] }, null]);
    expect(data.one).toBeNull();
  });

  it('lists hold only what is in the area, and their counts agree', async () => {
    const { data } = await world.t.query(`{ people(first: 100) { totalCount nodes { id } } }`, {}, gridWorker);
    const { rows } = await sql<{ n: string }>`
      select count(distinct c.entity_key) as n from crosswalk c join standard_address a on a.code = c.address_code
      where c.entity_kind = 'PERSON' and not c.deleted and a.grid_code = ${grid}`.execute(world.hub.db);
    expect(data.people.totalCount).toBe(Number(rows[0].n));
    expect(data.people.nodes.length).toBe(Math.min(100, Number(rows[0].n)));
  });

  it('a masked field cannot filter: FORBIDDEN for the grid worker, allowed for the police with a purpose', async () => {
    const asWorker = await world.t.query(`query ($id: IdNumber!) { person(idNumber: $id) { id } people(nameContains: "张") { totalCount } }`, { id: keyPerson }, gridWorker);
    expect(asWorker.data).toEqual({ person: null, people: null });
    expect(forbiddenPaths(asWorker.errors).sort()).toEqual(['people', 'person']);
    expect(asWorker.errors!.find((e) => e.path?.[0] === 'person')!.message).toContain('Person.idNumber');

    const police: Caller = { as: { roles: ['dept-police'], districts: ['320102', '320104', '320106'] }, purpose: 'case 2026-0042' };
    const asPolice = await world.t.query(`query ($id: IdNumber!) { person(idNumber: $id) { idNumber keyPerson { category } } }`, { id: keyPerson }, police);
    expect(asPolice.errors).toBeUndefined();
    expect(asPolice.data.person.idNumber).toBe(keyPerson);
    expect(asPolice.data.person.keyPerson.category).toBeTruthy();
  });

  it('batched requests: every operation under the same rule', async () => {
    const response = await fetch(world.t.server.url, {
      method: 'POST',
      headers: await world.t.headersFor(gridWorker),
      body: JSON.stringify([
        { query: `query ($id: ID!) { node(id: $id) { ... on Person { keyPerson { category } } } }`, variables: { id: world.t.ids.id('Person', keyPerson) } },
        { query: `query ($id: ID!) { node(id: $id) { ... on Person { idNumber } } }`, variables: { id: world.t.ids.id('Person', keyPerson) } },
        { query: `query ($id: ID!) { node(id: $id) { id } }`, variables: { id: world.t.ids.id('Person', outsider) } },
      ]),
    });
    const [restricted, sensitive, outside] = (await response.json()) as any[];
    expect(forbiddenPaths(restricted.errors)).toEqual(['node.keyPerson']);
    expect(sensitive.data.node.idNumber).toMatch(MASKED_ID);
    expect(outside).toEqual({ data: { node: null } });
  });
});

/** The audit records one request left, by its request id. */
async function recordsOf(requestId: string) {
  return world.hub.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).orderBy('sequence').execute();
}

describe(`the audit log (${testDatabaseKind})`, () => {
  const police = (requestId: string, purpose: string | null = 'case 2026-0042'): Caller => ({
    as: { roles: ['dept-police'], districts: ['320102', '320104', '320106'], subject: 'officer-7' } satisfies TokenRequest,
    purpose,
    headers: { 'x-request-id': requestId },
  });
  const RESIDENTS = `query Residents($code: String!) { address(code: $code) { residents(first: 50, includeDescendants: true) { nodes {
    idNumber name policeRegistration { phone ethnicity } keyPerson { category } } } } }`;
  let door: string;

  beforeAll(async () => {
    const { rows } = await sql<{ door: string }>`
      select coalesce(b.parent_code, a.parent_code, a.code) as door from crosswalk c
      join standard_address a on a.code = c.address_code left join standard_address b on b.code = a.parent_code
      where c.entity_kind = 'PERSON' and a.division_code like '320102%' group by 1 order by count(*) desc limit 1`.execute(world.hub.db);
    door = rows[0].door;
  });

  it('records, before answering, every person whose unmasked values left the server, with the fields', async () => {
    const { data, errors } = await world.t.query(RESIDENTS, { code: door }, police('audit-complete'));
    expect(errors).toBeUndefined();
    const residents = data.address.residents.nodes as any[];
    expect(residents.length).toBeGreaterThan(3);
    const records = await recordsOf('audit-complete');
    const byKey = new Map(records.map((r) => [r.entity_key, r]));
    for (const resident of residents) {
      expect(resident.idNumber).toMatch(ID);
      const record = byKey.get(resident.idNumber);
      expect(record, resident.idNumber).toBeDefined();
      const expected = ['Person.idNumber'];
      if (resident.name) expected.push('Person.name');
      if (resident.policeRegistration?.phone) expected.push('PoliceRegistration.phone');
      if (resident.keyPerson) expected.push('KeyPersonRecord.category', 'Person.keyPerson');
      expect(record!.fields).toEqual(expected.sort());
      expect(record).toMatchObject({ actor: 'officer-7', roles: ['dept-police'], purpose: 'case 2026-0042', operation_name: 'Residents', entity_type: 'PERSON' });
      expect(record!.document_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(records.length).toBe(residents.length);
  });

  it('records nothing for a masked answer', async () => {
    const { data } = await world.t.query(RESIDENTS, { code: door }, police('audit-masked', null));
    expect(data.address.residents.nodes[0].idNumber).toMatch(MASKED_ID);
    expect(await recordsOf('audit-masked')).toEqual([]);
  });

  it('answers the auditor "who looked at resident X", and no one else', async () => {
    const { rows: [record] } = await sql<{ entity_key: string }>`select entity_key from audit_log where request_id = 'audit-complete' limit 1`.execute(world.hub.db);
    const auditor: Caller = { as: { roles: ['auditor'], subject: 'auditor-1' } };
    const query = `query ($id: IdNumber!) { auditLog(filter: { subjectIdNumber: $id }) { totalCount nodes { actor roles purpose operationName requestId entityKey fields hash } } }`;
    const { data, errors } = await world.t.query(query, { id: record.entity_key }, auditor);
    expect(errors).toBeUndefined();
    expect(data.auditLog.nodes).toContainEqual(expect.objectContaining({ actor: 'officer-7', purpose: 'case 2026-0042', operationName: 'Residents', requestId: 'audit-complete', entityKey: record.entity_key }));
    const asPolice = await world.t.query(query, { id: record.entity_key }, police('audit-peek'));
    expect(asPolice.data.auditLog).toBeNull();
    expect(forbiddenPaths(asPolice.errors)).toEqual(['auditLog']);
  });

  it('keeps one unbroken chain under concurrent requests', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => world.t.query(RESIDENTS, { code: door }, police(`audit-concurrent-${i}`))));
    const status = await verifyAuditChain(world.hub.db);
    expect(status).toMatchObject({ intact: true, firstBrokenSequence: null });
    expect(status.records).toBeGreaterThan(8);
  });

  it('is append-only', async () => {
    await expect(sql`update audit_log set purpose = 'nothing to see' where sequence = 1`.execute(world.hub.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where sequence = 1`.execute(world.hub.db)).rejects.toThrow(/append-only/);
  });

  it('fails closed: when the audit cannot be written, the sensitive answer is withheld; a masked one still goes out', async () => {
    await sql`alter table audit_head rename to audit_head_away`.execute(world.hub.db);
    try {
      const withheld = await world.t.query(RESIDENTS, { code: door }, police('audit-down'));
      expect(withheld.data).toBeNull();
      expect(withheld.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN', reason: 'AUDIT_UNAVAILABLE' } })]);
      expect(JSON.stringify(withheld)).not.toMatch(/\d{17}[\dX]/);
      const masked = await world.t.query(RESIDENTS, { code: door }, police('audit-down-masked', null));
      // Without a purpose the police's own L4 field is withheld, as always; nothing else is missing.
      expect((masked.errors ?? []).filter((e) => e.path?.at(-1) !== 'keyPerson')).toEqual([]);
      expect(masked.data.address.residents.nodes.length).toBeGreaterThan(0);
    } finally {
      await sql`alter table audit_head_away rename to audit_head`.execute(world.hub.db);
    }
    expect(await recordsOf('audit-down')).toEqual([]);
  });

  it('detects a changed record and records cut from the end, and names the first broken link', async () => {
    const db = world.hub.db;
    const auditor: Caller = { as: { roles: ['auditor'], subject: 'auditor-1' } };
    expect((await world.t.query(`{ auditChain { intact firstBrokenSequence } }`, {}, auditor)).data.auditChain).toEqual({ intact: true, firstBrokenSequence: null });
    const { rows: [{ sequence, purpose }] } = await sql<{ sequence: string; purpose: string }>`
      select sequence, purpose from audit_log where request_id = 'audit-complete' order by sequence limit 1`.execute(db);
    const bypassingTriggers = async (statement: ReturnType<typeof sql>) => {
      await sql`alter table audit_log disable trigger user`.execute(db);
      try {
        await statement.execute(db);
      } finally {
        await sql`alter table audit_log enable trigger user`.execute(db);
      }
    };
    await bypassingTriggers(sql`update audit_log set purpose = 'routine' where sequence = ${sequence}`);
    const tampered = await world.t.query(`{ auditChain { intact records firstBrokenSequence reason } }`, {}, auditor);
    expect(tampered.data.auditChain).toMatchObject({ intact: false, firstBrokenSequence: Number(sequence), records: Number(sequence) - 1 });
    expect(tampered.data.auditChain.reason).toContain('changed');

    await bypassingTriggers(sql`update audit_log set purpose = ${purpose} where sequence = ${sequence}`);
    expect((await verifyAuditChain(db)).intact).toBe(true);
    const last = await verifyAuditChain(db);
    await bypassingTriggers(sql`delete from audit_log where sequence = ${String(last.records)}`);
    expect(await verifyAuditChain(db)).toMatchObject({ intact: false, firstBrokenSequence: last.records });
  });
});
