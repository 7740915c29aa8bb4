import type { Connector } from '../../src/connectors/connector.js';
import { type HubDatabase, openHubDatabase } from '../../src/db/hub-database.js';
import { createThrowawayDatabase } from '../../src/db/throwaway-database.js';
import { openSourceDatabase, type SourceDatabase } from '../../src/sources/source-database.js';

/** A hub database for one test file, and its URL for child processes (the CLI). */
export interface TestHub extends HubDatabase {
  /** Set when the hub is a throwaway database on TEST_DATABASE_URL's server. */
  readonly url: string | undefined;
}

const serverUrl = () => (process.env.TEST_DATABASE_URL === '' ? undefined : process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated hub database: a throwaway database on the server named by
 * TEST_DATABASE_URL (dropped on close), or PGlite in memory when it is unset.
 */
export async function createTestHub(): Promise<TestHub> {
  const server = serverUrl();
  if (server === undefined) {
    return { ...(await openHubDatabase({ databaseUrl: undefined, dataDir: '', poolSize: 4 }, { inMemory: true })), url: undefined };
  }
  const database = await createThrowawayDatabase(server, 'gridgraph_test');
  const hub = await openHubDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 5 });
  return {
    ...hub,
    url: database.url,
    async close() {
      await hub.close();
      await database.drop();
    },
  };
}

/**
 * A fresh, empty database for a department source: a throwaway database on
 * TEST_DATABASE_URL's server, or PGlite in memory.
 */
export async function createTestSource(connector: Connector): Promise<SourceDatabase> {
  const server = serverUrl();
  if (server === undefined) return openSourceDatabase(connector, { dataDir: '' }, {}, { inMemory: true });
  const database = await createThrowawayDatabase(server, 'gridgraph_test_source');
  const source = await openSourceDatabase(connector, { dataDir: '' }, { [connector.urlVariable]: database.url });
  return {
    ...source,
    async close() {
      await source.close();
      await database.drop();
    },
  };
}

/** Which server the tests run against, for test names. */
export const testDatabaseKind = serverUrl() ? 'PostgreSQL' : 'PGlite';
