import { Kysely, PostgresDialect } from 'kysely';
import type { Config } from '../config/config.js';
import { hubUnavailable } from '../errors/database-unavailable.js';
import { EMBEDDED_DATABASE, EMBEDDED_POOL_SIZE, openEmbeddedPostgres } from './embedded-postgres.js';
import { createGuardedPool, type GuardedPoolOptions } from './guarded-pool.js';
import type { HubSchema } from './hub-schema.js';
import { migrateToLatest } from './migrate.js';

/** The hub database, migrated and ready, whichever server it lives on. */
export interface HubDatabase {
  readonly db: Kysely<HubSchema>;
  /** Where it lives, for logs: `embedded <folder>` or the server's host and database (never credentials). */
  readonly description: string;
  /** True on the embedded default when this process owns the data folder. */
  readonly ownsEmbedded: boolean;
  /** The URL its pool connects to (the embedded server's loopback URL on the default): for tests and benchmarks that put a proxy in between. */
  readonly connectionUrl: string;
  close(): Promise<void>;
}

type HubConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'>;

/**
 * The hub's bounds while serving (see Config): statements longer than
 * `statementTimeoutMs` are cancelled, and a connection not had within
 * `acquireTimeoutMs` fails the statement. Batch commands (import, sync) open
 * the hub without them: their statements are long by nature.
 */
export interface HubTimeouts {
  readonly statementTimeoutMs: number;
  readonly acquireTimeoutMs: number;
}

/**
 * Connects to `DATABASE_URL`, or opens (or joins) the embedded database in the
 * data folder, then migrates. Embedded and real servers share one code path:
 * `pg` and Kysely's PostgresDialect.
 */
export async function openHubDatabase(config: HubConfig, options: { inMemory?: boolean; timeouts?: HubTimeouts } = {}): Promise<HubDatabase> {
  const embedded =
    config.databaseUrl === undefined
      ? await openEmbeddedPostgres(options.inMemory ? undefined : config.dataDir, EMBEDDED_DATABASE)
      : undefined;
  const url = config.databaseUrl ?? embedded!.url;
  const db = createHubKysely(url, embedded ? EMBEDDED_POOL_SIZE : config.poolSize, options.timeouts);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await embedded?.close();
    throw error;
  }
  return {
    db,
    description: embedded ? `embedded ${options.inMemory ? '(in memory)' : config.dataDir}` : describeUrl(url),
    ownsEmbedded: embedded?.owner ?? false,
    connectionUrl: url,
    async close() {
      await db.destroy();
      await embedded?.close();
    },
  };
}

/** A Kysely instance over the hub database at `url`, its failures answered as "the hub database is unavailable". */
export function createHubKysely(url: string, poolSize: number, timeouts?: HubTimeouts): Kysely<HubSchema> {
  return createKysely<HubSchema>(url, {
    max: poolSize,
    acquireTimeoutMs: timeouts?.acquireTimeoutMs,
    statementTimeoutMs: timeouts?.statementTimeoutMs,
    unavailable: hubUnavailable,
    label: 'hub',
  });
}

/** A Kysely instance over a guarded `pg` pool (see createGuardedPool): the only way gridgraph connects to a database. */
export function createKysely<Schema>(url: string, options: GuardedPoolOptions): Kysely<Schema> {
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool: createGuardedPool(url, options) }) });
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
