import { type Kysely, sql } from 'kysely';
import type { Connector } from '../../src/connectors/connector.js';
import { createHubKysely, type HubDatabase, openHubDatabase } from '../../src/db/hub-database.js';
import { EMBEDDED_POOL_SIZE } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createThrowawayDatabase } from '../../src/db/throwaway-database.js';
import { createSourceKysely, openSourceDatabase, SOURCE_POOL_SIZE, type SourceDatabase } from '../../src/sources/source-database.js';
import { embeddedSourceSchema, inSourceSchema } from '../../src/sources/source-schema.js';
import { serverUrl, type TestDatabase } from './test-database.js';

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

/** A hub over a test database (see test-database.ts), migrated, with pools bounded as createTestHub's. */
export async function hubOn(database: TestDatabase): Promise<TestHub & { saveAs(image: string): Promise<void> }> {
  const onServer = serverUrl() !== undefined;
  const db = createHubKysely(database.url, onServer ? 5 : EMBEDDED_POOL_SIZE);
  await migrateToLatest(db); // nothing to do on a copy of a migrated image
  return {
    db,
    description: onServer ? 'postgres (test copy)' : 'embedded (in memory)',
    ownsEmbedded: !onServer,
    connectionUrl: database.url,
    url: onServer ? database.url : undefined,
    ...poolOnCopy(db, database),
  };
}

/** A department source over a test database, its pool bounded as createTestSource's. */
export function sourceOn(connector: Connector, database: TestDatabase): SourceDatabase & { saveAs(image: string): Promise<void> } {
  const onServer = serverUrl() !== undefined;
  const db = createSourceKysely(connector, database.url, onServer ? SOURCE_POOL_SIZE : EMBEDDED_POOL_SIZE);
  return {
    connector,
    db,
    connectionUrl: database.url,
    description: onServer ? 'postgres (test copy)' : `embedded source-${connector.name}`,
    ...poolOnCopy(db, database),
  };
}

/**
 * A department source in the schema `source_<name>` of the hub's test database
 * (PGlite), as the embedded default keeps its demo sources: one PGlite a test
 * file instead of one per source. Closing it closes its pool only.
 */
export async function sourceInSchema(connector: Connector, hub: TestHub): Promise<SourceDatabase> {
  const { db, schema } = await inSourceSchema(createSourceKysely(connector, hub.connectionUrl, EMBEDDED_POOL_SIZE), connector.name);
  return { connector, db, connectionUrl: hub.connectionUrl, description: `embedded, schema ${schema}`, close: () => db.destroy() };
}

/**
 * Puts the sources' schemas on the PGlite session's search path, after the
 * hub's own, so that a test's plain SQL on a source table (`insert into
 * "T_JQ_JQXX" …`), through the source's pool or one of its own, finds it. The
 * sources' tables are named apart from each other and from the hub's.
 */
export async function searchSourceSchemas(hub: TestHub, connectors: readonly Connector[]): Promise<void> {
  const schemas = connectors.map((connector) => sql.id(embeddedSourceSchema(connector.name)));
  await sql`set search_path to public, ${sql.join(schemas)}`.execute(hub.db);
}

/** Closing or saving a test database closes the pool on it first. */
function poolOnCopy(db: Kysely<any>, database: TestDatabase): { saveAs(image: string): Promise<void>; close(): Promise<void> } {
  return {
    async saveAs(image) {
      await db.destroy();
      await database.saveAs(image);
    },
    async close() {
      await db.destroy();
      await database.close();
    },
  };
}

/** Which server the tests run against, for test names. */
export const testDatabaseKind = serverUrl() ? 'PostgreSQL' : 'PGlite';
