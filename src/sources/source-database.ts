import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { Connector } from '../connectors/connector.js';
import { createKysely } from '../db/hub-database.js';
import { EMBEDDED_POOL_SIZE, openEmbeddedPostgres } from '../db/embedded-postgres.js';

/** A connection to one department's database. */
export interface SourceDatabase {
  readonly connector: Connector;
  /** Untyped: a source's tables are known from its mapping, not from TypeScript. */
  readonly db: Kysely<any>;
  /** Where it lives, for logs (never credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Connects to a connector's source: the URL in its variable, or — on the
 * embedded default — its own PGlite database `source-<name>` in the data folder.
 */
export async function openSourceDatabase(
  connector: Connector,
  config: Pick<Config, 'dataDir'>,
  env: Record<string, string | undefined> = process.env,
  options: { inMemory?: boolean } = {},
): Promise<SourceDatabase> {
  const url = env[connector.urlVariable]?.trim();
  if (url) {
    const db = createKysely<any>(url, 5);
    const parsed = new URL(url);
    return { connector, db, description: `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`, close: () => db.destroy() };
  }
  const embedded = await openEmbeddedPostgres(options.inMemory ? undefined : config.dataDir, `source-${connector.name}`);
  const db = createKysely<any>(embedded.url, EMBEDDED_POOL_SIZE);
  return {
    connector,
    db,
    description: `embedded source-${connector.name}`,
    async close() {
      await db.destroy();
      await embedded.close();
    },
  };
}
