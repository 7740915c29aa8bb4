import { connectors } from '../../connectors/index.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { createTestHub, createTestSource, type TestHub } from './test-hub.js';
import { startTestServer, type TestServer } from './test-server.js';

/** The demo registry, the five sources filled with demo data and synced, and the real server over them. */
export interface DemoWorld {
  readonly t: TestServer;
  readonly hub: TestHub;
  readonly sources: SourceDatabase[];
  close(): Promise<void>;
}

export async function startDemoWorld(scale = 0.3): Promise<DemoWorld> {
  const hub = await createTestHub();
  await importRegistry(hub.db, demoRowSources(generateDemoRegistry()));
  const sources = await Promise.all(connectors.map((connector) => createTestSource(connector)));
  await generateDemoSources(hub.db, sources, { scale });
  const resolver = new AddressResolver(hub.db);
  for (const source of sources) await syncSource(hub.db, source, resolver);
  const t = await startTestServer({ hub, connectors, sources });
  return {
    t,
    hub,
    sources,
    async close() {
      await t.close();
      for (const source of sources) await source.close();
    },
  };
}
