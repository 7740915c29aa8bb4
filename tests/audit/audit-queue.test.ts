import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, verifyAuditChain } from '../../src/audit/audit-log.js';
import { AuditQueue } from '../../src/audit/audit-queue.js';
import { createHubKysely } from '../../src/db/hub-database.js';
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

  it('four writers, each with a pool and a queue of its own as four hub processes have, under load: every record stored once, one unbroken chain', async () => {
    const WRITERS = 4;
    const IN_FLIGHT = 8;
    const REQUESTS = 25;
    const RECORDS = 3;
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(hub.db)).rows[0].n);
    const before = await count();
    const pools = Array.from({ length: WRITERS }, () => createHubKysely(hub.connectionUrl, hub.url === undefined ? 1 : 4));
    const queues = pools.map((db) => new AuditQueue(db));
    try {
      await Promise.all(
        queues.flatMap((queue, w) =>
          Array.from({ length: IN_FLIGHT }, async (_, slot) => {
            for (let r = 0; r < REQUESTS; r++) {
              const request = `four-${w}-${slot}-${r}`;
              await queue.append(Array.from({ length: RECORDS }, (_, i) => entry(request, `${request}-${i}`)));
            }
          }),
        ),
      );
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    // The writers did meet: each saw the others move the head under it.
    expect(queues.reduce((n, q) => n + q.headMoves, 0)).toBeGreaterThan(0);
    expect(await count()).toBe(before + WRITERS * IN_FLIGHT * REQUESTS * RECORDS);
    // Plain SQL, apart from the verifier: no sequence twice or missing, each record links to the one before it.
    const { rows: [gaps] } = await sql<{ n: string; span: string; unlinked: string; split: string }>`
      select count(*) as n, max(sequence) - min(sequence) + 1 as span,
        (select count(*) from audit_log a join audit_log b on b.sequence = a.sequence - 1 where a.previous_hash <> b.hash) as unlinked,
        (select count(*) from (select request_id from audit_log where request_id like 'four-%' group by request_id
                               having max(sequence) - min(sequence) + 1 <> count(*) or count(*) <> ${RECORDS}) s) as split
      from audit_log`.execute(hub.db);
    expect(Number(gaps.span)).toBe(Number(gaps.n));
    expect(Number(gaps.unlinked)).toBe(0);
    expect(Number(gaps.split)).toBe(0);
    const { rows: [head] } = await sql<{ sequence: string; hash: string }>`select sequence, hash from audit_head`.execute(hub.db);
    const { rows: [last] } = await sql<{ sequence: string; hash: string }>`select sequence, hash from audit_log order by sequence desc limit 1`.execute(hub.db);
    expect(head).toEqual(last);
    expect(await verifyAuditChain(hub.db)).toMatchObject({ intact: true, records: Number(gaps.n) });
  });
});
