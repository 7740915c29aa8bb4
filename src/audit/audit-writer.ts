import { createHash } from 'node:crypto';
import type { GraphContext } from '../graph/context.js';
import type { AuditEntry } from './audit-log.js';
import { auditQueueOf } from './audit-queue.js';

/** The operation being answered: its parsed node (what the audit collector keys on), name and source text. */
export interface OperationFacts {
  readonly operation: object;
  readonly operationName: string | null;
  readonly document: string;
}

/**
 * Writes the audit records of what this request's response is about to carry,
 * before it leaves. Throws when they cannot be written: the caller must then
 * withhold the response (fail closed).
 */
export async function writeAuditFor(context: GraphContext, operation: OperationFacts): Promise<number> {
  const reads = context.access.audit.drain(operation.operation);
  if (reads.length === 0) return 0;
  const { viewer } = context.access;
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
    requestId: context.requestId,
    clientAddress: context.clientAddress ?? null,
    entityType: read.entityType,
    entityKey: read.entityKey,
    fields: [...read.fields].sort(),
  }));
  await auditQueueOf(context.db).append(entries);
  return entries.length;
}
