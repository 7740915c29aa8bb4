import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { currentDeadline, timeLeft } from './deadline.js';
import { metrics } from '../observability/metrics.js';
import { logWarning } from '../observability/logger.js';

/** How a pool bounds its waits and what its failures become. Every duration is in milliseconds. */
export interface GuardedPoolOptions {
  /** Connections at most. */
  readonly max: number;
  /** Longest wait for a connection: the pool's queue plus connecting. @default no limit (a request's deadline still applies) */
  readonly acquireTimeoutMs?: number;
  /** `statement_timeout` of every session: the server cancels a longer statement. @default none */
  readonly statementTimeoutMs?: number;
  /**
   * Longest wait for one statement's answer under a deadline, on the client: what
   * catches a server that stopped answering altogether (blackholed), where
   * `statement_timeout` cannot — and the only statement timeout PGlite has (it
   * ignores `statement_timeout`). Outside a deadline (start-up, the demo load,
   * batch work) statements are not cut on the client.
   * @default statementTimeoutMs + 1000, or only the deadline
   */
  readonly queryTimeoutMs?: number;
  /** The error callers get when the database cannot be reached or did not answer in time (the cause goes to the log). */
  readonly unavailable: (cause: unknown) => Error;
  /** Names the database in log lines, e.g. `hub` or `source police`. */
  readonly label: string;
}

/**
 * A `pg` pool that survives its database at any moment — a connection cut,
 * reset, stalled or the server killed, while idle or in the middle of a
 * statement — for Kysely's PostgresDialect. The one place every gridgraph pool
 * (hub and sources, embedded and on a server) is made, so that:
 *
 * - every client carries an `'error'` listener from the moment it connects:
 *   `pg` pools only listen on idle clients, and an `'error'` on a client that
 *   Kysely has checked out would otherwise kill the process;
 * - a statement on a broken connection rejects with `unavailable(…)`, and the
 *   connection is thrown away when released instead of going back to the pool,
 *   so the pool heals by connecting afresh once the database is back;
 * - pool wait and connect are bounded by `acquireTimeoutMs`, statements by
 *   `statementTimeoutMs` on the server, and under a deadline (`withDeadline`:
 *   a request) each wait and statement ends by the deadline too.
 */
export function createGuardedPool(url: string, options: GuardedPoolOptions): PostgresPool {
  const queryTimeoutMs = options.queryTimeoutMs ?? (options.statementTimeoutMs === undefined ? undefined : options.statementTimeoutMs + 1000);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    // Bounds the pool's queue and the connect itself; pg destroys a socket that did not finish its handshake in time.
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 0,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    // A dead peer on an idle connection is noticed by the kernel instead of by the next statement.
    keepAlive: true,
  });
  const log = (event: string, error: unknown) => {
    logWarning(`${options.label} database: ${event}`, error);
  };
  pool.on('error', (error) => log('idle connection lost', error));
  pool.on('connect', (client) => client.on('error', (error) => log('connection lost', error)));
  const evictIdle = idleEviction(pool);
  metrics.pool(options.label, pool);

  const guarded = new WeakMap<pg.PoolClient, GuardedClient>();
  return {
    async connect() {
      const budget = timeLeft(options.acquireTimeoutMs);
      if (budget !== undefined && budget <= 0) throw options.unavailable(new Error('the deadline passed before a connection was free'));
      let client: pg.PoolClient;
      try {
        client = budget === undefined ? await pool.connect() : await settleWithin(pool.connect(), budget, (late) => late.release());
      } catch (error) {
        log('no connection', error);
        throw options.unavailable(error);
      }
      let wrapper = guarded.get(client);
      if (wrapper === undefined) guarded.set(client, (wrapper = new GuardedClient(client, queryTimeoutMs, options.unavailable, log, evictIdle)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/** A checked-out client that remembers whether its connection failed, so that it is thrown away on release. */
class GuardedClient implements PostgresPoolClient {
  #broken = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly queryTimeoutMs: number | undefined,
    private readonly unavailable: (cause: unknown) => Error,
    private readonly log: (event: string, error: unknown) => void,
    private readonly evictIdle: () => void,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Streams (the sync's cursors) read for as long as the table is long: no deadline, failures as they come.
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never) as PostgresCursor<R>;
    if (this.#broken) return Promise.reject(this.unavailable(new Error('the connection failed earlier in this checkout')));
    const budget = currentDeadline() === undefined ? undefined : timeLeft(this.queryTimeoutMs);
    if (budget !== undefined && budget <= 0) return Promise.reject(this.unavailable(new Error('the deadline passed before the statement was sent')));
    const config = { text: sqlOrCursor, values: [...(parameters ?? [])], ...(budget === undefined ? {} : { query_timeout: Math.ceil(budget) }) };
    return (this.client.query(config) as unknown as Promise<PostgresQueryResult<R>>).catch((error: unknown) => {
      if (isStatementError(error)) throw error;
      if (!isCancelledByTimeout(error)) {
        this.#broken = true;
        this.evictIdle();
      }
      this.log('statement failed', error);
      throw this.unavailable(error);
    });
  }

  release(): void {
    const broken = this.#broken;
    this.#broken = false;
    // An error makes pg end the client (destroying its socket when a statement is still pending) instead of pooling it.
    this.client.release(broken ? new Error('connection failed') : undefined);
  }
}

/**
 * Returns a function that throws away every connection idle in `pool`. Called
 * when one connection fails: its idle siblings went down the same network path
 * to the same server, and one that was blackholed would only be found dead by
 * the next request to use it, at the cost of that request's deadline. Emitting
 * `'error'` on an idle client is how `pg` pools learn of a dead one: the pool
 * removes and ends it.
 */
function idleEviction(pool: pg.Pool): () => void {
  const idle = new Set<pg.PoolClient>();
  pool.on('release', (error: unknown, client: pg.PoolClient) => {
    if (error === undefined) idle.add(client);
  });
  pool.on('acquire', (client) => idle.delete(client));
  pool.on('remove', (client) => idle.delete(client as pg.PoolClient));
  return () => {
    for (const client of [...idle]) {
      idle.delete(client);
      client.emit('error', new Error('thrown away: another connection of its pool failed'));
    }
  };
}

/**
 * An error the server sent about the statement itself (a constraint, a syntax
 * error): the connection is sound and the error is the caller's to handle.
 * Connection-level failures (no SQLSTATE: a reset, a timeout, "terminated
 * unexpectedly"; class 08 connection exceptions; 57P admin shutdown, crash)
 * and cancellation by `statement_timeout` are not.
 */
function isStatementError(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError) || typeof error.code !== 'string') return false;
  return !error.code.startsWith('08') && !error.code.startsWith('57P') && !isCancelledByTimeout(error) && error.code !== '53300';
}

/** `statement_timeout` cancelled it: the server is slow, but the connection is still usable. */
function isCancelledByTimeout(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '57014';
}

/**
 * The promise's value if it settles within `ms`, else a rejection; a value that
 * arrives late is handed to `onLate` (a connection goes back to the pool).
 */
function settleWithin<T>(promise: Promise<T>, ms: number, onLate: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no connection within ${Math.round(ms)} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}
