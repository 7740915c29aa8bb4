import { connectors } from '../connectors/index.js';
import { AddressResolver } from '../src/address/address-resolver.js';
import { type HubDatabase, openHubDatabase } from '../src/db/hub-database.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../src/db/throwaway-database.js';
import { demoRowSources, generateDemoRegistry } from '../src/demo/demo-registry.js';
import { generateDemoSources } from '../src/demo/demo-sources.js';
import { importRegistry } from '../src/registry/registry-import.js';
import { openSourceDatabase, type SourceDatabase } from '../src/sources/source-database.js';
import { syncSources, type TableSyncResult } from '../src/sync/sync-source.js';

/** A hub and the five demo sources at one scale, generated and synced, for a benchmark run. */
export interface BenchWorld {
  readonly hub: HubDatabase;
  readonly sources: SourceDatabase[];
  /** Where the databases live, for the report. */
  readonly kind: string;
  /** On a server (BENCH_DATABASE_URL): the hub's URL and each source's, by its connector's variable — what a `gridgraph serve` process of its own is given. */
  readonly urls?: { readonly hub: string; readonly sources: Readonly<Record<string, string>> };
  /** Figures of the generation and the first full sync. */
  readonly setup: { addresses: number; residents: number; sourceRows: number; generateSeconds: number; syncSeconds: number; syncResults: TableSyncResult[] };
  close(): Promise<void>;
}

/**
 * Builds the world: throwaway databases on BENCH_DATABASE_URL's server (one per
 * source, as a deployment lays them out), or PGlite in memory when it is unset.
 */
export async function buildBenchWorld(scale: number, log: (line: string) => void, options: { registryScale?: number; sync?: boolean } = {}): Promise<BenchWorld> {
  const serverUrl = process.env.BENCH_DATABASE_URL || undefined;
  const throwaway: ThrowawayDatabase[] = [];
  const newUrl = async () => {
    const database = await createThrowawayDatabase(serverUrl!, 'gridgraph_bench');
    throwaway.push(database);
    return database.url;
  };
  const hubUrl = serverUrl ? await newUrl() : undefined;
  const sourceUrls: Record<string, string> = {};
  const hub = hubUrl
    ? await openHubDatabase({ databaseUrl: hubUrl, dataDir: '', poolSize: 10 })
    : await openHubDatabase({ databaseUrl: undefined, dataDir: '', poolSize: 4 }, { inMemory: true });
  const sources: SourceDatabase[] = [];
  for (const connector of connectors) {
    if (serverUrl) sourceUrls[connector.urlVariable] = await newUrl();
    sources.push(serverUrl
      ? await openSourceDatabase(connector, { dataDir: '' }, { [connector.urlVariable]: sourceUrls[connector.urlVariable] })
      : await openSourceDatabase(connector, { dataDir: '' }, {}, { inMemory: true }));
  }
  // The registry grows with the population when asked, so a door holds as many people at any scale.
  const registry = generateDemoRegistry({ scale: options.registryScale ?? 1 });
  log(`importing the registry: ${registry.addresses.length} addresses …`);
  await importRegistry(hub.db, demoRowSources(registry));
  log(`generating the five demo sources at scale ${scale} …`);
  let started = performance.now();
  const reports = await generateDemoSources(hub.db, sources, { scale });
  const generateSeconds = (performance.now() - started) / 1000;
  const sourceRows = [...reports.values()].reduce((n, r) => n + Object.values(r.rows).reduce((a, b) => a + b, 0), 0);
  started = performance.now();
  const syncResults: TableSyncResult[] = [];
  if (options.sync !== false) {
    log(`syncing ${sourceRows} source rows …`);
    const resolver = new AddressResolver(hub.db);
    const report = await syncSources(hub.db, sources, resolver);
    if (report.failures.length > 0) throw new Error(`sync failed: ${report.failures.map((f) => `${f.source}.${f.table}: ${f.message}`).join('; ')}`);
    for (const results of report.results) syncResults.push(...results);
  }
  const syncSeconds = (performance.now() - started) / 1000;
  const residents = reports.get('police')?.rows.T_RK_RKXX ?? 0;
  return {
    hub,
    sources,
    urls: hubUrl === undefined ? undefined : { hub: hubUrl, sources: sourceUrls },
    kind: serverUrl ? `PostgreSQL ${new URL(serverUrl).host} (hub and each source in its own database)` : 'PGlite (embedded, in memory)',
    setup: { addresses: registry.addresses.length, residents, sourceRows, generateSeconds, syncSeconds, syncResults },
    async close() {
      for (const source of sources) await source.close();
      await hub.close();
      for (const database of throwaway) await database.drop();
    },
  };
}
