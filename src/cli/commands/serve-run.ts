import { ConfigError, readConfig } from '../../config/config.js';
import { connectors } from '../../../connectors/index.js';
import { AddressResolver } from '../../address/address-resolver.js';
import { loadDemoSourcesIfEmpty } from '../../demo/load-demo-sources.js';
import { type RunningServer, startServer } from '../../server/http-server.js';
import { checkListenAddress } from '../../server/listen.js';
import { configuredVerifier } from '../../auth/auth-config.js';
import { closeSources, openSources } from '../../sources/open-sources.js';
import type { SourceDatabase } from '../../sources/source-database.js';
import type { HubDatabase } from '../../db/hub-database.js';
import { openConfiguredHub } from '../with-hub.js';
import { type ContinuousSync, startContinuousSync } from '../../sync/continuous-sync.js';
import { loadTrustedDocuments } from '../../server/trusted-documents.js';
import { configureLogger, logger, logProgress } from '../../observability/logger.js';
import { metrics } from '../../observability/metrics.js';
import { configuredExporter, startTracing, type TracingSetup } from '../../observability/tracing.js';
import { EventFeed } from '../../statistics/event-feed.js';
import { subgraphNames } from '../../federation/subgraph-schema.js';
import { HUB_SUBGRAPH } from '../../federation/subgraph-sdl.js';

/** How long closing one database (its pool, then its embedded server) may take during shutdown. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * `gridgraph serve`: the work behind the command, imported when it runs (the
 * CLI's other commands and `--help` start without the server's modules).
 */
export async function serve(options: { port?: string; subgraph?: string }): Promise<void> {
  const config = readConfig(options.port === undefined ? process.env : { ...process.env, PORT: options.port });
  const part = subgraphPart(options.subgraph);
  const trustedDocuments = config.trustedDocumentsFile === undefined ? undefined : loadTrustedDocuments(config.trustedDocumentsFile);
  const started = Date.now();
  configureLogger({ level: config.logLevel, pretty: (config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty' });
  try {
    configuredExporter();
  } catch (error) {
    throw new ConfigError('OTEL_TRACES_EXPORTER', (error as Error).message.replace(/^OTEL_TRACES_EXPORTER: /, ''));
  }
  await checkListenAddress(config.port, config.host);

  let hub: HubDatabase | undefined;
  let sources: SourceDatabase[] = [];
  let server: RunningServer | undefined;
  let sync: ContinuousSync | undefined;
  let tracing: TracingSetup | undefined;
  const closeDatabases = async () => {
    // The sync step under way finishes first: it holds connections to both sides.
    if (sync !== undefined) await withinTime(sync.stop(), CLOSE_TIMEOUT_MS, 'stopping continuous sync');
    await withinTime(closeSources(sources), CLOSE_TIMEOUT_MS, 'closing the sources');
    if (hub !== undefined) await withinTime(hub.close(), CLOSE_TIMEOUT_MS, 'closing the hub database');
    // The spans still buffered go out last: those of the shutdown itself included.
    if (tracing !== undefined) await withinTime(tracing.shutdown(), CLOSE_TIMEOUT_MS, 'sending the last traces');
  };
  onTerminationSignals(async (signal) => {
    if (server === undefined) {
      // Still starting (perhaps in the middle of the demo load): nothing to drain.
      console.log(`gridgraph: ${signal} during start-up, stopping`);
      await closeDatabases();
      process.exit(1);
    }
    console.log(`gridgraph: ${signal}, stopping: requests in flight get up to ${config.shutdownDrainMs / 1000}s (SHUTDOWN_DRAIN_MS); a second signal stops at once`);
    // A backstop, should closing hang anyway: the process must end.
    setTimeout(() => {
      console.error('gridgraph: shutdown did not finish in time, exiting');
      process.exit(1);
    }, config.shutdownDrainMs + 3 * CLOSE_TIMEOUT_MS).unref();
    await server.close();
    await closeDatabases();
    console.log('gridgraph: stopped');
    process.exit(0);
  });

  try {
    tracing = startTracing();
    if (tracing !== undefined) console.log(`gridgraph: traces to the ${tracing.exporter} exporter (OTEL_* variables)`);
    hub = await openConfiguredHub(
      config,
      (line) => console.log(line),
      { statementTimeoutMs: config.hubStatementTimeoutMs, acquireTimeoutMs: config.hubAcquireTimeoutMs },
      { serving: true },
    );
    console.log(`gridgraph: hub database ${hub.description}`);
    // A subgraph opens its own source only (the hub's none): the other departments' URLs are not its to hold.
    sources = part.sources === 'none' ? [] : await openSources(connectors, config, part.sources, { timeoutMs: config.sourceTimeoutMs });
    console.log(`gridgraph: sources ${sources.map((s) => `${s.connector.name} (${s.description})`).join(', ') || 'none'}`);
    if (config.loadDemo) await loadDemoSourcesIfEmpty(hub.db, sources, new AddressResolver(hub.db), (line) => console.log(line), config.demoScale);
    const { verifier, description, devRealm } = configuredVerifier(config);
    console.log(`gridgraph: tokens from the ${description}`);
    const eventFeed = new EventFeed(hub.db, connectors);
    server = await startServer({
      db: hub.db,
      connectors,
      sources,
      sourceTimeoutMs: config.sourceTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      drainMs: config.shutdownDrainMs,
      port: config.port,
      host: config.host,
      verifier,
      devRealm, // issue 22: GraphiQL's token picker, development realm only
      anonymousIntrospection: config.anonymousIntrospection,
      operationLimits: config.operationLimits,
      trustedDocuments,
      metrics: config.metricsPort === undefined ? undefined : { port: config.metricsPort, host: config.metricsHost },
      eventFeed,
      subgraph: options.subgraph,
    });
    if (server.metricsUrl !== undefined) console.log(`gridgraph: metrics at ${server.metricsUrl}`);
    sync = startContinuousSync(hub.db, sources, new AddressResolver(hub.db), {
      intervalSeconds: config.syncIntervalSeconds,
      databaseUrl: config.databaseUrl,
      log: (line) => logger.info({ event: 'sync' }, line),
      onTableSynced: (result) => {
        metrics.tableSynced(result);
        eventFeed.notify();
        if (result.scanned + result.deleted > 0) {
          const { source, table, mode, scanned, rechecked, deleted, skipped, duplicates, badChangeValues } = result;
          logProgress('sync.table', { connector: source, table, mode, scanned, rechecked, deleted, skipped, duplicates, badChangeValues });
        }
      },
    });
  } catch (error) {
    // Exit now, whatever is still open (pools, embedded servers): a half-started hub must not linger.
    console.error(`gridgraph: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.GRIDGRAPH_DEBUG && !(error instanceof ConfigError)) console.error(error);
    await closeDatabases();
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  console.log(`gridgraph: serving ${part.description}${server.url} (started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

/** What `--subgraph` asks for: the sources to open (all, its own, none) and how the start-up line names it. */
function subgraphPart(name: string | undefined): { sources: string[] | 'none'; description: string } {
  if (name === undefined) return { sources: [], description: '' };
  const names = subgraphNames(connectors);
  if (!names.includes(name)) throw new ConfigError('--subgraph', `no subgraph ${JSON.stringify(name)}: the subgraphs are ${names.join(', ')}`);
  return { sources: name === HUB_SUBGRAPH ? 'none' : [name], description: `the ${name} subgraph at ` };
}

/**
 * Calls `stop` on the first SIGTERM or SIGINT; a second signal exits at once
 * (status 128 + signal number, as a shell reports a killed process).
 */
function onTerminationSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`gridgraph: second ${signal}, exiting now`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    stop(signal).catch((error: unknown) => {
      console.error('gridgraph: shutdown failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Waits for `work` at most `ms`; past that, shutdown goes on without it (the process is about to end anyway). */
async function withinTime(work: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([work.then(() => 'done' as const, () => 'failed' as const), timeout]);
  clearTimeout(timer);
  if (outcome !== 'done') console.error(`gridgraph: ${what} ${outcome === 'late' ? `took longer than ${ms / 1000}s` : 'failed'}; going on`);
}
