import type { Config } from '../config/config.js';
import type { Connector } from '../connectors/connector.js';
import { badUserInput } from '../errors/gridgraph-error.js';
import { openSourceDatabase, type SourceDatabase, type SourceOptions } from './source-database.js';

/** Opens the named connectors' sources (all when `names` is empty); an unknown name is an error that lists the known ones. */
export async function openSources(
  connectors: readonly Connector[],
  config: Pick<Config, 'dataDir'>,
  names: readonly string[] = [],
  options: SourceOptions = {},
): Promise<SourceDatabase[]> {
  const unknown = names.filter((name) => !connectors.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw badUserInput(`unknown source(s): ${unknown.join(', ')}; the sources are ${connectors.map((c) => c.name).join(', ')}`);
  }
  const chosen = names.length === 0 ? connectors : connectors.filter((c) => names.includes(c.name));
  const opened: SourceDatabase[] = [];
  try {
    for (const connector of chosen) opened.push(await openSourceDatabase(connector, config, process.env, options));
  } catch (error) {
    await Promise.all(opened.map((source) => source.close()));
    throw error;
  }
  return opened;
}

export async function closeSources(sources: readonly SourceDatabase[]): Promise<void> {
  await Promise.all(sources.map((source) => source.close()));
}
