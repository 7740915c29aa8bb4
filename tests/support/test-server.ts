import { importRegistry } from '../../src/registry/registry-import.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import type { Connector } from '../../src/connectors/connector.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { createTestHub, type TestHub } from './test-hub.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** The real HTTP server on a free port, over a test hub holding the demo registry. */
export interface TestServer {
  readonly hub: TestHub;
  readonly server: RunningServer;
  /** POSTs one operation to /graphql. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** With `sources`, those connectors' test databases are served too (filled and synced by the caller). */
export async function startTestServer(options: { connectors?: readonly Connector[]; sources?: readonly SourceDatabase[]; hub?: TestHub; sourceTimeoutMs?: number } = {}): Promise<TestServer> {
  const hub = options.hub ?? (await createTestHub());
  if (options.hub === undefined) await importRegistry(hub.db, demoRowSources(generateDemoRegistry()));
  const server = await startServer({ db: hub.db, connectors: options.connectors, sources: options.sources, sourceTimeoutMs: options.sourceTimeoutMs, port: 0, host: '127.0.0.1' });
  return {
    hub,
    server,
    async query(query, variables) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await server.close();
      await hub.close();
    },
  };
}
