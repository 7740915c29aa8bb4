import type { Kysely } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';
import { appendAudit, type AuditEntry, type ChainHead } from './audit-log.js';
import { metrics } from '../observability/metrics.js';
import { observeAuditCommit } from '../observability/hooks.js';

interface Waiting {
  entries: readonly AuditEntry[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the audit chain. Every append waits for the head row's
 * lock, so concurrent requests would each pay a whole transaction in turn;
 * instead, what arrives while one transaction runs goes into the next, all
 * together. Each caller still returns only once its own records are committed,
 * and sees the error when they are not (fail closed).
 */
export class AuditQueue {
  private waiting: Waiting[] = [];
  private flushing = false;
  /** Where this process last left the chain: saves reading the head before each append. Forgotten after a failure. */
  private head: ChainHead | undefined;
  /** Whether the last append found the head moved by another writer: the next goes straight to the head's lock. */
  private contended = false;
  /** Appends that found the head moved by another writer (another hub process on the database) since this queue's last. */
  headMoves = 0;
  /** Of those, the ones that had spent a statement on the old head first (the others were under the head's lock at once). */
  retries = 0;

  constructor(private readonly db: Kysely<HubSchema>) {}

  append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    metrics.auditQueued(entries.length);
    return new Promise((resolve, reject) => {
      this.waiting.push({ entries, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        let moved = false;
        const records = batch.flatMap((waiting) => waiting.entries);
        this.head = await observeAuditCommit(records.length, () =>
          appendAudit(this.db, records, {
            knownHead: this.head,
            lockFirst: this.contended,
            onHeadMoved: (retried) => {
              moved = true;
              this.headMoves += 1;
              if (retried) this.retries += 1;
              metrics.auditHeadMoved(retried);
            },
          }),
        );
        this.contended = moved;
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        this.head = undefined;
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.flushing = false;
  }
}

const queues = new WeakMap<Kysely<HubSchema>, AuditQueue>();

/** The queue of a hub database: one per process and database, so batches form across requests. */
export function auditQueueOf(db: Kysely<HubSchema>): AuditQueue {
  let queue = queues.get(db);
  if (queue === undefined) queues.set(db, (queue = new AuditQueue(db)));
  return queue;
}
