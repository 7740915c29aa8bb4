import { type AuditFilter, countAuditLog, pageAuditLog, verifyAuditChain } from '../../audit/audit-log.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import { paginate } from '../connection.js';
import type { Resolvers } from '../generated/resolvers-types.js';

function readTime(value: string | null | undefined, argument: string): Date | undefined {
  if (value == null) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw badUserInput(`filter.${argument}: "${value}" is not an ISO 8601 time`, { argument: `filter.${argument}` });
  return time;
}

/** The audit log, for the auditor role: "who looked at resident X", and the chain's integrity. */
export const auditResolvers: Resolvers = {
  Query: {
    auditLog: (_, { filter, ...page }, { db, ids }) => {
      const where: AuditFilter = {
        subjectIdNumber: filter?.subjectIdNumber ?? undefined,
        actor: filter?.actor ?? undefined,
        from: readTime(filter?.from, 'from'),
        to: readTime(filter?.to, 'to'),
      };
      return paginate(ids, page, (row) => row.sequence, (before, limit) => pageAuditLog(db, where, before, limit), () => countAuditLog(db, where));
    },
    auditChain: (_, __, { db }) => verifyAuditChain(db),
  },
  AuditRecord: {
    sequence: (row) => Number(row.sequence),
    at: (row) => row.at.toISOString(),
    actorName: (row) => row.actor_name,
    operationName: (row) => row.operation_name,
    documentHash: (row) => row.document_hash,
    requestId: (row) => row.request_id,
    clientAddress: (row) => row.client_address,
    entityType: (row) => row.entity_type,
    entityKey: (row) => row.entity_key,
  },
};
