import { sql } from 'kysely';
import { connectors } from '../../connectors/index.js';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { generateDemoSources } from '../../src/demo/demo-sources.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import { type RunningServer, startServer } from '../../src/server/http-server.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { createTestHub, createTestSource, type TestHub } from '../support/test-hub.js';
import { ALL_DEPARTMENTS, testRealm } from '../support/test-realm.js';
import type { TokenRequest } from '../../src/auth/mint-token.js';

/** The demo world (registry, five synced sources) behind the real server, `/metrics` on a port of its own. */
export interface ObservedWorld {
  readonly hub: TestHub;
  readonly sources: SourceDatabase[];
  readonly server: RunningServer;
  /** POSTs one GraphQL request; every department with a purpose unless `as` says otherwise (null: no token). */
  post(body: unknown, options?: { as?: TokenRequest | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
  /** A door plate with many people at and below it. */
  busiestDoorPlate(): Promise<string>;
  close(): Promise<void>;
}

export async function startObservedWorld(scale = 0.2): Promise<ObservedWorld> {
  const demo = generateDemoRegistry();
  const hub = await createTestHub();
  await importRegistry(hub.db, demoRowSources(demo));
  const sources = await Promise.all(connectors.map((connector) => createTestSource(connector)));
  await generateDemoSources(hub.db, sources, { scale });
  const resolver = new AddressResolver(hub.db);
  for (const source of sources) await syncSource(hub.db, source, resolver);
  const realm = testRealm();
  const server = await startServer({
    db: hub.db,
    connectors,
    sources,
    port: 0,
    host: '127.0.0.1',
    verifier: realm.verifier,
    metrics: { port: 0, host: '127.0.0.1' },
  });
  return {
    hub,
    sources,
    server,
    async post(body, options = {}) {
      const as = options.as === undefined ? ALL_DEPARTMENTS : options.as;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (as !== null) {
        headers.authorization = `Bearer ${await realm.token(as)}`;
        headers['x-access-purpose'] = 'observability test';
      }
      const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async busiestDoorPlate() {
      const { rows } = await sql<{ door: string }>`
        select coalesce(b.parent_code, a.parent_code, a.code) as door from crosswalk c
        join standard_address a on a.code = c.address_code left join standard_address b on b.code = a.parent_code
        where c.entity_kind = 'PERSON' group by 1 order by count(*) desc limit 1`.execute(hub.db);
      return demo.addresses.find((a) => a.address_code === rows[0].door)!.door_plate_code!;
    },
    async close() {
      await server.close();
      for (const source of sources) await source.close();
      await hub.close();
    },
  };
}

/** The door-plate dossier with every value in full for a department caller: names, ID numbers, phones. */
export const DOSSIER = `query Dossier($plate: String!, $n: Int!) {
  doorPlate(code: $plate) { address {
    fullText
    residents(first: $n, includeDescendants: true) { totalCount nodes {
      idNumber name phone residence { code } policeRegistration { populationType phone } welfare { assistanceType } elderlyCare { livingAlone }
      gridWorker { gridCode } records { source table }
      organizations { role organization { creditCode name } }
    } }
    organizations(first: $n, includeDescendants: true) { totalCount nodes {
      creditCode name legalRepresentative { idNumber name phone }
    } }
    objects(first: $n, includeDescendants: true) { totalCount nodes {
      __typename key
      ... on RentalHousing { landlord { idNumber name phone } }
    } }
  } }
}`;
