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

/** The chain's last record, as `audit_head` holds it. */
export interface ChainHead {
  readonly sequence: number;
  readonly hash: string;
}

export async function readChainHead(db: Kysely<HubSchema>): Promise<ChainHead> {
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return { sequence: Number(head.sequence), hash: head.hash };
}

const MAX_ATTEMPTS = 10;

/**
 * Appends records to the chain and returns its new head. `knownHead` is where
 * the caller last saw the chain end; when another writer has moved it since,
 * the head is read again and the records re-chained. Either all records land
 * or none.
 */
export async function appendAudit(db: Kysely<HubSchema>, entries: readonly AuditEntry[], knownHead?: ChainHead): Promise<ChainHead> {
  let head = knownHead ?? (await readChainHead(db));
  if (entries.length === 0) return head;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const next = await appendAfter(db, head, entries);
    if (next !== null) return next;
    head = await readChainHead(db);
  }
  throw new Error(`the audit chain's head moved under ${MAX_ATTEMPTS} attempts in a row to append after it`);
}

/**
 * One statement, so one round trip and one commit: move the head from `head`
 * to the last new record and insert the records, but only if the head still
 * is `head` (the update then holds its row lock until commit, so chains never
 * fork). Returns null, having written nothing, when it is not. The records go
 * in as one array per column: the statement's size does not grow with them.
 */
async function appendAfter(db: Kysely<HubSchema>, head: ChainHead, entries: readonly AuditEntry[]): Promise<ChainHead | null> {
  const columns = {
    sequence: [] as string[],
    at: [] as Date[],
    actor: [] as string[],
    actorName: [] as (string | null)[],
    roles: [] as string[],
    purpose: [] as (string | null)[],
    operationName: [] as (string | null)[],
    documentHash: [] as string[],
    requestId: [] as string[],
    clientAddress: [] as (string | null)[],
    entityType: [] as string[],
    entityKey: [] as (string | null)[],
    fields: [] as string[],
    previousHash: [] as string[],
    hash: [] as string[],
  };
  let sequence = head.sequence;
  let previousHash = head.hash;
  for (const entry of entries) {
    sequence += 1;
    const hash = hashRecord(previousHash, sequence, entry);
    columns.sequence.push(String(sequence));
    columns.at.push(entry.at);
    columns.actor.push(entry.actor);
    columns.actorName.push(entry.actorName);
    columns.roles.push(JSON.stringify(entry.roles));
    columns.purpose.push(entry.purpose);
    columns.operationName.push(entry.operationName);
    columns.documentHash.push(entry.documentHash);
    columns.requestId.push(entry.requestId);
    columns.clientAddress.push(entry.clientAddress);
    columns.entityType.push(entry.entityType);
    columns.entityKey.push(entry.entityKey);
    columns.fields.push(JSON.stringify(entry.fields));
    columns.previousHash.push(previousHash);
    columns.hash.push(hash);
    previousHash = hash;
  }
  const c = columns;
  const result = await sql`
    with moved as (
      update audit_head set sequence = ${String(sequence)}, hash = ${previousHash}
      where id = 1 and sequence = ${String(head.sequence)} and hash = ${head.hash}
      returning 1
    )
    insert into audit_log (sequence, at, actor, actor_name, roles, purpose, operation_name, document_hash,
                           request_id, client_address, entity_type, entity_key, fields, previous_hash, hash)
    select * from unnest(
      ${c.sequence}::bigint[], ${c.at}::timestamptz[], ${c.actor}::text[], ${c.actorName}::text[], ${c.roles}::jsonb[],
      ${c.purpose}::text[], ${c.operationName}::text[], ${c.documentHash}::text[], ${c.requestId}::text[],
      ${c.clientAddress}::text[], ${c.entityType}::text[], ${c.entityKey}::text[], ${c.fields}::jsonb[],
      ${c.previousHash}::text[], ${c.hash}::text[])
    where exists (select from moved)`.execute(db);
  return Number(result.numAffectedRows ?? 0) === entries.length ? { sequence, hash: previousHash } : null;
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
