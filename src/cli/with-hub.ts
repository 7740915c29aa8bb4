import { ConfigError, readConfig, type Config } from '../config/config.js';
import type { HubDatabase, HubTimeouts } from '../db/hub-database.js';
import { progressPrinter } from './progress.js';

// The database and the demo are imported when a command runs, not when the CLI
// starts: `--help` and commands that need no database start without PGlite, pg
// and Kysely loaded.

/**
 * Opens the configured hub database — DATABASE_URL, or the embedded database in
 * the data folder (served by this process, or joined through the running hub
 * when `npm start` already owns the folder) — and, where GRIDGRAPH_DEMO is on,
 * fills an empty registry with the demo district, whichever command comes first.
 */
export async function openConfiguredHub(config: Config, log: (line: string) => void, timeouts?: HubTimeouts, options: { serving?: boolean } = {}): Promise<HubDatabase> {
  const { openHubDatabase } = await import('../db/hub-database.js');
  const { loadDemoIfEmpty } = await import('../demo/load-demo.js');
  const hub = await openHubDatabase(config, { timeouts });
  if (options.serving && config.databaseUrl === undefined && !hub.ownsEmbedded) {
    // A guest serving would lose its database when the owner exits, and its sync would not be kept apart from the owner's.
    await hub.close();
    throw new ConfigError(
      'GRIDGRAPH_DATA_DIR',
      `another gridgraph process already has the embedded database in ${config.dataDir} open; one process serves an embedded data folder — several hub processes need a PostgreSQL hub (DATABASE_URL)`,
    );
  }
  if (config.loadDemo) {
    const progress = progressPrinter();
    const loaded = await loadDemoIfEmpty(hub.db, { onProgress: progress.update }).finally(progress.done);
    if (loaded) log(`gridgraph: loaded the demo district: ${loaded.addresses.inserted} addresses, ${loaded.grids.inserted} grids`);
  }
  return hub;
}

/** Runs a command against the configured hub database, and closes it after. */
export async function withHub<T>(run: (hub: HubDatabase, config: Config) => Promise<T>): Promise<T> {
  const config = readConfig();
  const hub = await openConfiguredHub(config, (line) => console.error(line));
  try {
    return await run(hub, config);
  } finally {
    await hub.close();
  }
}
