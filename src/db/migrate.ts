import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as registry from './migrations/0001-registry.js';
import * as registryRevision from './migrations/0002-registry-revision.js';
import * as crosswalk from './migrations/0003-crosswalk.js';
import * as links from './migrations/0004-links-and-shared-values.js';
import * as audit from './migrations/0005-audit-log.js';
import * as syncKeyset from './migrations/0006-sync-keyset-and-issues.js';
import * as hubSecret from './migrations/0007-hub-secret.js';
import * as statisticsFacts from './migrations/0008-statistics-facts.js';
import * as residentCounts from './migrations/0009-resident-counts.js';

/** Migrations are listed here, not discovered on disk, so they work the same under tsx, vitest and a bundler. */
const migrations: Record<string, Migration> = {
  '0001-registry': registry,
  '0002-registry-revision': registryRevision,
  '0003-crosswalk': crosswalk,
  '0004-links-and-shared-values': links,
  '0005-audit-log': audit,
  '0006-sync-keyset-and-issues': syncKeyset,
  '0007-hub-secret': hubSecret,
  '0008-statistics-facts': statisticsFacts,
  '0009-resident-counts': residentCounts,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the hub schema up to date; a no-op on a current database. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`hub migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
