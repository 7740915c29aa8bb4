import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Connector } from '../../src/connectors/connector.js';
import { type HubDatabase, openHubDatabase } from '../../src/db/hub-database.js';
import { openSourceDatabase, type SourceDatabase } from '../../src/sources/source-database.js';

/** A hub database for one test file, and its URL for child processes (the CLI). */
export interface TestHub extends HubDatabase {
  /** Set when the hub is a throwaway database on TEST_DATABASE_URL's server. */
  readonly url: string | undefined;
}

/**
 * A fresh, migrated hub database: a throwaway database on the server named by
 * TEST_DATABASE_URL (dropped on close), or PGlite in memory when it is unset.
 */
export async function createTestHub(): Promise<TestHub> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    return { ...(await openHubDatabase({ databaseUrl: undefined, dataDir: '', poolSize: 4 }, { inMemory: true })), url: undefined };
  }
  const name = `gridgraph_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const hub = await openHubDatabase({ databaseUrl: url, dataDir: '', poolSize: 5 });
  return {
    ...hub,
    url,
    async close() {
      await hub.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * A fresh, empty database for a department source: a throwaway database on
 * TEST_DATABASE_URL's server, or PGlite in memory.
 */
export async function createTestSource(connector: Connector): Promise<SourceDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') return openSourceDatabase(connector, { dataDir: '' }, {}, { inMemory: true });
  const name = `gridgraph_test_source_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const source = await openSourceDatabase(connector, { dataDir: '' }, { [connector.urlVariable]: withDatabase(serverUrl, name) });
  return {
    ...source,
    async close() {
      await source.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Which server the tests run against, for test names. */
export const testDatabaseKind = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
