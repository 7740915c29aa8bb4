import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError } from '../errors/gridgraph-error.js';

/** Network errors that mean the source is not there (or not answering), not that a statement is wrong. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** Why a table's sync failed, in words fit for a steward's screen: no host names, SQL or driver text. */
export interface SyncFailure {
  /** The source did not answer: its other tables are skipped too. */
  readonly unreachable: boolean;
  readonly message: string;
}

/**
 * Describes a sync failure without repeating driver text (which names hosts,
 * ports and relations): a network error by its code, a PostgreSQL error by its
 * SQLSTATE, an expected error by its own message.
 */
export function describeSyncFailure(error: unknown): SyncFailure {
  if (error instanceof GridgraphError) {
    if (error.code !== ErrorCode.SOURCE_UNAVAILABLE) return { unreachable: false, message: error.message };
    // The pool's "source X is unavailable" (src/db/guarded-pool.ts): the driver's error beneath it says why.
    const cause = (error as { cause?: unknown }).cause;
    return { unreachable: true, message: cause === undefined ? 'source unreachable' : describeSyncFailure(cause).message };
  }
  if (error instanceof Error && error.name === 'SyncStopped') return { unreachable: false, message: error.message };
  const code = errorCode(error);
  if (code !== undefined && UNREACHABLE.has(code)) return { unreachable: true, message: `source unreachable (${code})` };
  if (error instanceof Error && /^no answer within/.test(error.message)) return { unreachable: true, message: 'source unreachable (no answer in time)' };
  if (error instanceof Error && /Connection terminated|connection timeout|terminating connection/i.test(error.message)) {
    return { unreachable: true, message: 'source unreachable (connection lost)' };
  }
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    // Class 08 is a connection exception, 57P0x an administrator shutdown: the source went away.
    const unreachable = code.startsWith('08') || code.startsWith('57P');
    return { unreachable, message: unreachable ? `source unreachable (SQLSTATE ${code})` : `a statement failed (SQLSTATE ${code})` };
  }
  return { unreachable: false, message: 'internal error' };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // An AggregateError (one per address tried) carries the code on itself or its parts.
  const parts = (error as { errors?: unknown[] }).errors;
  return Array.isArray(parts) ? parts.map(errorCode).find((c) => c !== undefined) : undefined;
}
