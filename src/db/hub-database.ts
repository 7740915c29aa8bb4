import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { EMBEDDED_POOL_SIZE, openEmbeddedPostgres } from './embedded-postgres.js';
import type { HubSchema } from './hub-schema.js';
import { migrateToLatest } from './migrate.js';

/** The hub database, migrated and ready, whichever server it lives on. */
export interface HubDatabase {
  readonly db: Kysely<HubSchema>;
  /** Where it lives, for logs: `embedded <folder>` or the server's host and database (never credentials). */
  readonly description: string;
  /** True on the embedded default when this process owns the data folder. */
  readonly ownsEmbedded: boolean;
  close(): Promise<void>;
}

type HubConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'>;

/**
 * Connects to `DATABASE_URL`, or opens (or joins) the embedded database in the
 * data folder, then migrates. Embedded and real servers share one code path:
 * `pg` and Kysely's PostgresDialect.
 */
export async function openHubDatabase(config: HubConfig, options: { inMemory?: boolean } = {}): Promise<HubDatabase> {
  const embedded =
    config.databaseUrl === undefined
      ? await openEmbeddedPostgres(options.inMemory ? undefined : config.dataDir, 'hub')
      : undefined;
  const url = config.databaseUrl ?? embedded!.url;
  const db = createKysely<HubSchema>(url, embedded ? EMBEDDED_POOL_SIZE : config.poolSize);
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
    async close() {
      await db.destroy();
      await embedded?.close();
    },
  };
}

/** A Kysely instance over a `pg` pool. */
export function createKysely<Schema>(url: string, poolSize: number): Kysely<Schema> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
