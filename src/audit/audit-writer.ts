import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SensitiveRead } from '../access/audit-collector.js';
import type { Viewer } from '../access/viewer.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { AuditEntry } from './audit-log.js';
import { auditQueueOf } from './audit-queue.js';

/** The operation being answered: its parsed node (what the audit collector keys on), name and source text. */
export interface OperationFacts {
  readonly operation: object;
  readonly operationName: string | null;
  readonly document: string;
}

/** Who asked, from where, in which request: what every audit record of a response names. */
export interface AuditedRequest {
  /** What a record names of the viewer; its area is not recorded. */
  readonly viewer: Pick<Viewer, 'subject' | 'name' | 'roles' | 'purpose'>;
  readonly requestId: string;
  readonly clientAddress?: string;
}

/**
 * Writes the audit records of what this request's response is about to carry,
 * before it leaves. Throws when they cannot be written: the caller must then
 * withhold the response (fail closed).
 */
export async function writeAuditFor(db: Kysely<HubSchema>, request: AuditedRequest, reads: readonly SensitiveRead[], operation: OperationFacts): Promise<number> {
  if (reads.length === 0) return 0;
  const { viewer } = request;
  const at = new Date();
  const documentHash = createHash('sha256').update(operation.document).digest('hex');
  const entries: AuditEntry[] = reads.map((read) => ({
    at,
    actor: viewer.subject,
    actorName: viewer.name ?? null,
    roles: viewer.roles,
    purpose: viewer.purpose ?? null,
    operationName: operation.operationName,
    documentHash,
    requestId: request.requestId,
    clientAddress: request.clientAddress ?? null,
    entityType: read.entityType,
    entityKey: read.entityKey,
    fields: [...read.fields].sort(),
  }));
  await auditQueueOf(db).append(entries);
  return entries.length;
}
