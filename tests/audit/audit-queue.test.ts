import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, verifyAuditChain } from '../../src/audit/audit-log.js';
import { AuditQueue } from '../../src/audit/audit-queue.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const entry = (requestId: string, entityKey: string): AuditEntry => ({
  at: new Date(),
  actor: 'tester',
  actorName: null,
  roles: ['dept-police'],
  purpose: 'case 1',
  operationName: null,
  documentHash: 'd'.repeat(64),
  requestId,
  clientAddress: null,
  entityType: 'Person',
  entityKey,
  fields: ['Person.name'],
});

describe(`audit group commit (${testDatabaseKind})`, () => {
  it('writes what arrives together in fewer transactions, each caller’s records in one run, the chain unbroken', async () => {
    const queue = new AuditQueue(hub.db);
    await Promise.all(Array.from({ length: 12 }, (_, i) => queue.append([entry(`r${i}`, `a${i}`), entry(`r${i}`, `b${i}`)])));
    const { rows } = await sql<{ request_id: string; sequence: string; tx: string }>`
      select request_id, sequence, xmin::text as tx from audit_log order by sequence`.execute(hub.db);
    expect(rows).toHaveLength(24);
    for (let i = 0; i < rows.length; i += 2) expect(rows[i].request_id).toBe(rows[i + 1].request_id);
    expect(new Set(rows.map((row) => row.tx)).size).toBeLessThan(12);
    expect((await verifyAuditChain(hub.db)).intact).toBe(true);
  });

  it('re-chains after the head when another process appended since this one last did', async () => {
    const here = new AuditQueue(hub.db);
    const elsewhere = new AuditQueue(hub.db);
    await here.append([entry('here-1', 'h1')]);
    await elsewhere.append([entry('elsewhere-1', 'e1'), entry('elsewhere-1', 'e2')]);
    await here.append([entry('here-2', 'h2')]);
    const { rows } = await sql<{ request_id: string }>`select request_id from audit_log order by sequence desc limit 4`.execute(hub.db);
    expect(rows.map((row) => row.request_id)).toEqual(['here-2', 'elsewhere-1', 'elsewhere-1', 'here-1']);
    expect((await verifyAuditChain(hub.db)).intact).toBe(true);
  });

  it('rejects every caller of a batch that cannot be written, and writes the next batch', async () => {
    const queue = new AuditQueue(hub.db);
    const before = Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(hub.db)).rows[0].n);
    await sql`alter table audit_log add constraint no_writes check (actor <> 'blocked') not valid`.execute(hub.db);
    const blocked = { ...entry('x', 'x'), actor: 'blocked' };
    const results = await Promise.allSettled([queue.append([blocked]), queue.append([blocked])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await queue.append([entry('after', 'after')]);
    await sql`alter table audit_log drop constraint no_writes`.execute(hub.db);
    const after = Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(hub.db)).rows[0].n);
    expect(after).toBe(before + 1);
    expect((await verifyAuditChain(hub.db)).intact).toBe(true);
  });
});
