import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { connectors as allConnectors } from '../../connectors/index.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import type { Connector, DemoReport } from '../../src/connectors/connector.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import { isAlive } from '../../src/db/embedded-postgres.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { openTestDatabase, serverUrl } from './test-database.js';
import { hubOn, searchSourceSchemas, sourceInSchema, sourceOn, type TestHub } from './test-hub.js';
import { startTestServer, type TestServer } from './test-server.js';

/** The demo registry, the five sources filled with demo data and synced, and the real server over them. */
export interface DemoWorld {
  readonly t: TestServer;
  readonly hub: TestHub;
  readonly sources: SourceDatabase[];
  close(): Promise<void>;
}

export async function startDemoWorld(scale = 0.3): Promise<DemoWorld> {
  const { hub, sources } = await openDemoDatabases({ connectors: allConnectors, scale, synced: true });
  const t = await startTestServer({ hub, connectors: allConnectors, sources });
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

/** Which demo databases a test wants: the registry always; `connectors`' sources generated at `scale`; synced or not. */
export interface DemoDatabasesSpec {
  readonly connectors?: readonly Connector[];
  /** @default 0.3 */
  readonly scale?: number;
  readonly synced?: boolean;
}

/** A test file's own copies: the hub (migrated, the demo registry imported) and the sources, in `connectors`' order. */
export interface DemoDatabases {
  readonly hub: TestHub;
  readonly sources: SourceDatabase[];
  /** What the generators wrote, per source (generateDemoSources' answer). */
  readonly reports: Map<string, DemoReport>;
}

/** Where a run keeps its images (see tests/global-setup.ts); undefined outside vitest's run (nothing is cached). */
function imageStore(): { dir: string; prefix: string } | undefined {
  try {
    return inject('gridgraphImages');
  } catch {
    return undefined;
  }
}

interface Manifest {
  hub: string;
  sources: string[];
  reports: [string, DemoReport][];
}

/**
 * The demo databases `spec` names, as copies for this file alone. Each kind is
 * built once per run (by whichever worker first asks, the others wait for it),
 * saved as an image (a PGlite tarball, or a template database on
 * TEST_DATABASE_URL's server), and copied for every file that asks: the same
 * data as building them afresh (the generators are seeded), only sooner.
 * Timestamps written by the build (synced_at …) are those of the build.
 */
export async function openDemoDatabases(spec: DemoDatabasesSpec = {}): Promise<DemoDatabases> {
  const connectors = spec.connectors ?? [];
  const scale = spec.scale ?? 0.3;
  const synced = spec.synced ?? false;
  const store = imageStore();
  const key = connectors.length === 0 ? 'registry' : `${connectors.map((c) => c.name).join('+')}@${scale}${synced ? ' synced' : ''}`;
  if (store === undefined) return save(await build(), undefined);
  const id = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const manifestPath = path.join(store.dir, `${id}.json`);
  const lockPath = path.join(store.dir, `${id}.lock`);
  for (;;) {
    const manifest = await readManifest(manifestPath);
    if (manifest !== undefined) return copyOf(manifest);
    const lock = await fs.open(lockPath, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw error;
    });
    if (lock === undefined) {
      // Another worker builds it: wait (its death releases the lock, and then this one builds).
      const holder = Number(await fs.readFile(lockPath, 'utf8').catch(() => ''));
      if (holder > 0 && !isAlive(holder)) await fs.rm(lockPath, { force: true });
      else await sleep(250);
      continue;
    }
    try {
      await lock.writeFile(String(process.pid));
      await lock.close();
      const image = (name: string) => (serverUrl() === undefined ? path.join(store.dir, `${id}.${name}.tar`) : `${store.prefix}_${id}_${name.replace(/-/g, '_')}`);
      const manifest = await save(await build(), image);
      const partial = `${manifestPath}.${process.pid}.partial`;
      await fs.writeFile(partial, JSON.stringify(manifest));
      await fs.rename(partial, manifestPath);
      return copyOf(manifest);
    } finally {
      await fs.rm(lockPath, { force: true });
    }
  }

  async function build(): Promise<DemoDatabases> {
    // Every kind starts from (a copy of) the registry's.
    let hub: TestHub;
    if (key === 'registry') {
      hub = await hubOn(await openTestDatabase('gridgraph_test'));
      await importRegistry(hub.db, demoRowSources(generateDemoRegistry()));
    } else {
      hub = (await openDemoDatabases()).hub;
    }
    const sources = await openSources(hub, connectors, undefined);
    const reports = await generateDemoSources(hub.db, sources, { scale });
    if (synced) {
      const resolver = new AddressResolver(hub.db);
      for (const source of sources) await syncSource(hub.db, source, resolver);
    }
    return { hub, sources, reports };
  }

  /** Outside a run, the built databases themselves; in one, saved as images and closed. */
  async function save(built: DemoDatabases, image: ((name: string) => string) | undefined): Promise<any> {
    if (image === undefined) return built;
    const hubImage = image('hub');
    if (serverUrl() === undefined) for (const source of built.sources) await source.close();
    await (built.hub as Awaited<ReturnType<typeof hubOn>>).saveAs(hubImage);
    const sourceImages: string[] = [];
    for (const source of built.sources) {
      if (serverUrl() === undefined) {
        await source.close(); // in the hub's image already
        continue;
      }
      sourceImages.push(image(source.connector.name));
      await (source as ReturnType<typeof sourceOn>).saveAs(sourceImages.at(-1)!);
    }
    return { hub: hubImage, sources: sourceImages, reports: [...built.reports] } satisfies Manifest;
  }

  async function copyOf(manifest: Manifest): Promise<DemoDatabases> {
    const hub = await hubOn(await openTestDatabase('gridgraph_test', manifest.hub));
    const sources = await openSources(hub, connectors, manifest.sources);
    return { hub, sources, reports: new Map(manifest.reports) };
  }
}

/**
 * The sources of a hub: on PGlite, schemas of the hub's own database (as on the
 * embedded default); on a server, databases of their own, copies of `images`
 * when given.
 */
async function openSources(hub: TestHub, connectors: readonly Connector[], images: readonly string[] | undefined): Promise<SourceDatabase[]> {
  if (serverUrl() === undefined) {
    const sources = [];
    for (const connector of connectors) sources.push(await sourceInSchema(connector, hub));
    if (connectors.length > 0) await searchSourceSchemas(hub, connectors);
    return sources;
  }
  return Promise.all(connectors.map(async (connector, i) => sourceOn(connector, await openTestDatabase('gridgraph_test_source', images?.[i]))));
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Manifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
