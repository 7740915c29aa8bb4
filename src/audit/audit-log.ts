import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { AuditLogRow, HubSchema } from '../db/hub-schema.js';

/** What one audit record says; the chain adds its sequence and hashes. */
export interface AuditEntry {
  readonly at: Date;
  readonly actor: string;
  readonly actorName: string | null;
  readonly roles: readonly string[];
  readonly purpose: string | null;
  readonly operationName: string | null;
  readonly documentHash: string;
  readonly requestId: string;
  readonly clientAddress: string | null;
  readonly entityType: string;
  readonly entityKey: string | null;
  readonly fields: readonly string[];
}

/** The hash of a record: SHA-256 over the previous hash and the record's content in a fixed order. */
export function hashRecord(previousHash: string, sequence: number, entry: AuditEntry): string {
  const content = JSON.stringify([
    sequence,
    entry.at.toISOString(),
    entry.actor,
    entry.actorName,
    entry.roles,
    entry.purpose,
    entry.operationName,
    entry.documentHash,
    entry.requestId,
    entry.clientAddress,
    entry.entityType,
    entry.entityKey,
    entry.fields,
  ]);
  return createHash('sha256').update(previousHash).update('\n').update(content).digest('hex');
}

const INSERT_CHUNK = 1000;

/**
 * Appends records to the chain in one transaction. The head row is locked, so
 * concurrent requests append one after the other and the chain never forks.
 */
export async function appendAudit(db: Kysely<HubSchema>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('audit_head').selectAll().where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
    let sequence = Number(head.sequence);
    let previousHash = head.hash;
    const rows = entries.map((entry) => {
      sequence += 1;
      const hash = hashRecord(previousHash, sequence, entry);
      const row = {
        sequence: String(sequence),
        at: entry.at,
        actor: entry.actor,
        actor_name: entry.actorName,
        roles: JSON.stringify(entry.roles) as never,
        purpose: entry.purpose,
        operation_name: entry.operationName,
        document_hash: entry.documentHash,
        request_id: entry.requestId,
        client_address: entry.clientAddress,
        entity_type: entry.entityType,
        entity_key: entry.entityKey,
        fields: JSON.stringify(entry.fields) as never,
        previous_hash: previousHash,
        hash,
      };
      previousHash = hash;
      return row;
    });
    // 15 parameters a row: chunks keep a batch far below PostgreSQL's 65,535 per statement.
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) await trx.insertInto('audit_log').values(rows.slice(start, start + INSERT_CHUNK)).execute();
    await trx.updateTable('audit_head').set({ sequence: String(sequence), hash: previousHash }).where('id', '=', 1).execute();
  });
}

export interface ChainStatus {
  readonly intact: boolean;
  readonly records: number;
  readonly firstBrokenSequence: number | null;
  readonly reason: string | null;
}

const entryOf = (row: AuditLogRow): AuditEntry => ({
  at: row.at,
  actor: row.actor,
  actorName: row.actor_name,
  roles: row.roles,
  purpose: row.purpose,
  operationName: row.operation_name,
  documentHash: row.document_hash,
  requestId: row.request_id,
  clientAddress: row.client_address,
  entityType: row.entity_type,
  entityKey: row.entity_key,
  fields: row.fields,
});

/**
 * Walks the chain from the first record: each must follow the one before
 * (sequence, previous hash) and hash to what it carries, and the last must be
 * the head. Reports the first link that does not hold.
 */
export async function verifyAuditChain(db: Kysely<HubSchema>, onProgress?: (records: number) => void, pageSize = 5000): Promise<ChainStatus> {
  let previousHash = '0'.repeat(64);
  let expected = 1;
  const broken = (sequence: number, reason: string): ChainStatus => ({ intact: false, records: expected - 1, firstBrokenSequence: sequence, reason });
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('sequence', '>=', String(expected)).orderBy('sequence').limit(pageSize).execute();
    for (const row of rows) {
      const sequence = Number(row.sequence);
      if (sequence !== expected) return broken(expected, `record ${expected} is missing`);
      if (row.previous_hash !== previousHash) return broken(sequence, `record ${sequence} does not link to record ${sequence - 1}`);
      if (hashRecord(previousHash, sequence, entryOf(row)) !== row.hash) return broken(sequence, `record ${sequence} was changed after it was written`);
      previousHash = row.hash;
      expected += 1;
    }
    onProgress?.(expected - 1);
    if (rows.length < pageSize) break;
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (head === undefined || Number(head.sequence) !== expected - 1 || head.hash !== previousHash) {
    return broken(expected, `the chain ends at record ${expected - 1} but its head says ${head?.sequence ?? 'nothing'}: records were removed from the end`);
  }
  return { intact: true, records: expected - 1, firstBrokenSequence: null, reason: null };
}

export interface AuditFilter {
  /** Records about this person (entity type PERSON). */
  readonly subjectIdNumber?: string;
  readonly actor?: string;
  readonly from?: Date;
  readonly to?: Date;
}

function filtered(db: Kysely<HubSchema>, filter: AuditFilter) {
  let query = db.selectFrom('audit_log');
  if (filter.subjectIdNumber !== undefined) query = query.where('entity_type', '=', 'PERSON').where('entity_key', '=', filter.subjectIdNumber);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  return query;
}

/** One page, newest first, before the cursor's sequence. */
export async function pageAuditLog(db: Kysely<HubSchema>, filter: AuditFilter, before: string | undefined, limit: number): Promise<AuditLogRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('sequence', 'desc').limit(limit);
  if (before !== undefined) query = query.where('sequence', '<', before);
  return query.execute();
}

export async function countAuditLog(db: Kysely<HubSchema>, filter: AuditFilter): Promise<number> {
  const row = await filtered(db, filter).select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
