import { type Context, SpanKind } from '@opentelemetry/api';
import { requestLogContext } from './logger.js';
import { metrics } from './metrics.js';
import { databaseAttributes, inSpan, startSpan, endSpan, tracingOn } from './tracing.js';

/**
 * The one-line calls other modules make (loaders, audit queue, sync): each
 * records its metric and, with tracing on, its span. Kept here so that those
 * modules carry a single line each.
 */

/** The request state the observer keeps while a request runs (see request-observer.ts). */
export interface ObservedRequest {
  readonly requestId: string;
  /** The span of the operation executing now: where source reads hang (tracing on only). */
  executeContext?: Context;
}

function parentContext(): Context | undefined {
  return (requestLogContext.getStore() as ObservedRequest | undefined)?.executeContext;
}

/**
 * A live read batch from a source, under its deadline: counted by outcome
 * (`timeout` when it failed at or past the deadline), timed, and a span.
 */
export async function observeSourceRead<T>(connector: string, deadline: number, read: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await inSpan('source.read', databaseAttributes(connector), read, parentContext(), SpanKind.CLIENT);
    metrics.sourceRead(connector, 'ok', (performance.now() - started) / 1000);
    return value;
  } catch (error) {
    metrics.sourceRead(connector, Date.now() >= deadline - 1 ? 'timeout' : 'failed', (performance.now() - started) / 1000);
    throw error;
  }
}

/** One audit group commit of `records` records. */
export async function observeAuditCommit<T>(records: number, commit: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await inSpan('audit.commit', { 'gridgraph.audit.records': records }, commit);
    metrics.auditCommitted(records, true, (performance.now() - started) / 1000);
    return value;
  } catch (error) {
    metrics.auditCommitted(records, false, (performance.now() - started) / 1000);
    throw error;
  }
}

/** A sync chunk of `rows` rows read from a source table, being written to the hub by `written`. */
export function observeSyncChunk(connector: string, table: string, rows: number, written: Promise<unknown>): void {
  metrics.syncRowsRead(connector, table, rows);
  if (!tracingOn()) return;
  const span = startSpan('sync.chunk', { 'gridgraph.connector': connector, 'gridgraph.table': table, 'gridgraph.rows': rows });
  written.then(() => endSpan(span), (error: unknown) => endSpan(span, error));
}
