import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { Connector } from '../connectors/connector.js';
import { createKysely } from '../db/hub-database.js';
import { EMBEDDED_DATABASE, EMBEDDED_POOL_SIZE, openEmbeddedPostgres } from '../db/embedded-postgres.js';
import { sourceUnavailable } from '../errors/database-unavailable.js';
import { inSourceSchema } from './source-schema.js';

/** A connection to one department's database. */
export interface SourceDatabase {
  readonly connector: Connector;
  /** Untyped: a source's tables are known from its mapping, not from TypeScript. */
  readonly db: Kysely<any>;
  /** Where it lives, for logs (never credentials). */
  readonly description: string;
  /** The URL its pool connects to: for tests and benchmarks that put a proxy in between. */
  readonly connectionUrl: string;
  close(): Promise<void>;
}

/** Connections to a source on a server. */
export const SOURCE_POOL_SIZE = 5;

/** How one source's pool is opened. */
export interface SourceOptions {
  /** PGlite in memory instead of the data folder (tests). */
  readonly inMemory?: boolean;
  /**
   * While serving: SOURCE_TIMEOUT_MS, the longest a source may take for anything
   * (pool wait, connect, statement). Unset for batch work (sync), whose scans are long.
   */
  readonly timeoutMs?: number;
}

/**
 * Connects to a connector's source: the URL in its variable, or — on the
 * embedded default — the schema `source_<name>` of the data folder's one
 * embedded database, which the hub and every demo source share: one PostgreSQL
 * in the process instead of one per source. Each source still has its own pool
 * and reaches only its own tables. A data folder made before the sources
 * shared it keeps its database per source (`source-<name>`).
 */
export async function openSourceDatabase(
  connector: Connector,
  config: Pick<Config, 'dataDir'>,
  env: Record<string, string | undefined> = process.env,
  options: SourceOptions = {},
): Promise<SourceDatabase> {
  const url = env[connector.urlVariable]?.trim();
  if (url) {
    const db = createSourceKysely(connector, url, SOURCE_POOL_SIZE, options.timeoutMs);
    const parsed = new URL(url);
    return { connector, db, connectionUrl: url, description: `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`, close: () => db.destroy() };
  }
  const ownFolder = `source-${connector.name}`;
  // In memory (tests) and in a data folder made before, a source has a database of its own.
  const ownDatabase = options.inMemory === true || fs.existsSync(path.join(config.dataDir, ownFolder));
  const embedded = await openEmbeddedPostgres(options.inMemory ? undefined : config.dataDir, ownDatabase ? ownFolder : EMBEDDED_DATABASE);
  const pool = createSourceKysely(connector, embedded.url, EMBEDDED_POOL_SIZE, options.timeoutMs);
  let db = pool;
  let schema: string | undefined;
  if (!ownDatabase) {
    try {
      ({ db, schema } = await inSourceSchema(pool, connector.name));
    } catch (error) {
      await embedded.close();
      throw error;
    }
  }
  return {
    connector,
    db,
    connectionUrl: embedded.url,
    description: schema === undefined ? `embedded ${ownFolder}` : `embedded, schema ${schema}`,
    async close() {
      await db.destroy();
      await embedded.close();
    },
  };
}

/**
 * A Kysely instance over a source's database whose failures name the source
 * (SOURCE_UNAVAILABLE). With `timeoutMs`, the pool wait and connect are bounded
 * by it and the server cancels statements that outlast it.
 */
export function createSourceKysely(connector: Connector, url: string, poolSize: number, timeoutMs?: number): Kysely<any> {
  return createKysely<any>(url, {
    max: poolSize,
    acquireTimeoutMs: timeoutMs,
    statementTimeoutMs: timeoutMs,
    unavailable: (cause) => sourceUnavailable(connector.name, cause),
    label: `source ${connector.name}`,
  });
}
