import type { Kysely } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';
import { countAddresses } from '../registry/address-repository.js';
import { type ImportOptions, type ImportSummary, importRegistry } from '../registry/registry-import.js';
import { demoRowSources, generateDemoRegistry } from './demo-registry.js';

/**
 * Loads the demo district into an empty registry, through the same importer a
 * steward's CSV files go through. A registry that has any address is left alone.
 */
export async function loadDemoIfEmpty(db: Kysely<HubSchema>, options: ImportOptions = {}): Promise<ImportSummary | undefined> {
  if ((await countAddresses(db, {})) > 0) return undefined;
  return importRegistry(db, demoRowSources(generateDemoRegistry()), options);
}
