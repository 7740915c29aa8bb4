import type { Connector } from '../../src/connectors/connector.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/http-server.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { openDemoDatabases } from './demo-world.js';
import type { TestHub } from './test-hub.js';
import type { TokenRequest } from '../../src/auth/mint-token.js';
import { ALL_DEPARTMENTS, testRealm } from './test-realm.js';
import { GLOBAL_ID_SECRET, OpaqueIds } from '../../src/graph/opaque-ids.js';
import { loadHubSecret } from '../../src/db/hub-secret-repository.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Who a request is from: a token's role and area (none: anonymous) and the purpose it states. */
export interface Caller {
  readonly as?: TokenRequest | null;
  readonly purpose?: string | null;
  readonly headers?: Record<string, string>;
}

/** The caller of tests that are not about access: every department, with a purpose. */
const DEFAULT_CALLER = { as: ALL_DEPARTMENTS, purpose: 'gridgraph test suite' };

/** The real HTTP server on a free port, over a test hub holding the demo registry. */
export interface TestServer {
  readonly hub: TestHub;
  readonly server: RunningServer;
  /** The hub's own id sealer: for tests that must name an entity by id without asking the graph. */
  readonly ids: OpaqueIds;
  /** POSTs one operation to /graphql, as every department with a purpose unless `caller` says otherwise. */
  query<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphQLResponse<T>>;
  /** The headers a caller's request carries. */
  headersFor(caller?: Caller): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** With `sources`, those connectors' test databases are served too (filled and synced by the caller). */
export async function startTestServer(
  options: { connectors?: readonly Connector[]; sources?: readonly SourceDatabase[]; hub?: TestHub; sourceTimeoutMs?: number; anonymousIntrospection?: boolean; requestTimeoutMs?: number } & Pick<ServerOptions, 'operationLimits' | 'trustedDocuments'> = {},
): Promise<TestServer> {
  const hub = options.hub ?? (await openDemoDatabases()).hub;
  const realm = testRealm();
  const server = await startServer({
    db: hub.db,
    connectors: options.connectors,
    sources: options.sources,
    sourceTimeoutMs: options.sourceTimeoutMs,
    operationLimits: options.operationLimits,
    trustedDocuments: options.trustedDocuments,
    requestTimeoutMs: options.requestTimeoutMs,
    port: 0,
    host: '127.0.0.1',
    verifier: realm.verifier,
    anonymousIntrospection: options.anonymousIntrospection,
  });
  const headersFor = async (caller: Caller = DEFAULT_CALLER): Promise<Record<string, string>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...caller.headers };
    if (caller.as) headers.authorization = `Bearer ${await realm.token(caller.as)}`;
    if (caller.purpose) headers['x-access-purpose'] = caller.purpose;
    return headers;
  };
  const ids = new OpaqueIds(await loadHubSecret(hub.db, GLOBAL_ID_SECRET));
  return {
    hub,
    server,
    ids,
    headersFor,
    async query(query, variables, caller) {
      const response = await fetch(server.url, { method: 'POST', headers: await headersFor(caller), body: JSON.stringify({ query, variables }) });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await server.close();
      await hub.close();
    },
  };
}
