import { readConfig, type Config } from '../config/config.js';
import { type HubDatabase, openHubDatabase } from '../db/hub-database.js';

/**
 * Runs a command against the configured hub database: DATABASE_URL, or the
 * embedded database in the data folder — served by this process, or joined
 * through the running hub when `npm start` already owns the folder.
 */
export async function withHub<T>(run: (hub: HubDatabase, config: Config) => Promise<T>): Promise<T> {
  const config = readConfig();
  const hub = await openHubDatabase(config);
  try {
    return await run(hub, config);
  } finally {
    await hub.close();
  }
}
