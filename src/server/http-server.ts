import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { sql, type Kysely } from 'kysely';
import { AddressResolver } from '../address/address-resolver.js';
import type { HubSchema } from '../db/hub-schema.js';
import { formatError } from '../errors/format-error.js';
import type { Connector } from '../connectors/connector.js';
import { createGraphContext, type GraphContext, type GraphServices } from '../graph/context.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { buildSchema } from '../graph/schema.js';
import { GRAPHIQL_ASSET_PATH, graphiqlAssets, graphiqlPage } from './graphiql.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { accessPlugin } from './access-plugin.js';
import { listen } from './listen.js';
import { requestDeadline } from './request-deadline.js';
import { syncedValuesPlugin } from './synced-values-plugin.js';
import { unavailablePlugin } from './unavailable-plugin.js';
import { authenticate, viewerOf } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/token-verifier.js';

export interface ServerOptions {
  readonly db: Kysely<HubSchema>;
  /** The connectors served, in precedence order. @default [] */
  readonly connectors?: readonly Connector[];
  /** Open connections to their sources. @default [] */
  readonly sources?: readonly SourceDatabase[];
  /** How long one live read from a source may take. @default 3000 */
  readonly sourceTimeoutMs?: number;
  /** @default 4000 */
  readonly port?: number;
  /** @default '0.0.0.0' */
  readonly host?: string;
  /** Every database wait of one request ends by this long after its body was read (REQUEST_TIMEOUT_MS). @default 10000 */
  readonly requestTimeoutMs?: number;
  /** How long `close()` lets requests in flight finish before it closes their connections (SHUTDOWN_DRAIN_MS). @default 10000 */
  readonly drainMs?: number;
  /** Checks bearer tokens: keycloak-connect against the production realm or the development realm (see auth-config.ts). */
  readonly verifier: TokenVerifier;
}

/** A running gridgraph HTTP server. */
export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  readonly url: string;
  /** The port it listens on (useful when it was asked for port 0). */
  readonly port: number;
  /** Stops accepting, lets requests in flight finish for at most `drainMs`, closes the connections left, then resolves. */
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

/** Serves the graph over HTTP: GraphQL (and GraphiQL for browsers) at /graphql, /healthz and /readyz. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GraphContext>({
    schema: buildSchema(options.connectors ?? []),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    allowBatchedHttpRequests: true,
    // Apollo indents answers by default; a dossier then goes out a third larger, to be parsed again by every client.
    stringifyResult: (result) => JSON.stringify(result),
    // No cache hints: every answer is `no-store` (the access plugin says so), and no hook runs per field for them.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs ?? 10_000 }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      accessPlugin(),
      unavailablePlugin(),
      syncedValuesPlugin(),
    ],
    // The serve command owns the signals: Apollo's own handlers would race it and re-raise the signal (issue 15: Ctrl-C never exited).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const sources = options.sources ?? [];
  const services: GraphServices = {
    db: options.db,
    addressResolver: new AddressResolver(options.db),
    connectors: options.connectors ?? [],
    sources: new Map(sources.map((source) => [source.connector.name, source])),
    sourceTimeoutMs: options.sourceTimeoutMs ?? 3000,
  };

  const checks: ReadinessCheck[] = [
    { name: 'hub', required: true, check: async () => void (await sql`select 1`.execute(options.db)) },
    ...sources.map((source) => ({ name: source.connector.name, required: false, check: async () => void (await sql`select 1`.execute(source.db)) })),
  ];
  app.use(healthRoutes(checks));
  app.use(GRAPHIQL_ASSET_PATH, graphiqlAssets());
  app.get(GRAPHQL_PATH, (req, res, next) => {
    // A browser asking for the page gets GraphiQL; a GET with a query is a GraphQL request.
    if (req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html').send(graphiqlPage(GRAPHQL_PATH));
      return;
    }
    next();
  });
  app.use(
    GRAPHQL_PATH,
    authenticate(options.verifier),
    express.json({ limit: '1mb' }),
    requestDeadline(options.requestTimeoutMs ?? 10_000),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createGraphContext(services, viewerOf(res), { requestId: req.get('x-request-id') ?? randomUUID(), clientAddress: req.ip }),
    }),
  );

  try {
    await listen(httpServer, options.port ?? 4000, options.host ?? '0.0.0.0');
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    close: () => apollo.stop(),
  };
}
