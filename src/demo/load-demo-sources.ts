import { hasAnyRecord } from '../crosswalk/entity-queries.js';
import type { Kysely } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { syncSources } from '../sync/sync-source.js';
import { generateDemoSources } from './demo-sources.js';

/**
 * On a new embedded data folder: generate the demo department sources that are
 * still empty and sync everything, so a new user sees the whole graph at once.
 * A hub whose crosswalk already has records is left alone.
 */
export async function loadDemoSourcesIfEmpty(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  resolver: AddressResolver,
  log: (line: string) => void,
  scale = 1,
): Promise<void> {
  if (await hasAnyRecord(hub)) return;
  const reports = await generateDemoSources(hub, sources, { scale });
  for (const [name, report] of reports) log(`gridgraph: generated the demo ${name} source: ${Object.values(report.rows).reduce((a, b) => a + b, 0)} rows`);
  const { failures } = await syncSources(hub, sources, resolver, {
    onSourceDone: (name, results) => log(`gridgraph: synced ${name}: ${results.reduce((n, r) => n + r.scanned, 0)} rows`),
  });
  for (const failure of failures) log(`gridgraph: the sync of ${failure.source} failed at ${failure.table} (${failure.message})`);
}
