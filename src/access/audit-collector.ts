/** One entity whose unmasked sensitive fields a response carries. */
export interface SensitiveRead {
  readonly entityType: string;
  readonly entityKey: string | null;
  readonly fields: Set<string>;
}

/**
 * Gathers, while a request executes, every unmasked L3/L4 value it returns, by
 * operation and entity; the server writes them to the audit log before the
 * response leaves. By operation, because the operations of a batched request
 * share one context but each has its own audit records.
 */
export class AuditCollector {
  readonly #reads = new WeakMap<object, Map<string, SensitiveRead>>();

  record(operation: object, entityType: string, entityKey: string | null, field: string): void {
    let reads = this.#reads.get(operation);
    if (reads === undefined) {
      reads = new Map();
      this.#reads.set(operation, reads);
    }
    const id = `${entityType}|${entityKey ?? ''}`;
    let read = reads.get(id);
    if (read === undefined) {
      read = { entityType, entityKey, fields: new Set() };
      reads.set(id, read);
    }
    read.fields.add(field);
  }

  /** What one operation's response carries; forgotten once taken. */
  drain(operation: object): SensitiveRead[] {
    const reads = [...(this.#reads.get(operation)?.values() ?? [])];
    this.#reads.delete(operation);
    return reads;
  }
}
