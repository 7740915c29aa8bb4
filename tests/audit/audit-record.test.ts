import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, AUDIT_FIELDS, type AuditEntry, CHAIN_COLUMNS, hashRecord, verifyAuditChain } from '../../src/audit/audit-log.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const entry: AuditEntry = {
  at: new Date('2026-01-02T03:04:05.678Z'),
  actor: 'sub-1',
  actorName: 'zhang',
  roles: ['dept-police'],
  purpose: 'case 7',
  operationName: 'Dossier',
  documentHash: 'a'.repeat(64),
  requestId: 'req-1',
  clientAddress: '10.0.0.1',
  entityType: 'PERSON',
  entityKey: 'K1',
  fields: ['Person.name', 'Person.phone'],
};

describe(`the audit record's one description (${testDatabaseKind})`, () => {
  it('covers every column of audit_log: a column the hash does not cover cannot be added unnoticed', async () => {
    const { rows } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'audit_log' and table_schema = current_schema()`.execute(hub.db);
    const described = [...AUDIT_FIELDS.map((f) => f.column), ...CHAIN_COLUMNS].sort();
    expect(rows.map((row) => row.column_name).sort()).toEqual(described);
  });

  it('hashes the fields in the order the chains already written were hashed (written out here by hand)', () => {
    const content = JSON.stringify([
      5, '2026-01-02T03:04:05.678Z', 'sub-1', 'zhang', ['dept-police'], 'case 7', 'Dossier', 'a'.repeat(64), 'req-1', '10.0.0.1', 'PERSON', 'K1',
      ['Person.name', 'Person.phone'],
    ]);
    const expected = createHash('sha256').update('0'.repeat(64)).update('\n').update(content).digest('hex');
    expect(hashRecord('0'.repeat(64), 5, entry)).toBe(expected);
  });

  it('stores every field so that the chain check reads back what was hashed, and notices any field changed', async () => {
    await appendAudit(hub.db, [entry, { ...entry, requestId: 'req-2', actorName: null, clientAddress: null, operationName: null }]);
    expect(await verifyAuditChain(hub.db)).toMatchObject({ intact: true, records: 2 });
    // Playing the tamperer: the table's append-only trigger is what stops this otherwise.
    await sql`alter table audit_log disable trigger user`.execute(hub.db);
    for (const { column } of AUDIT_FIELDS) {
      const { rows } = await sql<{ text: string | null }>`select ${sql.ref(column)}::text as text from audit_log where sequence = 1`.execute(hub.db);
      const altered = column === 'at' ? sql`at + interval '1 second'` : column === 'roles' || column === 'fields' ? sql`'["x"]'::jsonb` : sql`'x'`;
      await sql`update audit_log set ${sql.ref(column)} = ${altered} where sequence = 1`.execute(hub.db);
      expect(await verifyAuditChain(hub.db), column).toMatchObject({ intact: false, firstBrokenSequence: 1 });
      const restore = column === 'at' ? sql`${rows[0].text}::timestamptz` : column === 'roles' || column === 'fields' ? sql`${rows[0].text}::jsonb` : sql`${rows[0].text}`;
      await sql`update audit_log set ${sql.ref(column)} = ${restore} where sequence = 1`.execute(hub.db);
      expect(await verifyAuditChain(hub.db), column).toMatchObject({ intact: true });
    }
  });
});
