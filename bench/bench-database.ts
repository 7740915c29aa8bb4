import { type HubDatabase, openHubDatabase } from '../src/db/hub-database.js';
import { createThrowawayDatabase } from '../src/db/throwaway-database.js';

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
  const database = await createThrowawayDatabase(serverUrl, 'gridgraph_bench');
  const hub = await openHubDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 10 });
  const server = new URL(serverUrl);
  return {
    ...hub,
    kind: `PostgreSQL ${server.hostname}:${server.port || 5432}`,
    async close() {
      await hub.close();
      await database.drop();
    },
  };
}
