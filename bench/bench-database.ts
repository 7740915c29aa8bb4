import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type HubDatabase, openHubDatabase } from '../src/db/hub-database.js';

/**
 * The database a benchmark runs on: a throwaway database on the server named by
 * BENCH_DATABASE_URL (dropped after), or PGlite in memory when it is unset.
 */
export async function openBenchHub(): Promise<HubDatabase & { kind: string }> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    const hub = await openHubDatabase({ databaseUrl: undefined, dataDir: '', poolSize: 4 }, { inMemory: true });
    return { ...hub, kind: 'PGlite (embedded, in memory)' };
  }
  const name = `gridgraph_bench_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const hub = await openHubDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 10 });
  return {
    ...hub,
    kind: `PostgreSQL ${url.hostname}:${url.port || 5432}`,
    async close() {
      await hub.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
