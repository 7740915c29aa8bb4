import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { hubUnavailable } from '../errors/database-unavailable.js';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
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
import { buildSubgraphSchema, ENTITIES_FIELD } from '../federation/subgraph-schema.js';
import { HUB_SUBGRAPH } from '../federation/subgraph-sdl.js';
import { GLOBAL_ID_SECRET, OpaqueIds } from '../graph/opaque-ids.js';
import { loadHubSecret } from '../db/hub-secret-repository.js';
import { recordVisibility } from '../access/record-visibility.js';
import { readFieldRules } from '../access/classification.js';
import { DEV_TOKEN_PATH, GRAPHIQL_ASSET_PATH, devTokenRoutes, graphiqlAssets, graphiqlPage } from './graphiql.js';
import type { DevRealm } from '../auth/dev-realm.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { readSyncStatus } from '../sync/sync-status.js';
import { accessPlugin } from './access-plugin.js';
import { listen } from './listen.js';
import { requestDeadline } from './request-deadline.js';
import { syncedValuesPlugin } from './synced-values-plugin.js';
import { unavailablePlugin } from './unavailable-plugin.js';
import { authenticate, viewerOf } from '../auth/authenticate.js';
import { rolesServing } from '../access/roles.js';
import { ANONYMOUS } from '../access/viewer.js';
import { type AnonymousOperation, RESIDENT_PAGE_PATH, residentPages } from '../pages/resident-page.js';
import { STEWARD_PAGE_PATH, stewardPages } from '../pages/steward-pages.js';
import { sendHomePage } from '../pages/html.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { findExistingGridCodes } from '../registry/grid-repository.js';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../config/config.js';
import { limitValidationRules, operationGate } from './operation-limits.js';
import { costLimitPlugin } from './operation-cost.js';
import { textInputPlugin } from './text-input-plugin.js';
import { graphqlBody, notFound, transportErrorHandler } from './transport-errors.js';
import { type TrustedDocuments, trustedDocumentsGate } from './trusted-documents.js';
import { logServerError } from '../observability/logger.js';
import { compiledExecution } from './compiled-execution.js';
import { metrics } from '../observability/metrics.js';
import { type MetricsServer, startMetricsServer } from '../observability/metrics-server.js';
import { observabilityPlugin, observeRequests, requestContext } from '../observability/request-observer.js';
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
  /** The embedded development realm, when tokens come from it: GraphiQL then offers a role and area picker that mints its tokens. Never given with KEYCLOAK_URL. @default undefined */
  readonly devRealm?: DevRealm;
  /**
   * Prometheus metrics at `/metrics` on a port of their own (METRICS_PORT, METRICS_HOST); a port that cannot
   * be bound is logged and the graph serves on without them. @default undefined: no metrics endpoint
   */
  readonly metrics?: { readonly port: number; readonly host: string };
  /** The live feed of events behind `Subscription.eventChanged` (the serve command lets continuous sync notify it). @default one of its own */
  readonly eventFeed?: EventFeed;
  /** How operations run: compiled by graphql-jit (the default), or interpreted by graphql-js (the benchmark's baseline; always for a subgraph). */
  readonly execution?: 'compiled' | 'interpreted';
  /**
   * Serve one part of the graph as an Apollo Federation 2 subgraph (`hub` or a connector's name) instead of the
   * whole graph: same authentication, access, limits and audit (src/federation/). @default undefined: the whole graph
   */
  readonly subgraph?: string;
}

/** A running gridgraph HTTP server. */
export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  readonly url: string;
  /** The port it listens on (useful when it was asked for port 0). */
  readonly port: number;
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`; undefined without a metrics endpoint. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting, lets requests in flight finish for at most `drainMs`, closes the connections left, then resolves. */
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

/** Serves the graph over HTTP: GraphQL (and GraphiQL for browsers) at /graphql, /healthz and /readyz. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const schema = options.subgraph === undefined ? buildSchema(options.connectors ?? []) : buildSubgraphSchema(options.subgraph, options.connectors ?? []).schema;
  const limits = options.operationLimits ?? DEFAULT_OPERATION_LIMITS;
  const apollo = new ApolloServer<GraphContext>({
    // Operations run compiled (graphql-jit), not interpreted field by field: less CPU per dossier (README § Performance, `bench -- levers`).
    // A subgraph's `_entities` resolves its union's type with @apollo/subgraph's own resolvers, which graphql-jit is not asked to take on.
    ...(options.execution === 'interpreted' || options.subgraph !== undefined ? { schema } : { gateway: compiledExecution(schema) }),
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
      // First: its willSendResponse sees the answer as the other plugins leave it (audit refusals included).
      observabilityPlugin(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs ?? 10_000 }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // Apollo adds per-field timings (ftv1) to a subgraph's answers for whoever asks: nothing a caller should learn.
      ...(options.subgraph === undefined ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      textInputPlugin(),
      costLimitPlugin(limits.cost),
      // A subgraph's entity look-up is open to the door-plate view as doorPlate is: @public fields only.
      accessPlugin({ anonymousIntrospection: options.anonymousIntrospection ?? false, anonymousRootFields: options.subgraph === undefined ? [] : [ENTITIES_FIELD] }),
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
    // The hub subgraph holds no source URL: its shared fields are the crosswalk's copies from the last sync.
    sharedValuesFromSync: options.subgraph === HUB_SUBGRAPH,
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
  if (sources.length > 0) metrics.syncStatusFrom(syncSummary);
  app.use(healthRoutes(checks, sources.length === 0 ? undefined : syncSummary));
  if (options.devRealm !== undefined) app.use(DEV_TOKEN_PATH, devTokenRoutes(options.devRealm, options.db));
  app.use(GRAPHIQL_ASSET_PATH, graphiqlAssets());
  // The resident's page asks the graph as the anonymous viewer: the same operation, plugins and rules as /graphql.
  const runAnonymous: AnonymousOperation = async (query, variables) => {
    let contextValue: GraphContext;
    try {
      contextValue = createGraphContext(await servicesReady(), ANONYMOUS, { requestId: randomUUID() });
    } catch {
      return { status: 503, errors: [{ message: 'hub unavailable' }] };
    }
    const response = await apollo.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') return { status: 500, errors: [{ message: 'unexpected incremental answer' }] };
    const { data, errors } = response.body.singleResult;
    return { status: response.http.status ?? 200, data, errors };
  };
  app.use(RESIDENT_PAGE_PATH, requestDeadline(options.requestTimeoutMs ?? 10_000), residentPages(schema, runAnonymous));
  app.use(STEWARD_PAGE_PATH, stewardPages({ graphqlPath: GRAPHQL_PATH, devTokenPath: options.devRealm === undefined ? undefined : DEV_TOKEN_PATH }));
  app.get('/', (_req, res) => sendHomePage(res, { graphql: GRAPHQL_PATH, steward: STEWARD_PAGE_PATH, plate: RESIDENT_PAGE_PATH }));
  app.get(GRAPHQL_PATH, (req, res, next) => {
    // A browser asking for the page gets GraphiQL; a GET with a query is a GraphQL request.
    if (req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html').send(graphiqlPage(GRAPHQL_PATH, { devTokens: options.devRealm !== undefined }));
      return;
    }
    next();
  });
  app.use(
    GRAPHQL_PATH,
    // First: every request gets its id, log line and metrics, those refused before Apollo too.
    observeRequests(GRAPHQL_PATH),
    authenticate(options.verifier, (codes) => findExistingGridCodes(options.db, codes), rolesServing(options.connectors ?? [])), // each served connector's dept role
    graphqlBody(),
    ...(options.trustedDocuments === undefined ? [] : [trustedDocumentsGate(options.trustedDocuments)]),
    operationGate(limits),
    // Right before Apollo: the deadline's async context does not survive the body parser.
    requestDeadline(options.requestTimeoutMs ?? 10_000),
    requestContext(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createGraphContext(await servicesReady(), viewerOf(res), { requestId: req.get('x-request-id') ?? randomUUID(), clientAddress: req.ip }),
    }),
  );
  // Transport errors (unreadable bodies, unknown routes) answer as GraphQL-shaped JSON, never Express's HTML page.
  app.use(notFound(GRAPHQL_PATH));
  app.use(transportErrorHandler());
  const eventFeed = options.eventFeed ?? new EventFeed(options.db, options.connectors ?? []);
  const feedServer = serveEventFeed(httpServer, { schema, verifier: options.verifier, existingGrids: (codes) => findExistingGridCodes(options.db, codes), roles: rolesServing(options.connectors ?? []), services: servicesReady, feed: eventFeed, limits, path: GRAPHQL_PATH });

  try {
    await listen(httpServer, options.port ?? 4000, options.host ?? '0.0.0.0');
  } catch (error) {
    await feedServer.close();
    await apollo.stop();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;
  let metricsServer: MetricsServer | undefined;
  if (options.metrics !== undefined) {
    metricsServer = await startMetricsServer(options.metrics.port, options.metrics.host).catch((error: unknown) => {
      // Metrics never take the graph down: the operator sees why they are missing.
      logServerError(`metrics: cannot listen on ${options.metrics!.host}:${options.metrics!.port} (METRICS_PORT, METRICS_HOST); serving without /metrics`, error);
      return undefined;
    });
  }
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    metricsUrl: metricsServer?.url,
    async close() {
      await feedServer.close();
      await apollo.stop();
      await metricsServer?.close();
      if (sources.length > 0) metrics.syncStatusFrom(undefined);
    },
  };
}
