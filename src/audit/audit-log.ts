import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { AuditLogRow, AuditLogTable, HubSchema } from '../db/hub-schema.js';

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

/**
 * The audit record's fields, in hash order, each with its `audit_log` column
 * and type: the one description the hash, the insert and the chain check all
 * follow. The order is a security contract — a record's hash covers exactly
 * these, in this order — so a field is only ever appended, and a column added
 * to the table but not here is refused by a test (tests/audit/audit-record.test.ts).
 */
export const AUDIT_FIELDS = [
  { field: 'at', column: 'at', type: 'timestamptz' },
  { field: 'actor', column: 'actor', type: 'text' },
  { field: 'actorName', column: 'actor_name', type: 'text' },
  { field: 'roles', column: 'roles', type: 'jsonb' },
  { field: 'purpose', column: 'purpose', type: 'text' },
  { field: 'operationName', column: 'operation_name', type: 'text' },
  { field: 'documentHash', column: 'document_hash', type: 'text' },
  { field: 'requestId', column: 'request_id', type: 'text' },
  { field: 'clientAddress', column: 'client_address', type: 'text' },
  { field: 'entityType', column: 'entity_type', type: 'text' },
  { field: 'entityKey', column: 'entity_key', type: 'text' },
  { field: 'fields', column: 'fields', type: 'jsonb' },
] as const satisfies readonly { field: keyof AuditEntry; column: keyof AuditLogTable; type: 'timestamptz' | 'text' | 'jsonb' }[];

// Every field of AuditEntry is in AUDIT_FIELDS: a field added to the one but not the other does not compile.
type Unlisted = Exclude<keyof AuditEntry, (typeof AUDIT_FIELDS)[number]['field']>;
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

/** The chain's own columns, which the hash links rather than covers. */
export const CHAIN_COLUMNS = ['sequence', 'previous_hash', 'hash'] as const;

/** A field's value as hashed: times as ISO 8601, everything else as itself. */
function hashed(entry: AuditEntry, field: keyof AuditEntry): unknown {
  const value = entry[field];
  return value instanceof Date ? value.toISOString() : value;
}

/** The hash of a record: SHA-256 over the previous hash and the record's sequence and fields in AUDIT_FIELDS order. */
export function hashRecord(previousHash: string, sequence: number, entry: AuditEntry): string {
  const content = JSON.stringify([sequence, ...AUDIT_FIELDS.map(({ field }) => hashed(entry, field))]);
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

/** How an append may start and what it tells about contention. */
export interface AppendOptions {
  /** Where the caller last left the chain: the append tries right after it first, unless `lockFirst`. @default none: the head is read under its lock */
  readonly knownHead?: ChainHead;
  /** Append under the head's lock at once, without the one-statement attempt: for a caller that saw another writer move the head lately. @default false */
  readonly lockFirst?: boolean;
  /**
   * Called when another writer had moved the head since `knownHead`; `retried`
   * says whether a one-statement attempt was spent on the old head first.
   * @default none
   */
  readonly onHeadMoved?: (retried: boolean) => void;
}

/**
 * Appends records to the chain and returns its new head; either all records
 * land or none. With `knownHead` it first tries one statement that appends
 * only if the head is still there — the common case of one hub process, one
 * round trip. When another writer moved the head (several hub processes on
 * one database), or no head is known, it appends under the head row's lock:
 * read the head `for update`, chain after it, insert, commit. Writers then
 * queue on the lock instead of racing for the head, so an append never fails
 * for contention however many processes write (an optimistic retry loop under
 * four writers ran out of attempts and failed requests: see the audit-writers
 * bench).
 */
export async function appendAudit(db: Kysely<HubSchema>, entries: readonly AuditEntry[], options: AppendOptions = {}): Promise<ChainHead> {
  const { knownHead, lockFirst = false, onHeadMoved } = options;
  if (entries.length === 0) return knownHead ?? (await readChainHead(db));
  if (knownHead !== undefined && !lockFirst) {
    const next = await appendAfter(db, knownHead, entries);
    if (next !== null) return next;
    onHeadMoved?.(true);
    return appendUnderLock(db, entries);
  }
  return appendUnderLock(db, entries, (found) => {
    if (knownHead !== undefined && (found.sequence !== knownHead.sequence || found.hash !== knownHead.hash)) onHeadMoved?.(false);
  });
}

/** Reads the head holding its row lock until commit, so no other writer can move it, and appends after it. */
async function appendUnderLock(db: Kysely<HubSchema>, entries: readonly AuditEntry[], onHead?: (head: ChainHead) => void): Promise<ChainHead> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('audit_head').select(['sequence', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
    const head = { sequence: Number(row.sequence), hash: row.hash };
    onHead?.(head);
    const next = await appendAfter(tx, head, entries);
    // Cannot happen while the lock is held; should it, the transaction rolls back and nothing is written.
    if (next === null) throw new Error("the audit chain's head moved while this append held its lock");
    return next;
  });
}

/**
 * One statement, so one round trip and one commit: move the head from `head`
 * to the last new record and insert the records, but only if the head still
 * is `head` (the update then holds its row lock until commit, so chains never
 * fork). Returns null, having written nothing, when it is not. The records go
 * in as one array per column: the statement's size does not grow with them.
 */
async function appendAfter(db: Kysely<HubSchema>, head: ChainHead, entries: readonly AuditEntry[]): Promise<ChainHead | null> {
  const sequences: string[] = [];
  const previousHashes: string[] = [];
  const hashes: string[] = [];
  let sequence = head.sequence;
  let previousHash = head.hash;
  for (const entry of entries) {
    sequence += 1;
    const hash = hashRecord(previousHash, sequence, entry);
    sequences.push(String(sequence));
    previousHashes.push(previousHash);
    hashes.push(hash);
    previousHash = hash;
  }
  const fieldArrays = AUDIT_FIELDS.map(({ field, type }) => {
    const values = entries.map((entry) => (type === 'jsonb' ? JSON.stringify(entry[field]) : entry[field]));
    return sql`${values}::${sql.raw(type)}[]`;
  });
  const columns = sql.raw(['sequence', ...AUDIT_FIELDS.map(({ column }) => column), 'previous_hash', 'hash'].join(', '));
  const result = await sql`
    with moved as (
      update audit_head set sequence = ${String(sequence)}, hash = ${previousHash}
      where id = 1 and sequence = ${String(head.sequence)} and hash = ${head.hash}
      returning 1
    )
    insert into audit_log (${columns})
    select * from unnest(${sequences}::bigint[], ${sql.join(fieldArrays)}, ${previousHashes}::text[], ${hashes}::text[])
    where exists (select from moved)`.execute(db);
  return Number(result.numAffectedRows ?? 0) === entries.length ? { sequence, hash: previousHash } : null;
}

export interface ChainStatus {
  readonly intact: boolean;
  readonly records: number;
  readonly firstBrokenSequence: number | null;
  readonly reason: string | null;
}

/** A stored record's fields, as they were hashed. */
function entryOf(row: AuditLogRow): AuditEntry {
  return Object.fromEntries(AUDIT_FIELDS.map(({ field, column }) => [field, row[column]])) as unknown as AuditEntry;
}

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
