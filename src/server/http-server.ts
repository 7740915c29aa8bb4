import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { hubUnavailable } from '../errors/database-unavailable.js';
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
import { GLOBAL_ID_SECRET, OpaqueIds } from '../graph/opaque-ids.js';
import { loadHubSecret } from '../db/hub-secret-repository.js';
import { recordVisibility } from '../access/record-visibility.js';
import { readFieldRules } from '../access/classification.js';
import { GRAPHIQL_ASSET_PATH, graphiqlAssets, graphiqlPage } from './graphiql.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { readSyncStatus } from '../sync/sync-status.js';
import { accessPlugin } from './access-plugin.js';
import { listen } from './listen.js';
import { requestDeadline } from './request-deadline.js';
import { syncedValuesPlugin } from './synced-values-plugin.js';
import { unavailablePlugin } from './unavailable-plugin.js';
import { authenticate, viewerOf } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { findExistingGridCodes } from '../registry/grid-repository.js';
import { DEFAULT_OPERATION_LIMITS, limitValidationRules, type OperationLimits, operationGate } from './operation-limits.js';
import { costLimitPlugin } from './operation-cost.js';
import { textInputPlugin } from './text-input-plugin.js';
import { graphqlBody, notFound, transportErrorHandler } from './transport-errors.js';
import { type TrustedDocuments, trustedDocumentsGate } from './trusted-documents.js';
import { EventFeed } from '../statistics/event-feed.js';
import { serveEventFeed } from './event-feed-server.js';

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
  /** Let callers without a token introspect the schema (`__schema`, `__type`): for development only. @default false */
  readonly anonymousIntrospection?: boolean;
  /** How much one request may ask for (README § Limits). @default DEFAULT_OPERATION_LIMITS */
  readonly operationLimits?: OperationLimits;
  /** Trusted-documents mode: only these documents may run. @default undefined: any document */
  readonly trustedDocuments?: TrustedDocuments;
  /** The live feed of events behind `Subscription.eventChanged` (the serve command lets continuous sync notify it). @default one of its own */
  readonly eventFeed?: EventFeed;
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
  const schema = buildSchema(options.connectors ?? []);
  const limits = options.operationLimits ?? DEFAULT_OPERATION_LIMITS;
  const apollo = new ApolloServer<GraphContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    allowBatchedHttpRequests: true,
    // Refusals of expensive documents run with validation; the cost needs the variables, so it waits for the operation.
    validationRules: limitValidationRules(limits),
    // Apollo indents answers by default; a dossier then goes out a third larger, to be parsed again by every client.
    stringifyResult: (result) => JSON.stringify(result),
    // No cache hints: every answer is `no-store` (the access plugin says so), and no hook runs per field for them.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs ?? 10_000 }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      textInputPlugin(),
      costLimitPlugin(limits.cost),
      accessPlugin({ anonymousIntrospection: options.anonymousIntrospection ?? false }),
      unavailablePlugin(),
      syncedValuesPlugin(),
    ],
    // The serve command owns the signals: Apollo's own handlers would race it and re-raise the signal (issue 15: Ctrl-C never exited).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const sources = options.sources ?? [];
  const base: Omit<GraphServices, 'ids'> = {
    db: options.db,
    addressResolver: new AddressResolver(options.db),
    connectors: options.connectors ?? [],
    sources: new Map(sources.map((source) => [source.connector.name, source])),
    sourceTimeoutMs: options.sourceTimeoutMs ?? 3000,
    recordVisibility: recordVisibility(readFieldRules(schema), options.connectors ?? []),
  };
  // The key of ids and cursors is the hub's own data: read when first needed, so
  // a hub database that is down at start delays nothing but answers 503 until it is back.
  let services: GraphServices | undefined;
  const servicesReady = async (): Promise<GraphServices> => {
    if (services !== undefined) return services;
    const secret = await loadHubSecret(options.db, GLOBAL_ID_SECRET).catch((error: unknown) => {
      const unavailable = hubUnavailable(error);
      // Thrown while the context is made: Apollo takes the status from the GraphQLError, formatError the rest from the original.
      throw new GraphQLError(unavailable.message, { originalError: unavailable, extensions: { http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) } } });
    });
    return (services ??= { ...base, ids: new OpaqueIds(secret) });
  };
  await servicesReady().catch(() => undefined);

  const checks: ReadinessCheck[] = [
    { name: 'hub', required: true, check: async () => void (await sql`select 1`.execute(options.db)) },
    ...sources.map((source) => ({ name: source.connector.name, required: false, check: async () => void (await sql`select 1`.execute(source.db)) })),
  ];
  const syncSummary = async () =>
    (await readSyncStatus(options.db, base.connectors, base.sources, { timeoutMs: 1_500 })).map((table) => ({
      source: table.source,
      table: table.table,
      outcome: table.lastRun?.outcome ?? null,
      lastSuccessAt: table.lastSuccess?.finishedAt ?? null,
      failuresSinceSuccess: table.failuresSinceSuccess,
      lagSeconds: table.lagSeconds,
    }));
  app.use(healthRoutes(checks, sources.length === 0 ? undefined : syncSummary));
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
    authenticate(options.verifier, (codes) => findExistingGridCodes(options.db, codes)),
    graphqlBody(),
    ...(options.trustedDocuments === undefined ? [] : [trustedDocumentsGate(options.trustedDocuments)]),
    operationGate(limits),
    // Right before Apollo: the deadline's async context does not survive the body parser.
    requestDeadline(options.requestTimeoutMs ?? 10_000),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createGraphContext(await servicesReady(), viewerOf(res), { requestId: req.get('x-request-id') ?? randomUUID(), clientAddress: req.ip }),
    }),
  );
  // Transport errors (unreadable bodies, unknown routes) answer as GraphQL-shaped JSON, never Express's HTML page.
  app.use(notFound(GRAPHQL_PATH));
  app.use(transportErrorHandler());
  const eventFeed = options.eventFeed ?? new EventFeed(options.db, options.connectors ?? []);
  const feedServer = serveEventFeed(httpServer, { schema, verifier: options.verifier, existingGrids: (codes) => findExistingGridCodes(options.db, codes), services: servicesReady, feed: eventFeed, limits, path: GRAPHQL_PATH });

  try {
    await listen(httpServer, options.port ?? 4000, options.host ?? '0.0.0.0');
  } catch (error) {
    await feedServer.close();
    await apollo.stop();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    close: async () => {
      await feedServer.close();
      await apollo.stop();
    },
  };
}
